import type { ChatUnreadSnapshot, UnreadCounts } from '@tandem/client';
import { useCallback, useEffect, useMemo, useSyncExternalStore } from 'react';
import { useTandemClient } from './tandem-provider.ts';

/** What {@link useUnreadCounts} returns. */
export interface UseUnreadCountsResult extends ChatUnreadSnapshot {
  /** Marks a room (or a thread of it) read up to a message; the counts update at once. */
  markRead(roomId: string, messageId: string, threadId?: string): Promise<UnreadCounts>;
}

/**
 * The user's chat unread counts in a workspace (total, mentions, per room and per thread), live:
 * a read on another device clears the badge here too.
 */
export function useUnreadCounts(workspaceId: string): UseUnreadCountsResult {
  const client = useTandemClient();
  const unread = useMemo(() => client.chat.unreadCounts(workspaceId), [client, workspaceId]);
  useEffect(() => unread.start(), [unread]);
  const subscribe = useCallback((onChange: () => void) => unread.subscribe(onChange), [unread]);
  const snapshot = useSyncExternalStore(subscribe, () => unread.snapshot);
  return useMemo(
    () => ({
      ...snapshot,
      markRead: async (roomId: string, messageId: string, threadId?: string) => {
        const counts = await client.chat.markRead(roomId, messageId, threadId);
        unread.apply(counts);
        return counts;
      },
    }),
    [client, unread, snapshot],
  );
}
