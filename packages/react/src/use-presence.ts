import type { RoomPresence } from '@tandem/client';
import type { PresenceAction, PresenceStatus } from '@tandem/protocol';
import { useCallback, useEffect, useSyncExternalStore } from 'react';
import { useTandemClient } from './tandem-provider.ts';

/** Options of {@link usePresence}. */
export interface UsePresenceOptions {
  /** Announce the user in the room with this action while mounted (default: only watch). */
  readonly action?: PresenceAction;
  /** Status to show with the announcement (default: the server keeps the user's status). */
  readonly status?: PresenceStatus;
}

const EMPTY: RoomPresence = [];

/**
 * Who is in a room, one entry per user, live; subscribes to the room while mounted and, with
 * `action`, announces the current user there (re-announced by the client after reconnects).
 */
export function usePresence(roomName: string | null, options: UsePresenceOptions = {}): RoomPresence {
  const client = useTandemClient();
  const room = roomName ? client.room(roomName) : null;
  const { action, status } = options;

  useEffect(() => (room ? room.subscribe() : undefined), [room]);

  useEffect(() => {
    if (room && action) client.setPresence(room.name, action, status);
  }, [client, room, action, status]);

  const subscribe = useCallback((onChange: () => void) => (room ? room.onChange(onChange) : () => undefined), [room]);
  return useSyncExternalStore(subscribe, () => room?.presence ?? EMPTY);
}
