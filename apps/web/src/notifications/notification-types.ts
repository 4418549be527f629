import { type NotificationInfo, notificationPath } from '@tandem/protocol';

/** An in-app notification as the API returns it. */
export type AppNotification = NotificationInfo;

/** Where clicking a notification leads (the same page its email and push message link to). */
export function notificationHref(n: AppNotification): string {
  return notificationPath(n);
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
