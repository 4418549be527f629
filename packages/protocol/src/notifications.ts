import type { Actor } from './messages.ts';

/** Why a notification was sent. */
export const NOTIFICATION_TYPES = [
  'mention',
  'reply',
  'comment_on_followed',
  'approval_requested',
  'approval_answered',
  'assigned',
  'alert',
  'chat_mention',
  'chat_dm',
] as const;
/** A notification type. */
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

/** Where a notification can reach a user. */
export const CHANNELS = ['in_app', 'email', 'push'] as const;
/** A delivery channel. */
export type Channel = (typeof CHANNELS)[number];

/** A notification as the inbox API returns it and `notification_created` carries it. */
export interface NotificationInfo {
  readonly id: string;
  readonly type: NotificationType;
  readonly title: string;
  readonly body: string;
  readonly workspace_id: string | null;
  readonly table_id: string | null;
  readonly record_id: string | null;
  readonly comment_id: string | null;
  readonly approval_id: string | null;
  /** The chat room and message a `chat_mention` or `chat_dm` is about (open the room around the message). */
  readonly chat_room_id: string | null;
  readonly chat_message_id: string | null;
  readonly actor: Actor | null;
  /** Urgent notifications bypass quiet hours. */
  readonly urgent: boolean;
  readonly read_at: string | null;
  readonly archived_at: string | null;
  readonly created_at: string;
}
