import type { NotificationInfo } from '@tandem/protocol';

/** An in-app notification as the API returns it. */
export type AppNotification = NotificationInfo;

/** Where clicking a notification leads: the record (drawer open) it is about, else the inbox. */
export function notificationHref(n: AppNotification): string {
  if (n.workspace_id && n.chat_room_id) {
    return `/w/${n.workspace_id}/chat/${n.chat_room_id}${n.chat_message_id ? `?message=${n.chat_message_id}` : ''}`;
  }
  if (n.workspace_id && n.table_id && n.record_id) return `/w/${n.workspace_id}/t/${n.table_id}?record=${n.record_id}`;
  if (n.workspace_id && n.table_id) return `/w/${n.workspace_id}/t/${n.table_id}`;
  if (n.workspace_id) return `/w/${n.workspace_id}`;
  return '/notifications';
}

/** Human names of notification types. */
export const NOTIFICATION_TYPE_LABELS: Readonly<Record<string, string>> = {
  mention: 'Mentions',
  reply: 'Replies in my threads',
  comment_on_followed: 'Comments on records I follow',
  approval_requested: 'Approval requests',
  approval_answered: 'Answers to my requests',
  assigned: 'Assigned to me',
  alert: 'System alerts',
  chat_mention: 'Mentions in chat',
  chat_dm: 'Direct messages',
};

/** "5 min ago"-style time. */
export function ago(iso: string): string {
  const s = Math.max(0, (Date.now() - Date.parse(iso)) / 1000);
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return new Date(iso).toLocaleDateString();
}
