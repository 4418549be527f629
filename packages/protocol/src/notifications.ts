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
  /** The alert an `alert` notification is about (acknowledge it from the inbox or the toast). */
  readonly alert_id: string | null;
  readonly actor: Actor | null;
  /** Urgent notifications bypass quiet hours. */
  readonly urgent: boolean;
  readonly read_at: string | null;
  readonly archived_at: string | null;
  readonly created_at: string;
}

/** The fields of a notification that say what it is about. */
export type NotificationTarget = Pick<NotificationInfo, 'workspace_id' | 'table_id' | 'record_id' | 'chat_room_id' | 'chat_message_id'> & {
  readonly alert_id?: string | null;
};

/**
 * The web app's path for what a notification is about: the chat room around the message, the
 * record (drawer open), the table, the workspace, else the inbox. In-app links, email and push
 * messages all use it, so every channel opens the same page.
 */
export function notificationPath(n: NotificationTarget): string {
  if (n.workspace_id && n.chat_room_id) {
    return `/w/${n.workspace_id}/chat/${n.chat_room_id}${n.chat_message_id ? `?message=${n.chat_message_id}` : ''}`;
  }
  if (n.workspace_id && n.table_id && n.record_id) return `/w/${n.workspace_id}/t/${n.table_id}?record=${n.record_id}`;
  if (n.workspace_id && n.table_id) return `/w/${n.workspace_id}/t/${n.table_id}`;
  if (n.workspace_id && n.alert_id) return `/w/${n.workspace_id}/operations?alert=${n.alert_id}`;
  if (n.workspace_id) return `/w/${n.workspace_id}`;
  return '/notifications';
}
