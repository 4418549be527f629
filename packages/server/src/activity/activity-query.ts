import type { ActivityEntry, Actor, FieldChange } from '@tandem/protocol';
import type { Queryable } from '../db/database.ts';
import { keysetPage } from '../db/keyset-page.ts';
import { SqlParams } from '../db/sql-params.ts';
import { errors } from '../errors/app-error.ts';

/** Groups of activity a client can ask for by name, besides a single entity type. */
export const ACTIVITY_TYPE_GROUPS = {
  changes: ['workspace', 'member', 'table', 'field', 'view', 'record'],
  comments: ['comment'],
  approvals: ['approval', 'workflow'],
} as const;

/** Entity types an activity entry can be about. */
export const ACTIVITY_ENTITY_TYPES = ['workspace', 'member', 'table', 'field', 'view', 'record', 'comment', 'approval', 'workflow'] as const;

/** Values the `type` filter accepts: a group or an entity type. */
export const ACTIVITY_TYPE_FILTERS = [...(Object.keys(ACTIVITY_TYPE_GROUPS) as (keyof typeof ACTIVITY_TYPE_GROUPS)[]), ...ACTIVITY_ENTITY_TYPES] as const;
/** A value of the `type` filter. */
export type ActivityTypeFilter = (typeof ACTIVITY_TYPE_FILTERS)[number];

/** Which activity to read: one workspace, optionally narrowed to a table or a record. */
export interface ActivityQuery {
  readonly workspaceId: string;
  readonly tableId?: string;
  readonly recordId?: string;
  readonly type?: ActivityTypeFilter;
  /** Only entries by this actor. */
  readonly actorId?: string;
  /** Only entries strictly before / after these instants. */
  readonly before?: Date;
  readonly after?: Date;
  readonly limit: number;
  readonly cursor?: string;
}

interface ActivityRow {
  id: string;
  workspace_id: string;
  table_id: string | null;
  record_id: string | null;
  entity_type: string;
  entity_id: string;
  action: string;
  actor_id: string | null;
  actor_name: string | null;
  changes: FieldChange[];
  meta: Record<string, unknown>;
  created_at: Date;
  /** created_at to the microsecond, for the cursor (a JS Date keeps only milliseconds). */
  exact_ts: string;
}

/** Activity entries, newest first, with the cursor of the next (older) page. */
export async function queryActivity(db: Queryable, query: ActivityQuery): Promise<{ activity: ActivityEntry[]; next_cursor: string | null }> {
  const params = new SqlParams();
  const where = [`a.workspace_id = ${params.add(query.workspaceId)}`];
  if (query.tableId) where.push(`a.table_id = ${params.add(query.tableId)}`);
  if (query.recordId) where.push(`a.record_id = ${params.add(query.recordId)}`);
  if (query.type) {
    const types: readonly string[] = query.type in ACTIVITY_TYPE_GROUPS ? ACTIVITY_TYPE_GROUPS[query.type as keyof typeof ACTIVITY_TYPE_GROUPS] : [query.type];
    where.push(`a.entity_type = ANY(${params.add(types)}::text[])`);
  }
  if (query.actorId) where.push(`a.actor_id = ${params.add(query.actorId)}`);
  if (query.before) where.push(`a.created_at < ${params.add(query.before)}`);
  if (query.after) where.push(`a.created_at > ${params.add(query.after)}`);
  if (query.cursor) {
    const cursor = decodeCursor(query.cursor);
    where.push(`(a.created_at, a.id) < (${params.add(cursor.ts)}::timestamptz, ${params.add(cursor.id)}::uuid)`);
  }
  const rows = await db.query<ActivityRow>(
    `SELECT a.id, a.workspace_id, a.table_id, a.record_id, a.entity_type, a.entity_id, a.action, a.actor_id, u.name AS actor_name,
            a.changes, a.meta, a.created_at, to_char(a.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS exact_ts
     FROM activity a LEFT JOIN users u ON u.id = a.actor_id
     WHERE ${where.join(' AND ')} ORDER BY a.created_at DESC, a.id DESC LIMIT ${params.add(query.limit + 1)}`,
    params.values,
  );
  const page = keysetPage(rows, query.limit, (last) => Buffer.from(JSON.stringify({ ts: last.exact_ts, id: last.id })).toString('base64url'));
  return { activity: page.rows.map(entryOf), next_cursor: page.nextCursor };
}

function entryOf(row: ActivityRow): ActivityEntry {
  const actor: Actor | null = row.actor_id ? { id: row.actor_id, name: row.actor_name ?? '' } : null;
  return {
    id: row.id,
    workspace_id: row.workspace_id,
    table_id: row.table_id,
    record_id: row.record_id,
    entity_type: row.entity_type,
    entity_id: row.entity_id,
    action: row.action,
    actor,
    changes: row.changes,
    meta: row.meta,
    created_at: row.created_at.toISOString(),
  };
}

/** An ISO-8601 time to the microsecond with a zone, as cursors carry it. */
const CURSOR_TS = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}(:?\d{2})?)$/;
const CURSOR_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function decodeCursor(raw: string): { ts: string; id: string } {
  try {
    const c = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as { ts?: unknown; id?: unknown };
    // Only what the server itself writes: Date.parse takes "1" or year 275760, which PostgreSQL's
    // timestamptz and uuid casts then refused with a 500.
    if (typeof c.ts === 'string' && CURSOR_TS.test(c.ts) && !Number.isNaN(Date.parse(c.ts)) && typeof c.id === 'string' && CURSOR_ID.test(c.id)) {
      return { ts: c.ts, id: c.id };
    }
  } catch {
    // Falls through to the error below.
  }
  throw errors.invalid('The cursor is not valid.', { field: 'cursor' });
}
