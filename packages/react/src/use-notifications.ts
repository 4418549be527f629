import { type FeedNotification, NotificationFeed, type NotificationFeedSnapshot } from '@tandem/client';
import type { NotificationInfo } from '@tandem/protocol';
import { useCallback, useEffect, useMemo, useSyncExternalStore } from 'react';
import { useTandemClient } from './tandem-provider.ts';

/** What {@link useNotifications} returns. */
export interface UseNotificationsResult<N extends FeedNotification = NotificationInfo> extends NotificationFeedSnapshot<N> {
  markRead(id: string): Promise<void>;
  markAllRead(): Promise<void>;
}

/**
 * The signed-in user's in-app notifications and unread count, live from their `user:{id}` room
 * (new ones appear at once; reading on another tab or device updates the count here).
 */
export function useNotifications<N extends FeedNotification = NotificationInfo>(): UseNotificationsResult<N> {
  const client = useTandemClient();
  const feed = useMemo(() => new NotificationFeed<N>(client), [client]);
  useEffect(() => feed.start(), [feed]);
  const subscribe = useCallback((onChange: () => void) => feed.subscribe(onChange), [feed]);
  const snapshot = useSyncExternalStore(subscribe, () => feed.snapshot);
  return useMemo(() => ({ ...snapshot, markRead: (id: string) => feed.markRead(id), markAllRead: () => feed.markAllRead() }), [feed, snapshot]);
}
