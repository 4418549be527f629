import { randomUUID } from 'node:crypto';
import type { FieldConversionPreview, FieldInfo, FieldType } from '@tandem/protocol';
import { writeActivity } from '../activity/activity-writer.ts';
import { actorOf } from '../auth/actor.ts';
import type { AuthInfo } from '../auth/auth-service.ts';
import type { AppContext } from '../context.ts';
import type { Queryable, Transaction } from '../db/database.ts';
import { errors } from '../errors/app-error.ts';
import type { Access } from '../workspaces/access.ts';
import { choiceNames } from './field-conversion.ts';
import { choicesOf, type FieldOptions, normaliseOptions } from './field-options.ts';
import { sameValue } from './same-value.ts';
import { convertFieldValues, planConversion, pruneViews, removeField, type SchemaScope, schemaRooms } from './schema-changes.ts';
import { FIELD_COLUMNS, type Field, fieldJson, loadField, lockTable } from './table-model.ts';

/** Most choices derived from existing values when a field becomes a select. */
export const MAX_DERIVED_CHOICES = 200;

/** A change to a field; omitted properties stay as they are. */
export interface FieldPatch {
  readonly name?: string;
  readonly description?: string;
  readonly type?: FieldType;
  readonly options?: Record<string, unknown>;
  readonly position?: number;
}

const FIELD_RETURNING = `RETURNING ${FIELD_COLUMNS}`;
const isSelect = (type: FieldType) => type === 'single_select' || type === 'multi_select';

/**
 * Fields (columns) of a table; admins and owners manage them. Renaming touches no record
 * (values are keyed by field id). Changing type or options converts each stored value by
 * `convertValue` (or clears it when it has no form in the new type); deleting removes the
 * values from every record and the field from every view, all in one transaction.
 */
export class FieldService {
  constructor(
    private readonly ctx: AppContext,
    private readonly access: Access,
  ) {}

  async create(
    auth: AuthInfo,
    tableId: string,
    input: { name: string; description?: string; type: FieldType; options?: Record<string, unknown>; position?: number },
  ): Promise<FieldInfo> {
    const scope = await this.access.require(auth, 'table', tableId, 'admin');
    const actor = actorOf(auth);
    return this.ctx.db.transaction(async (tx) => {
      if (!(await lockTable(tx, tableId, 'schema'))) throw errors.notFound('Table');
      await assertNameFree(tx, tableId, input.name, null);
      const options = await normaliseOptions(tx, scope.workspaceId, input.type, input.options, input.name);
      const [field] = await tx.query<Field>(
        `INSERT INTO fields (id, table_id, name, description, type, options, position)
         VALUES ($1, $2, $3, $4, $5, $6::jsonb, coalesce($7, (SELECT coalesce(max(position), -1) + 1 FROM fields WHERE table_id = $2))) ${FIELD_RETURNING}`,
        [randomUUID(), tableId, input.name, input.description ?? '', input.type, JSON.stringify(options), input.position ?? null],
      );
      if (!field) throw errors.notFound('Table');
      await writeActivity(tx, this.ctx.events, {
        workspaceId: scope.workspaceId,
        tableId,
        entityType: 'field',
        entityId: field.id,
        action: 'created',
        actor,
        meta: { name: field.name, type: field.type },
      });
      const json = fieldJson(field);
      this.ctx.events.append(tx, schemaRooms({ workspaceId: scope.workspaceId, tableId }), 'field_created', actor, json);
      return json;
    });
  }

  /**
   * What {@link update} with this type and options would do to stored values, without writing:
   * how many records would change and how many values would be cleared. Same access as update.
   */
  async previewConversion(auth: AuthInfo, fieldId: string, patch: Pick<FieldPatch, 'type' | 'options'>): Promise<FieldConversionPreview> {
    const scope = await this.access.require(auth, 'field', fieldId, 'admin');
    const tableId = scope.tableId ?? '';
    const db = this.ctx.db;
    const before = await loadField(db, fieldId);
    if (!before) throw errors.notFound('Field');
    const type = patch.type ?? before.type;
    const options = await normaliseOptions(db, scope.workspaceId, type, patch.options ?? (await this.#carriedOptions(db, before, type)), before.name);
    const after: Field = { ...before, type, options };
    const [total] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM records WHERE table_id = $1', [tableId]);
    const valuesMayChange = type !== before.type || !sameValue(options, before.options);
    const plan = valuesMayChange ? await planConversion(db, tableId, before, after, false) : { updates: [], cleared: 0 };
    return { records_total: total?.n ?? 0, records_changed: plan.updates.length, values_cleared: plan.cleared };
  }

  /** Renames, describes, moves, retypes or re-options a field, converting stored values when needed. */
  async update(auth: AuthInfo, fieldId: string, patch: FieldPatch): Promise<FieldInfo & { records_changed: number }> {
    const scope = await this.access.require(auth, 'field', fieldId, 'admin');
    const tableId = scope.tableId ?? '';
    const actor = actorOf(auth);
    return this.ctx.db.transaction(async (tx) => {
      if (!(await lockTable(tx, tableId, 'schema'))) throw errors.notFound('Field');
      const before = await loadField(tx, fieldId);
      if (!before) throw errors.notFound('Field');
      const name = patch.name ?? before.name;
      if (name.toLowerCase() !== before.name.toLowerCase()) await assertNameFree(tx, tableId, name, fieldId);
      const type = patch.type ?? before.type;
      const options = await normaliseOptions(tx, scope.workspaceId, type, patch.options ?? (await this.#carriedOptions(tx, before, type)), name);
      const [after] = await tx.query<Field>(
        `UPDATE fields SET name = $2, type = $3, options = $4::jsonb, position = coalesce($5, position), description = coalesce($6, description)
         WHERE id = $1 ${FIELD_RETURNING}`,
        [fieldId, name, type, JSON.stringify(options), patch.position ?? null, patch.description ?? null],
      );
      if (!after) throw errors.notFound('Field');
      const valuesMayChange = type !== before.type || !sameValue(options, before.options);
      const recordsChanged = valuesMayChange ? await convertFieldValues(tx, tableId, before, after) : 0;
      const schemaScope: SchemaScope = { workspaceId: scope.workspaceId, tableId, actor, events: this.ctx.events };
      if (type !== before.type) await pruneViews(tx, schemaScope, fieldId, 'filters');
      await writeActivity(tx, this.ctx.events, {
        workspaceId: scope.workspaceId,
        tableId,
        entityType: 'field',
        entityId: fieldId,
        action: 'updated',
        actor,
        meta: { before: describe(before), after: describe(after), records_changed: recordsChanged },
      });
      const json = { ...fieldJson(after), records_changed: recordsChanged };
      this.ctx.events.append(tx, schemaRooms(schemaScope), 'field_updated', actor, json);
      return json;
    });
  }

  async delete(auth: AuthInfo, fieldId: string): Promise<{ records_changed: number }> {
    const scope = await this.access.require(auth, 'field', fieldId, 'admin');
    const tableId = scope.tableId ?? '';
    const result = await this.ctx.db.transaction(async (tx) => {
      if (!(await lockTable(tx, tableId, 'schema'))) throw errors.notFound('Field');
      const field = await loadField(tx, fieldId);
      if (!field) throw errors.notFound('Field');
      const recordsChanged = await removeField(tx, { workspaceId: scope.workspaceId, tableId, actor: actorOf(auth), events: this.ctx.events }, field);
      return { records_changed: recordsChanged };
    });
    this.access.forgetEntity('field', fieldId);
    return result;
  }

  /**
   * Options for a new type when the client gave none: selects keep their choices, a field that
   * becomes a select gets one choice per distinct existing value, everything else starts empty.
   */
  async #carriedOptions(tx: Queryable, before: Field, type: FieldType): Promise<FieldOptions> {
    if (type === before.type) return before.options;
    if (!isSelect(type)) return {};
    if (isSelect(before.type)) return { choices: choicesOf(before.options) };
    const rows = await tx.query<{ value: unknown }>(
      `SELECT "values" -> $2::text AS value FROM records WHERE table_id = $1 AND "values" ? $2::text ORDER BY ordinal`,
      [before.table_id, before.id],
    );
    const names = new Map<string, string>();
    for (const row of rows) {
      for (const name of choiceNames(before, row.value)) {
        const clipped = name.slice(0, 100);
        if (names.size < MAX_DERIVED_CHOICES && !names.has(clipped.toLowerCase())) names.set(clipped.toLowerCase(), clipped);
      }
    }
    return { choices: [...names.values()].map((name) => ({ name })) };
  }
}

async function assertNameFree(tx: Transaction, tableId: string, name: string, exceptId: string | null): Promise<void> {
  const [taken] = await tx.query('SELECT id FROM fields WHERE table_id = $1 AND lower(name) = lower($2) AND id IS DISTINCT FROM $3::uuid', [
    tableId,
    name,
    exceptId,
  ]);
  if (taken) throw errors.conflict(`This table already has a field named "${name}".`, { field: 'name' });
}

function describe(field: Field) {
  return { name: field.name, description: field.description, type: field.type, options: field.options };
}
