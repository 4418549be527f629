import { lockKey } from './lock-map.ts';

/** A cell (with `field_id`) or a whole row this client asked to lock. */
export interface LockTarget {
  readonly record_id: string;
  readonly field_id?: string;
}

/**
 * The locks this client holds (re-taken after every reconnect), and the listeners of lock
 * changes: of these and of the locks the table rooms announce.
 */
export class HeldLocks {
  readonly #held = new Map<string, LockTarget>();
  readonly #listeners = new Set<() => void>();

  /** Every held lock by `lockKey`. */
  entries(): IterableIterator<[string, LockTarget]> {
    return this.#held.entries();
  }

  /** Whether this client holds the lock on a cell (or row). */
  has(recordId: string, fieldId?: string): boolean {
    return this.#held.has(lockKey(recordId, fieldId));
  }

  /** Records a granted lock. */
  add(target: LockTarget): void {
    this.#held.set(lockKey(target.record_id, target.field_id), target);
    this.notify();
  }

  /** Forgets a lock (released, or lost to someone else); returns whether it was held. */
  delete(recordId: string, fieldId?: string | null): boolean {
    return this.deleteKey(lockKey(recordId, fieldId));
  }

  /** Forgets a lock by its `lockKey`; returns whether it was held. */
  deleteKey(key: string): boolean {
    if (!this.#held.delete(key)) return false;
    this.notify();
    return true;
  }

  /** Listens to lock changes; returns the function that stops listening. */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Tells listeners that locks changed (here or in a room). */
  notify(): void {
    for (const listener of [...this.#listeners]) listener();
  }
}
