import { randomUUID } from 'node:crypto';
import { type FieldType, roomName, type TableDetail, type TableInfo } from '@tandem/protocol';
import { writeActivity } from '../activity/activity-writer.ts';
import { actorOf } from '../auth/actor.ts';
import type { AuthInfo } from '../auth/auth-service.ts';
import type { AppContext } from '../context.ts';
import { errors } from '../errors/app-error.ts';
import type { Access } from '../workspaces/access.ts';
import { normaliseOptions } from './field-options.ts';
import { removeField, schemaRooms } from './schema-changes.ts';
import { FIELD_COLUMNS, type Field, fieldJson, loadFields, loadViews, lockTable, TABLE_COLUMNS, type TableRow, tableJson, viewJson } from './table-model.ts';

/** A field to create, as clients send it. */
export interface NewField {
  readonly name: string;
  /** What the field is for (default ''). */
  readonly description?: string;
  readonly type: FieldType;
  readonly options?: Record<string, unknown>;
}

/** A table with its fields and views, as `GET /tables/{id}` returns it. */
export type { TableDetail };

/** The field a table gets when it is created without any. */
export const DEFAULT_FIELD: NewField = { name: 'Name', type: 'text' };

/** Tables of a workspace. Everyone reads; admins and owners create, change and delete. */
export class TableService {
  constructor(
    private readonly ctx: AppContext,
    private readonly access: Access,
  ) {}

  async list(auth: AuthInfo, workspaceId: string): Promise<TableInfo[]> {
    await this.access.require(auth, 'workspace', workspaceId, 'viewer');
    const rows = await this.ctx.db.query<TableRow>(`SELECT ${TABLE_COLUMNS} FROM tables WHERE workspace_id = $1 ORDER BY position, created_at, id`, [
      workspaceId,
    ]);
    return rows.map(tableJson);
  }

  async get(auth: AuthInfo, tableId: string): Promise<TableDetail> {
    await this.access.require(auth, 'table', tableId, 'viewer');
    const [row] = await this.ctx.db.query<TableRow>(`SELECT ${TABLE_COLUMNS} FROM tables WHERE id = $1`, [tableId]);
    if (!row) throw errors.notFound('Table');
    const [fields, views] = await Promise.all([loadFields(this.ctx.db, tableId), loadViews(this.ctx.db, tableId)]);
    return { ...tableJson(row), fields: fields.map(fieldJson), views: views.map(viewJson) };
  }

  /** Creates a table with its first fields (a text field "Name" when none are given). */
  async create(auth: AuthInfo, workspaceId: string, input: { name: string; description?: string; fields?: readonly NewField[] }): Promise<TableDetail> {
    await this.access.require(auth, 'workspace', workspaceId, 'admin');
    const specs = input.fields && input.fields.length > 0 ? input.fields : [DEFAULT_FIELD];
    const names = new Set<string>();
    for (const spec of specs) {
      if (names.has(spec.name.toLowerCase())) throw errors.invalid(`Two fields are named "${spec.name}".`, { field: 'fields' });
      names.add(spec.name.toLowerCase());
    }
    const id = randomUUID();
    const actor = actorOf(auth);
    return this.ctx.db.transaction(async (tx) => {
      const [row] = await tx.query<TableRow>(
        `INSERT INTO tables (id, workspace_id, name, description, position, created_by)
         VALUES ($1, $2, $3, $4, (SELECT coalesce(max(position), -1) + 1 FROM tables WHERE workspace_id = $2), $5)
         RETURNING ${TABLE_COLUMNS}`,
        [id, workspaceId, input.name, input.description ?? '', auth.user.id],
      );
      if (!row) throw errors.notFound('Workspace');
      const fields: Field[] = [];
      for (const [position, spec] of specs.entries()) {
        // Options are checked inside the transaction so a link may point at this very table.
        const options = await normaliseOptions(tx, workspaceId, spec.type, spec.options, spec.name);
        const [field] = await tx.query<Field>(
          `INSERT INTO fields (id, table_id, name, description, type, options, position) VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7)
           RETURNING ${FIELD_COLUMNS}`,
          [randomUUID(), id, spec.name, spec.description ?? '', spec.type, JSON.stringify(options), position],
        );
        if (field) fields.push(field);
      }
      const detail: TableDetail = { ...tableJson(row), fields: fields.map(fieldJson), views: [] };
      await writeActivity(tx, this.ctx.events, {
        workspaceId,
        tableId: id,
        entityType: 'table',
        entityId: id,
        action: 'created',
        actor,
        meta: { name: input.name, fields: fields.map((f) => ({ id: f.id, name: f.name, type: f.type })) },
      });
      this.ctx.events.append(tx, [roomName('workspace', workspaceId)], 'table_created', actor, detail);
      return detail;
    });
  }

  /** Renames, redescribes or moves a table. */
  async update(auth: AuthInfo, tableId: string, input: { name?: string; description?: string; position?: number }): Promise<TableInfo> {
    const scope = await this.access.require(auth, 'table', tableId, 'admin');
    const actor = actorOf(auth);
    return this.ctx.db.transaction(async (tx) => {
      const before = await lockTable(tx, tableId, 'schema');
      if (!before) throw errors.notFound('Table');
      const [row] = await tx.query<TableRow>(
        `UPDATE tables SET name = coalesce($2, name), description = coalesce($3, description), position = coalesce($4, position), updated_at = now()
         WHERE id = $1 RETURNING ${TABLE_COLUMNS}`,
        [tableId, input.name ?? null, input.description ?? null, input.position ?? null],
      );
      if (!row) throw errors.notFound('Table');
      const after = tableJson(row);
      await writeActivity(tx, this.ctx.events, {
        workspaceId: scope.workspaceId,
        tableId,
        entityType: 'table',
        entityId: tableId,
        action: 'updated',
        actor,
        meta: { before: pick(before), after: pick(row) },
      });
      this.ctx.events.append(tx, schemaRooms({ workspaceId: scope.workspaceId, tableId }), 'table_updated', actor, after);
      return after;
    });
  }

  /**
   * Deletes a table with its fields, views and records. Link fields of other tables that point at
   * it are removed too (with their values), so no record is left linking into nothing.
   */
  async delete(auth: AuthInfo, tableId: string): Promise<void> {
    const scope = await this.access.require(auth, 'table', tableId, 'admin');
    const actor = actorOf(auth);
    await this.ctx.db.transaction(async (tx) => {
      const table = await lockTable(tx, tableId, 'schema');
      if (!table) throw errors.notFound('Table');
      const incoming = await tx.query<Field>(
        `SELECT f.id, f.table_id, f.name, f.description, f.type, f.options, f.position, f.created_at FROM fields f JOIN tables t ON t.id = f.table_id
         WHERE t.workspace_id = $1 AND f.table_id <> $2 AND f.type = 'link' AND f.options ->> 'linked_table_id' = $2::text
         ORDER BY f.table_id, f.id`,
        [scope.workspaceId, tableId],
      );
      for (const field of incoming) {
        await lockTable(tx, field.table_id, 'schema');
        await removeField(tx, { workspaceId: scope.workspaceId, tableId: field.table_id, actor, events: this.ctx.events }, field);
      }
      const [count] = await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM records WHERE table_id = $1', [tableId]);
      await tx.query('DELETE FROM tables WHERE id = $1', [tableId]);
      await writeActivity(tx, this.ctx.events, {
        workspaceId: scope.workspaceId,
        tableId,
        entityType: 'table',
        entityId: tableId,
        action: 'deleted',
        actor,
        meta: { name: table.name, records: count?.n ?? 0 },
      });
      this.ctx.events.append(tx, schemaRooms({ workspaceId: scope.workspaceId, tableId }), 'table_deleted', actor, {
        id: tableId,
        workspace_id: scope.workspaceId,
        name: table.name,
      });
    });
    this.access.forgetEntity('table', tableId);
  }
}

function pick(row: TableRow) {
  return { name: row.name, description: row.description, position: row.position };
}
