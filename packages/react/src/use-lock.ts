import type { Ack } from '@tandem/client';
import type { LockInfo } from '@tandem/protocol';
import { useCallback, useMemo, useSyncExternalStore } from 'react';
import { useTandemClient } from './tandem-provider.ts';

/** What {@link useLock} returns. */
export interface UseLockResult {
  /** The lock on the cell (or its row) as the table room announced it, if any. */
  readonly lock: LockInfo | undefined;
  /** Whether this client holds it. */
  readonly heldByMe: boolean;
  /** Whether someone else holds it (the cell should not be editable). */
  readonly lockedByOther: boolean;
  /** Takes the lock; rejects with `TandemError` code `locked` when someone else has it. */
  acquire(): Promise<Ack>;
  /** Releases the lock. */
  release(): Promise<Ack>;
}

/**
 * The lock state of one cell (`fieldId`) or row (no `fieldId`), live. The table room must be
 * subscribed (e.g. by `useRecords` or `useRoom`) for other users' locks to be seen.
 */
export function useLock(recordId: string, fieldId?: string): UseLockResult {
  const client = useTandemClient();
  const subscribe = useCallback((onChange: () => void) => client.onLocksChange(onChange), [client]);
  const lock = useSyncExternalStore(subscribe, () => client.lockOf(recordId, fieldId));
  const heldByMe = useSyncExternalStore(subscribe, () => client.holdsLock(recordId, fieldId));
  return useMemo(
    () => ({
      lock,
      heldByMe,
      lockedByOther: lock !== undefined && !heldByMe,
      acquire: () => client.lockCell(recordId, fieldId),
      release: () => client.unlockCell(recordId, fieldId),
    }),
    [client, recordId, fieldId, lock, heldByMe],
  );
}
