import type { Transaction } from '../db/database.ts';
import type { EventLog } from '../events/event-log.ts';
import { type Notification, notify } from './notification-writer.ts';

/**
 * Sends an urgent `alert` notification to every owner and admin of a workspace (or, with no
 * workspace, to the owners and admins of every workspace), e.g. from a threshold alert.
 * Urgent means it bypasses quiet hours and digests.
 */
export async function alertAdmins(tx: Transaction, events: EventLog, input: { workspaceId?: string; title: string; body?: string }): Promise<Notification[]> {
  const admins = await tx.query<{ user_id: string }>(
    `SELECT DISTINCT user_id FROM members WHERE role IN ('owner','admin') AND ($1::uuid IS NULL OR workspace_id = $1::uuid)`,
    [input.workspaceId ?? null],
  );
  return notify(tx, events, {
    type: 'alert',
    recipients: admins.map((a) => a.user_id),
    actor: null,
    title: input.title,
    body: input.body ?? '',
    workspaceId: input.workspaceId ?? null,
    urgent: true,
  });
}
