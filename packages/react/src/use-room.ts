import type { Room, RoomEvent, RoomState } from '@tandem/client';
import { useCallback, useEffect, useRef, useSyncExternalStore } from 'react';
import { useTandemClient } from './tandem-provider.ts';

/** What {@link useRoom} returns. */
export interface UseRoomResult {
  /** The room (null when no name was given). */
  readonly room: Room | null;
  /** Its subscription state; re-renders when it changes. */
  readonly state: RoomState;
}

/**
 * Keeps the component subscribed to a room while mounted (shared with other components through
 * the client's reference count) and calls `handler` for everything the room delivers. The latest
 * `handler` is always used, so it need not be memoised. Pass null to subscribe to nothing.
 */
export function useRoom(name: string | null, handler?: (event: RoomEvent) => void): UseRoomResult {
  const client = useTandemClient();
  const room = name ? client.room(name) : null;
  const handlerRef = useRef(handler);
  handlerRef.current = handler;

  useEffect(() => {
    if (!room) return undefined;
    const off = room.on('*', (event) => handlerRef.current?.(event));
    const release = room.subscribe();
    return () => {
      off();
      release();
    };
  }, [room]);

  const subscribe = useCallback((onChange: () => void) => (room ? room.onChange(onChange) : () => undefined), [room]);
  const state = useSyncExternalStore(subscribe, () => room?.state ?? 'unsubscribed');
  return { room, state };
}
