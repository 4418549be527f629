import type { LockInfo } from '@tandem/protocol';
import { useCallback, useSyncExternalStore } from 'react';
import { useTandemClient } from './tandem-provider.ts';

const NO_LOCKS: ReadonlyMap<string, LockInfo> = new Map();

/**
 * Every cell and row lock announced to a table room, by `lockKey(recordId, fieldId)`, live
 * (emptied while the link is down, since missed releases cannot be replayed). The room must be
 * subscribed (e.g. by `useRecords` or `useRoom`). Pass null to watch nothing.
 */
export function useLocks(roomName: string | null): ReadonlyMap<string, LockInfo> {
  const client = useTandemClient();
  const room = roomName ? client.room(roomName) : null;
  const subscribe = useCallback((onChange: () => void) => client.onLocksChange(onChange), [client]);
  return useSyncExternalStore(subscribe, () => room?.locks.all ?? NO_LOCKS);
}
