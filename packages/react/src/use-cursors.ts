import type { Room } from '@tandem/client';
import { useCallback, useSyncExternalStore } from 'react';
import { useTandemClient } from './tandem-provider.ts';

const NO_CURSORS: Room['cursors'] = new Map();

/**
 * Other users' cursors in a room by user id (whatever they sent with `moveCursor`), live; a
 * user's cursor goes when they leave. The room must be subscribed (e.g. by `useRoom`). Pass null
 * to watch nothing.
 */
export function useCursors(roomName: string | null): Room['cursors'] {
  const client = useTandemClient();
  const room = roomName ? client.room(roomName) : null;
  const subscribe = useCallback((onChange: () => void) => (room ? room.onChange(onChange) : () => undefined), [room]);
  return useSyncExternalStore(subscribe, () => room?.cursors ?? NO_CURSORS);
}
