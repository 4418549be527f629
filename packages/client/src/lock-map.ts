import type { LockInfo } from '@tandem/protocol';
import type { RoomSignal } from './room-events.ts';

/** The key of a cell (`record:field`) or a whole row (`record:`) in a {@link LockMap}. */
export function lockKey(recordId: string, fieldId?: string | null): string {
  return `${recordId}:${fieldId ?? ''}`;
}

/**
 * Current cell and row locks of a table room, kept from `lock_state` (full list after subscribing),
 * `cell_lock` and `cell_unlock` signals.
 * The snapshot map is replaced on every change (safe for `useSyncExternalStore`).
 */
export class LockMap {
  #locks: ReadonlyMap<string, LockInfo> = new Map();

  /** All current locks by {@link lockKey}. */
  get all(): ReadonlyMap<string, LockInfo> {
    return this.#locks;
  }

  /** The lock on a cell, or on its whole row, if any. */
  get(recordId: string, fieldId?: string | null): LockInfo | undefined {
    return this.#locks.get(lockKey(recordId, fieldId)) ?? (fieldId ? this.#locks.get(lockKey(recordId)) : undefined);
  }

  /** Applies a signal; returns true when the map changed. */
  apply(signal: RoomSignal): boolean {
    if (signal.type === 'lock_state') {
      this.reset(signal.locks);
      return true;
    }
    if (signal.type === 'cell_lock') {
      const next = new Map(this.#locks);
      next.set(lockKey(signal.lock.record_id, signal.lock.field_id), signal.lock);
      this.#locks = next;
      return true;
    }
    if (signal.type === 'cell_unlock') {
      const key = lockKey(signal.record_id, signal.field_id);
      if (!this.#locks.has(key)) return false;
      const next = new Map(this.#locks);
      next.delete(key);
      this.#locks = next;
      return true;
    }
    return false;
  }

  /** Replaces every lock (e.g. from a lock list the server sent on subscribe). */
  reset(locks: readonly LockInfo[]): void {
    this.#locks = new Map(locks.map((lock) => [lockKey(lock.record_id, lock.field_id), lock]));
  }
}
