import type { ChatRoomListSnapshot } from '@tandem/client';
import { useCallback, useEffect, useMemo, useSyncExternalStore } from 'react';
import { useTandemClient } from './tandem-provider.ts';

/** What {@link useChatRooms} returns. */
export interface UseChatRoomsResult extends ChatRoomListSnapshot {
  /** Reloads the list. */
  refetch(): Promise<void>;
}

/**
 * The signed-in user's chat rooms in a workspace, newest activity first, with live unread counts
 * (from their `user:{id}` room) and new rooms as they are added.
 */
export function useChatRooms(workspaceId: string): UseChatRoomsResult {
  const client = useTandemClient();
  const list = useMemo(() => client.chat.roomList(workspaceId), [client, workspaceId]);
  useEffect(() => list.start(), [list]);
  const subscribe = useCallback((onChange: () => void) => list.subscribe(onChange), [list]);
  const snapshot = useSyncExternalStore(subscribe, () => list.snapshot);
  return useMemo(() => ({ ...snapshot, refetch: () => list.refetch() }), [list, snapshot]);
}
