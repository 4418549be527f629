import type { Transaction } from '../db/database.ts';
import type { EventLog } from '../events/event-log.ts';
import type { RecordWriteChange } from '../records/record-write-hooks.ts';
import { notify } from './notification-writer.ts';

/** User ids held by a user field value: an id, a list of ids, or objects with an `id`. */
function userIds(value: unknown): string[] {
  const list = Array.isArray(value) ? value : value == null ? [] : [value];
  return list
    .map((v) => (typeof v === 'string' ? v : v && typeof v === 'object' && typeof (v as { id?: unknown }).id === 'string' ? (v as { id: string }).id : null))
    .filter((v): v is string => v !== null);
}

/**
 * A record-write listener: whoever a write puts into a user field (and was not there before)
 * gets an `assigned` notification, if they are a member of the workspace.
 */
export function assignmentNotifier(events: EventLog) {
  return async (tx: Transaction, change: RecordWriteChange): Promise<void> => {
    if (change.action === 'deleted' || change.changes.length === 0) return;
    const changed = new Set(change.changes.map((c) => c.field_id));
    for (const field of change.fields.filter((f) => f.type === 'user' && changed.has(f.id))) {
      const diff = change.changes.find((c) => c.field_id === field.id);
      if (!diff) continue;
      const before = new Set(userIds(diff.before));
      const added = [...new Set(userIds(diff.after))].filter((id) => !before.has(id) && /^[0-9a-f-]{36}$/i.test(id));
      if (added.length === 0) continue;
      const members = await tx.query<{ user_id: string }>('SELECT user_id FROM members WHERE workspace_id = $1 AND user_id = ANY($2::uuid[])', [
        change.workspaceId,
        added,
      ]);
      await notify(tx, events, {
        type: 'assigned',
        recipients: members.map((m) => m.user_id),
        actor: change.actor,
        title: `${change.actor.name} assigned you to a record`,
        body: `Field “${diff.field_name}”`,
        workspaceId: change.workspaceId,
        tableId: change.tableId,
        recordId: change.recordId,
      });
    }
  };
}
