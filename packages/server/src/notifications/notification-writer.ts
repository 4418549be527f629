import { randomUUID } from 'node:crypto';
import { type Actor, type NotificationInfo, type NotificationType, roomName } from '@tandem/protocol';
import type { Transaction } from '../db/database.ts';
import type { EventLog } from '../events/event-log.ts';
import { loadPreferences } from './preferences.ts';

/** What happened, for the people it concerns. */
export interface NotificationInput {
  readonly type: NotificationType;
  readonly recipients: readonly string[];
  /** Who caused it; never notified themself. Null for system alerts. */
  readonly actor: Actor | null;
  readonly title: string;
  readonly body?: string;
  readonly workspaceId?: string | null;
  readonly tableId?: string | null;
  readonly recordId?: string | null;
  readonly commentId?: string | null;
  readonly approvalId?: string | null;
  readonly chatRoomId?: string | null;
  readonly chatMessageId?: string | null;
  /** The alert an `alert` notification is about. */
  readonly alertId?: string | null;
  /** Urgent notifications bypass quiet hours. Default: true for `alert`, false otherwise. */
  readonly urgent?: boolean;
}

/** A notification as the inbox API returns it. */
export type Notification = NotificationInfo;

/**
 * Stores notifications in the caller's transaction, one per recipient (the actor excluded), and
 * according to each recipient's preferences: in-app ones are pushed as `notification_created` to
 * `user:{id}` after commit; email and push go to the delivery outbox, which the job runner sends,
 * so nothing is lost when the process stops between commit and delivery. A recipient who turned
 * every channel off for the type gets nothing stored.
 */
export async function notify(tx: Transaction, events: EventLog, input: NotificationInput): Promise<Notification[]> {
  const recipients = [...new Set(input.recipients)].filter((id) => id !== input.actor?.id);
  if (recipients.length === 0) return [];
  const prefs = await loadPreferences(tx, recipients);
  const urgent = input.urgent ?? input.type === 'alert';
  const out: Notification[] = [];
  for (const userId of recipients) {
    const channels = prefs.get(userId)?.channels[input.type];
    const emailMode = prefs.get(userId)?.email_delivery ?? 'immediate';
    if (!channels || (!channels.in_app && !channels.email && !channels.push)) continue;
    const id = randomUUID();
    const [row] = await tx.query<{ created_at: Date }>(
      `INSERT INTO notifications (id, user_id, type, workspace_id, table_id, record_id, comment_id, approval_id, actor_id, title, body, urgent, in_app, chat_room_id, chat_message_id, alert_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING created_at`,
      [
        id,
        userId,
        input.type,
        input.workspaceId ?? null,
        input.tableId ?? null,
        input.recordId ?? null,
        input.commentId ?? null,
        input.approvalId ?? null,
        input.actor?.id ?? null,
        input.title,
        input.body ?? '',
        urgent,
        channels.in_app,
        input.chatRoomId ?? null,
        input.chatMessageId ?? null,
        input.alertId ?? null,
      ],
    );
    const notification: Notification = {
      id,
      type: input.type,
      title: input.title,
      body: input.body ?? '',
      workspace_id: input.workspaceId ?? null,
      table_id: input.tableId ?? null,
      record_id: input.recordId ?? null,
      comment_id: input.commentId ?? null,
      approval_id: input.approvalId ?? null,
      chat_room_id: input.chatRoomId ?? null,
      chat_message_id: input.chatMessageId ?? null,
      alert_id: input.alertId ?? null,
      actor: input.actor,
      urgent,
      read_at: null,
      archived_at: null,
      created_at: (row?.created_at ?? new Date()).toISOString(),
    };
    if (channels.in_app) events.append(tx, [roomName('user', userId)], 'notification_created', input.actor, notification);
    // Urgent email skips the digest: it must not wait a day.
    if (channels.email) await queueDelivery(tx, id, userId, emailMode === 'immediate' || urgent ? 'email' : 'email_digest');
    if (channels.push) await queueDelivery(tx, id, userId, 'push');
    out.push(notification);
  }
  return out;
}

async function queueDelivery(tx: Transaction, notificationId: string, userId: string, channel: 'email' | 'email_digest' | 'push'): Promise<void> {
  await tx.query(`INSERT INTO notification_deliveries (id, notification_id, user_id, channel, not_before) VALUES ($1, $2, $3, $4, '-infinity')`, [
    randomUUID(),
    notificationId,
    userId,
    channel,
  ]);
}
