import { type Actor, roomName } from '@tandem/protocol';
import { writeActivity } from '../activity/activity-writer.ts';
import type { Queryable, Transaction } from '../db/database.ts';
import type { EventLog } from '../events/event-log.ts';
import { convertValue } from './field-conversion.ts';
import { sameValue } from './same-value.ts';
import { type Field, loadViews, VIEW_COLUMNS, type ViewRow, viewJson } from './table-model.ts';

/** Who changes the schema of which table, and where its events go. */
export interface SchemaScope {
  readonly workspaceId: string;
  readonly tableId: string;
  readonly actor: Actor;
  readonly events: EventLog;
}

/** The rooms that hear about schema changes of a table. */
export function schemaRooms(scope: Pick<SchemaScope, 'workspaceId' | 'tableId'>): string[] {
  return [roomName('table', scope.tableId), roomName('workspace', scope.workspaceId)];
}

/**
 * Removes a field in the caller's transaction (the table must be locked for schema changes):
 * its values leave every record (each record that had one moves to the next version), it leaves
 * every view's filters, sorts and hidden fields, and the deletion is logged and announced.
 * Returns how many records lost a value.
 */
export async function removeField(tx: Transaction, scope: SchemaScope, field: Field): Promise<number> {
  // Record writers wait on the schema lock the caller holds, so this count stays true.
  const [count] = await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM records WHERE table_id = $1 AND "values" ? $2::text`, [
    scope.tableId,
    field.id,
  ]);
  await tx.query(
    `UPDATE records SET
       "values" = "values" - $2::text,
       field_versions = field_versions - $2::text,
       version = version + CASE WHEN "values" ? $2::text THEN 1 ELSE 0 END,
       updated_at = CASE WHEN "values" ? $2::text THEN now() ELSE updated_at END
     WHERE table_id = $1 AND ("values" ? $2::text OR field_versions ? $2::text)`,
    [scope.tableId, field.id],
  );
  await pruneViews(tx, scope, field.id, 'all');
  await tx.query('DELETE FROM fields WHERE id = $1', [field.id]);
  const recordsChanged = count?.n ?? 0;
  await writeActivity(tx, scope.events, {
    workspaceId: scope.workspaceId,
    tableId: scope.tableId,
    entityType: 'field',
    entityId: field.id,
    action: 'deleted',
    actor: scope.actor,
    meta: { name: field.name, type: field.type, records_changed: recordsChanged },
  });
  scope.events.append(tx, schemaRooms(scope), 'field_deleted', scope.actor, { id: field.id, table_id: scope.tableId, name: field.name });
  return recordsChanged;
}

/**
 * Takes a field out of the table's views: `all` removes it from filters, sorts and hidden
 * fields (the field is going away); `filters` only drops its filters (its type changed, so the
 * old conditions no longer apply). Each changed view is announced with `view_updated`.
 */
export async function pruneViews(tx: Transaction, scope: SchemaScope, fieldId: string, what: 'all' | 'filters'): Promise<void> {
  for (const view of await loadViews(tx, scope.tableId)) {
    const filters = view.filters.filter((f) => f.field_id !== fieldId);
    const sorts = what === 'all' ? view.sorts.filter((s) => s.field_id !== fieldId) : view.sorts;
    const hidden = what === 'all' ? view.hidden_fields.filter((id) => id !== fieldId) : view.hidden_fields;
    if (filters.length === view.filters.length && sorts.length === view.sorts.length && hidden.length === view.hidden_fields.length) continue;
    const [updated] = await tx.query<ViewRow>(
      `UPDATE views SET filters = $2::jsonb, sorts = $3::jsonb, hidden_fields = $4::jsonb, updated_at = now() WHERE id = $1 RETURNING ${VIEW_COLUMNS}`,
      [view.id, JSON.stringify(filters), JSON.stringify(sorts), JSON.stringify(hidden)],
    );
    if (updated) scope.events.append(tx, schemaRooms(scope), 'view_updated', scope.actor, viewJson(updated));
  }
}

/** One record's new value of a field; a missing `value` clears it. */
interface ValueUpdate {
  readonly id: string;
  readonly value?: unknown;
}

/** What converting a field's values does: the records to rewrite, and how many of them lose their value. */
export interface ConversionPlan {
  readonly updates: readonly ValueUpdate[];
  readonly cleared: number;
}

/**
 * Reads the stored values of `from` in its table and works out, by {@link convertValue}, which
 * change when the field becomes `to`; `lock` takes the rows for update (the caller then writes).
 */
export async function planConversion(db: Queryable, tableId: string, from: Field, to: Field, lock: boolean): Promise<ConversionPlan> {
  const rows = await db.query<{ id: string; value: unknown }>(
    `SELECT id, "values" -> $2::text AS value FROM records WHERE table_id = $1 AND "values" ? $2::text ORDER BY id${lock ? ' FOR UPDATE' : ''}`,
    [tableId, from.id],
  );
  const updates: ValueUpdate[] = [];
  let cleared = 0;
  for (const row of rows) {
    const next = convertValue(row.value, from, to);
    if (sameValue(next, row.value)) continue;
    if (next === null) cleared++;
    updates.push(next === null ? { id: row.id } : { id: row.id, value: next });
  }
  return { updates, cleared };
}

/**
 * Rewrites the stored values of a field whose type or options changed, following
 * {@link convertValue}. Every record whose value changes moves to the next version with that
 * field marked as changed there. Returns how many records changed.
 */
export async function convertFieldValues(tx: Transaction, tableId: string, from: Field, to: Field): Promise<number> {
  const { updates } = await planConversion(tx, tableId, from, to, true);
  if (updates.length === 0) return 0;
  // A missing `value` becomes SQL NULL below, which clears the cell.
  await tx.query(
    `UPDATE records r SET
       "values" = CASE WHEN u.value IS NULL THEN r."values" - $2::text ELSE jsonb_set(r."values", ARRAY[$2::text], u.value) END,
       field_versions = jsonb_set(r.field_versions, ARRAY[$2::text], to_jsonb(r.version + 1)),
       version = r.version + 1,
       updated_at = now()
     FROM jsonb_to_recordset($1::jsonb) AS u(id uuid, value jsonb)
     WHERE r.id = u.id`,
    [JSON.stringify(updates), from.id],
  );
  return updates.length;
}
