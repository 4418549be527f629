import { useCallback, useEffect, useRef, useState } from 'react';
import type { RemoteMark } from './grid.tsx';

/** How long a remote change stays highlighted, in milliseconds. */
export const CHANGE_HIGHLIGHT_MS = 2500;

/**
 * Cells recently changed by someone else, by cell key, each with who changed it; `flash` adds
 * cells, which fade after {@link CHANGE_HIGHLIGHT_MS} (unless flashed again meanwhile).
 */
export function useChangeHighlights(): {
  readonly changes: ReadonlyMap<string, RemoteMark>;
  readonly flash: (keys: readonly string[], mark: RemoteMark) => void;
} {
  const [changes, setChanges] = useState<ReadonlyMap<string, RemoteMark>>(new Map());
  const timers = useRef(new Set<ReturnType<typeof setTimeout>>());

  useEffect(
    () => () => {
      for (const t of timers.current) clearTimeout(t);
    },
    [],
  );

  const flash = useCallback((keys: readonly string[], mark: RemoteMark) => {
    setChanges((prev) => {
      const next = new Map(prev);
      for (const k of keys) next.set(k, mark);
      return next;
    });
    const t = setTimeout(() => {
      timers.current.delete(t);
      setChanges((prev) => {
        const next = new Map(prev);
        for (const k of keys) if (next.get(k) === mark) next.delete(k);
        return next;
      });
    }, CHANGE_HIGHLIGHT_MS);
    timers.current.add(t);
  }, []);

  return { changes, flash };
}
