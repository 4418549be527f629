import { randomUUID } from 'node:crypto';
import { type ActivityEntry, type Actor, type FieldChange, roomName } from '@tandem/protocol';
import type { Transaction } from '../db/database.ts';
import type { EventLog } from '../events/event-log.ts';

/** What happened, to be written to the activity log. */
export interface ActivityInput {
  readonly workspaceId: string;
  readonly tableId?: string | null;
  readonly recordId?: string | null;
  readonly entityType: 'workspace' | 'member' | 'table' | 'field' | 'view' | 'record' | 'comment' | 'approval' | 'workflow';
  readonly entityId: string;
  readonly action: string;
  readonly actor: Actor | null;
  readonly changes?: readonly FieldChange[];
  readonly meta?: Record<string, unknown>;
}

/**
 * Writes one activity entry in the caller's transaction and stages `activity_created` for the
 * workspace room and the room of what it is about (the record's, or the table's for a change to
 * the table itself), so the audit trail can never disagree with the data.
 */
export async function writeActivity(tx: Transaction, events: EventLog, input: ActivityInput): Promise<ActivityEntry> {
  const id = randomUUID();
  // The server's clock rather than the transaction's: the entry is complete without a round trip,
  // so its insert can travel with the transaction's other deferred writes just before COMMIT.
  const createdAt = new Date();
  const entry: ActivityEntry = {
    id,
    workspace_id: input.workspaceId,
    table_id: input.tableId ?? null,
    record_id: input.recordId ?? null,
    entity_type: input.entityType,
    entity_id: input.entityId,
    action: input.action,
    actor: input.actor,
    changes: input.changes ?? [],
    meta: input.meta ?? {},
    created_at: createdAt.toISOString(),
  };
  stageActivity(tx, entry, createdAt);
  // The workspace room carries the whole audit trail. An entry about a record goes to the record's
  // room, where its timeline is shown, and not to the table's: table subscribers already get the
  // change itself (`record_*`), and a second frame per write would double a busy table's fan-out.
  const rooms = [roomName('workspace', input.workspaceId)];
  if (input.recordId) rooms.push(roomName('record', input.recordId));
  else if (input.tableId) rooms.push(roomName('table', input.tableId));
  events.append(tx, rooms, 'activity_created', input.actor, entry);
  return entry;
}

/** An activity row as {@link INSERT_ACTIVITY_SQL} reads it: the entry with its actor's id and its time as a Date. */
type ActivityRow = Omit<ActivityEntry, 'actor' | 'created_at'> & { readonly actor_id: string | null; readonly created_at: Date };

/** Inserts the rows of `$1`, a JSON array of {@link ActivityRow} (entries are ordered by their `created_at`, not by insertion). */
const INSERT_ACTIVITY_SQL = `INSERT INTO activity (id, workspace_id, table_id, record_id, entity_type, entity_id, action, actor_id, changes, meta, created_at)
  SELECT a.id, a.workspace_id, a.table_id, a.record_id, a.entity_type, a.entity_id, a.action, a.actor_id, a.changes, a.meta, a.created_at
  FROM jsonb_to_recordset($1::jsonb) AS a(id uuid, workspace_id uuid, table_id uuid, record_id uuid, entity_type text, entity_id uuid, action text, actor_id uuid, changes jsonb, meta jsonb, created_at timestamptz)`;

/** Activity rows each open transaction has yet to insert. */
const staged = new WeakMap<Transaction, ActivityRow[]>();

/**
 * Queues an entry's activity row (`createdAt` is its time as written) in its transaction: however
 * many entries a transaction writes (a batch of record updates writes one each), they are inserted
 * in one statement that travels with the transaction's other last writes.
 */
function stageActivity(tx: Transaction, entry: ActivityEntry, createdAt: Date): void {
  const { actor, created_at: _iso, ...columns } = entry;
  const row: ActivityRow = { ...columns, actor_id: actor?.id ?? null, created_at: createdAt };
  let rows = staged.get(tx);
  if (!rows) {
    const list: ActivityRow[] = [];
    rows = list;
    staged.set(tx, list);
    tx.beforeCommit(async () => {
      tx.defer(INSERT_ACTIVITY_SQL, [JSON.stringify(list)]);
    });
  }
  rows.push(row);
}
