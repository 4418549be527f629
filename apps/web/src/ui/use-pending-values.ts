import { useCallback, useState } from 'react';

/** What {@link usePendingValues} returns. */
export interface PendingValues<V> {
  /** The value to show for `key`: the one on its way to the server, else `stored`. */
  readonly show: (key: string, stored: V) => V;
  /** Shows `value` for `key` until `save` settles (the cache then holds the server's answer). */
  readonly during: (key: string, value: V, save: Promise<unknown>) => Promise<void>;
}

/**
 * Values of controls that show what the server stored (a switch, a role select) while a change
 * is being saved, so the control moves at once instead of flipping back until the answer comes.
 * A refused save drops the value and the control returns to the stored one.
 */
export function usePendingValues<V>(): PendingValues<V> {
  const [pending, setPending] = useState<ReadonlyMap<string, V>>(new Map());
  const show = useCallback((key: string, stored: V) => (pending.has(key) ? (pending.get(key) as V) : stored), [pending]);
  const during = useCallback(async (key: string, value: V, save: Promise<unknown>) => {
    setPending((map) => new Map(map).set(key, value));
    try {
      await save;
    } catch {
      // The caller reports the failure; the control only returns to the stored value.
    } finally {
      setPending((map) => {
        const next = new Map(map);
        next.delete(key);
        return next;
      });
    }
  }, []);
  return { show, during };
}
