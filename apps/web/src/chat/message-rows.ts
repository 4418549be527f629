import type { ChatMessage, PendingChatMessage } from '@tandem/client';

/** Messages from one author closer together than this share one header. */
export const GROUP_WINDOW_MS = 5 * 60_000;

/** One row of the virtualised message list. */
export type MessageRow =
  | { readonly kind: 'day'; readonly key: string; readonly label: string }
  | { readonly kind: 'message'; readonly key: string; readonly message: ChatMessage; readonly showHeader: boolean }
  | { readonly kind: 'pending'; readonly key: string; readonly pending: PendingChatMessage };

/** "Today", "Yesterday" or the date. */
export function dayLabel(iso: string, now = new Date()): string {
  const day = new Date(iso);
  const startOf = (d: Date) => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
  const diff = Math.round((startOf(now) - startOf(day)) / 86_400_000);
  if (diff === 0) return 'Today';
  if (diff === 1) return 'Yesterday';
  return day.toLocaleDateString(undefined, {
    weekday: 'long',
    month: 'long',
    day: 'numeric',
    year: day.getFullYear() === now.getFullYear() ? undefined : 'numeric',
  });
}

/**
 * The rows to render: a separator at each new day, a header on a message unless it follows one
 * by the same author within {@link GROUP_WINDOW_MS} on the same day, pending sends last.
 */
export function messageRows(messages: readonly ChatMessage[], pending: readonly PendingChatMessage[], now = new Date()): MessageRow[] {
  const rows: MessageRow[] = [];
  let previous: ChatMessage | null = null;
  let previousDay = '';
  for (const message of messages) {
    const day = new Date(message.created_at).toDateString();
    if (day !== previousDay) rows.push({ kind: 'day', key: `day-${day}`, label: dayLabel(message.created_at, now) });
    const sameRun =
      previous !== null &&
      day === previousDay &&
      previous.author?.id === message.author?.id &&
      !previous.deleted_at &&
      Date.parse(message.created_at) - Date.parse(previous.created_at) < GROUP_WINDOW_MS;
    rows.push({ kind: 'message', key: message.id, message, showHeader: !sameRun });
    previous = message;
    previousDay = day;
  }
  for (const p of pending) rows.push({ kind: 'pending', key: `pending-${p.client_id}`, pending: p });
  return rows;
}
