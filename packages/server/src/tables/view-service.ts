import { randomUUID } from 'node:crypto';
import type { ViewFilter, ViewInfo, ViewSort } from '@tandem/protocol';
import { writeActivity } from '../activity/activity-writer.ts';
import { actorOf } from '../auth/actor.ts';
import type { AuthInfo } from '../auth/auth-service.ts';
import type { AppContext } from '../context.ts';
import { errors } from '../errors/app-error.ts';
import type { Access } from '../workspaces/access.ts';
import { schemaRooms } from './schema-changes.ts';
import { loadViews, lockTableFields, VIEW_COLUMNS, type ViewRow, viewJson } from './table-model.ts';
import { normaliseFilters, normaliseHidden, normaliseSorts } from './view-filters.ts';

/** What a client sends to create or change a view; omitted properties stay as they are. */
export interface ViewInput {
  readonly name?: string;
  readonly filters?: readonly ViewFilter[];
  readonly sorts?: readonly ViewSort[];
  readonly hidden_fields?: readonly string[];
  readonly position?: number;
}

/** Saved views (filters, sorts, hidden fields) of a table. Everyone reads; editors and above write. */
export class ViewService {
  constructor(
    private readonly ctx: AppContext,
    private readonly access: Access,
  ) {}

  async list(auth: AuthInfo, tableId: string): Promise<ViewInfo[]> {
    await this.access.require(auth, 'table', tableId, 'viewer');
    return (await loadViews(this.ctx.db, tableId)).map(viewJson);
  }

  async create(auth: AuthInfo, tableId: string, input: ViewInput & { name: string }): Promise<ViewInfo> {
    const scope = await this.access.require(auth, 'table', tableId, 'editor');
    const actor = actorOf(auth);
    return this.ctx.db.transaction(async (tx) => {
      // Shares the table with record writers but waits for schema changes, so filters match the fields.
      const fields = await lockTableFields(tx, tableId);
      if (!fields) throw errors.notFound('Table');
      const [row] = await tx.query<ViewRow>(
        `INSERT INTO views (id, table_id, name, filters, sorts, hidden_fields, position, created_by)
         VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6::jsonb, coalesce($7, (SELECT coalesce(max(position), -1) + 1 FROM views WHERE table_id = $2)), $8)
         RETURNING ${VIEW_COLUMNS}`,
        [
          randomUUID(),
          tableId,
          input.name,
          JSON.stringify(normaliseFilters(fields, input.filters ?? [])),
          JSON.stringify(normaliseSorts(fields, input.sorts ?? [])),
          JSON.stringify(normaliseHidden(fields, input.hidden_fields ?? [])),
          input.position ?? null,
          auth.user.id,
        ],
      );
      if (!row) throw errors.notFound('Table');
      const json = viewJson(row);
      await writeActivity(tx, this.ctx.events, {
        workspaceId: scope.workspaceId,
        tableId,
        entityType: 'view',
        entityId: row.id,
        action: 'created',
        actor,
        meta: { name: row.name },
      });
      this.ctx.events.append(tx, schemaRooms({ workspaceId: scope.workspaceId, tableId }), 'view_created', actor, json);
      return json;
    });
  }

  async update(auth: AuthInfo, viewId: string, input: ViewInput): Promise<ViewInfo> {
    const scope = await this.access.require(auth, 'view', viewId, 'editor');
    const tableId = scope.tableId ?? '';
    const actor = actorOf(auth);
    return this.ctx.db.transaction(async (tx) => {
      const fields = await lockTableFields(tx, tableId);
      if (!fields) throw errors.notFound('View');
      const [before] = await tx.query<ViewRow>(`SELECT ${VIEW_COLUMNS} FROM views WHERE id = $1 FOR UPDATE`, [viewId]);
      if (!before) throw errors.notFound('View');
      const [row] = await tx.query<ViewRow>(
        `UPDATE views SET name = $2, filters = $3::jsonb, sorts = $4::jsonb, hidden_fields = $5::jsonb, position = coalesce($6, position), updated_at = now()
         WHERE id = $1 RETURNING ${VIEW_COLUMNS}`,
        [
          viewId,
          input.name ?? before.name,
          JSON.stringify(input.filters ? normaliseFilters(fields, input.filters) : before.filters),
          JSON.stringify(input.sorts ? normaliseSorts(fields, input.sorts) : before.sorts),
          JSON.stringify(input.hidden_fields ? normaliseHidden(fields, input.hidden_fields) : before.hidden_fields),
          input.position ?? null,
        ],
      );
      if (!row) throw errors.notFound('View');
      const json = viewJson(row);
      await writeActivity(tx, this.ctx.events, {
        workspaceId: scope.workspaceId,
        tableId,
        entityType: 'view',
        entityId: viewId,
        action: 'updated',
        actor,
        meta: { before: describe(before), after: describe(row) },
      });
      this.ctx.events.append(tx, schemaRooms({ workspaceId: scope.workspaceId, tableId }), 'view_updated', actor, json);
      return json;
    });
  }

  async delete(auth: AuthInfo, viewId: string): Promise<void> {
    const scope = await this.access.require(auth, 'view', viewId, 'editor');
    const tableId = scope.tableId ?? '';
    const actor = actorOf(auth);
    await this.ctx.db.transaction(async (tx) => {
      const [row] = await tx.query<ViewRow>(`DELETE FROM views WHERE id = $1 RETURNING ${VIEW_COLUMNS}`, [viewId]);
      if (!row) throw errors.notFound('View');
      await writeActivity(tx, this.ctx.events, {
        workspaceId: scope.workspaceId,
        tableId,
        entityType: 'view',
        entityId: viewId,
        action: 'deleted',
        actor,
        meta: { name: row.name },
      });
      this.ctx.events.append(tx, schemaRooms({ workspaceId: scope.workspaceId, tableId }), 'view_deleted', actor, {
        id: viewId,
        table_id: tableId,
        name: row.name,
      });
    });
    this.access.forgetEntity('view', viewId);
  }
}

function describe(row: ViewRow) {
  return { name: row.name, filters: row.filters, sorts: row.sorts, hidden_fields: row.hidden_fields };
}
