import { useConnectionStatus } from '@tandem/react';
import { useCallback, useEffect, useRef, useState } from 'react';
import { isApiError } from '../api/http.ts';
import type { TableRecord } from '../api/types.ts';
import type { RecordConflict, WriteResult } from './record-actions.ts';

/** A cell write that could not reach the server yet. */
export interface PendingWrite {
  readonly recordId: string;
  /** The version the user saw when editing: the write is checked against it when sent. */
  readonly baseVersion: number;
  readonly values: Readonly<Record<string, unknown>>;
}

/** How often queued writes are retried while the connection is up, in milliseconds. */
export const RETRY_INTERVAL_MS = 3000;

/**
 * Edits made while the server cannot be reached: kept (merged per record, oldest base version)
 * and sent in order once the realtime connection is back. Conflicts found on sending go to
 * `onConflict`, as for a live edit.
 */
export function usePendingWrites(options: {
  update: (base: TableRecord, values: Readonly<Record<string, unknown>>) => Promise<WriteResult>;
  current: (recordId: string) => TableRecord | undefined;
  onConflict: (conflict: RecordConflict) => void;
  onError: (message: string) => void;
}) {
  const status = useConnectionStatus();
  const queue = useRef<PendingWrite[]>([]);
  const [count, setCount] = useState(0);
  const flushing = useRef(false);
  const opts = useRef(options);
  opts.current = options;

  const enqueue = useCallback((write: PendingWrite) => {
    const existing = queue.current.find((w) => w.recordId === write.recordId);
    if (existing) queue.current = queue.current.map((w) => (w === existing ? { ...w, values: { ...w.values, ...write.values } } : w));
    else queue.current = [...queue.current, write];
    setCount(queue.current.length);
  }, []);

  const flush = useCallback(async () => {
    if (flushing.current) return;
    flushing.current = true;
    try {
      for (let write = queue.current[0]; write; write = queue.current[0]) {
        const record = opts.current.current(write.recordId);
        if (record) {
          try {
            const result = await opts.current.update({ ...record, version: write.baseVersion }, write.values);
            if (!result.ok) opts.current.onConflict(result.conflict);
          } catch (err) {
            // Still unreachable: keep it (and everything after it, in order) for the next try.
            if (isApiError(err, 'network')) return;
            opts.current.onError(isApiError(err) ? err.message : 'A queued change could not be saved.');
          }
        }
        const sent = write;
        queue.current = queue.current.filter((w) => w !== sent);
        setCount(queue.current.length);
      }
    } finally {
      flushing.current = false;
    }
  }, []);

  // Send as soon as the connection is back, then keep retrying while anything is left.
  useEffect(() => {
    if (status !== 'connected') return;
    if (queue.current.length > 0) void flush();
    const t = setInterval(() => {
      if (queue.current.length > 0) void flush();
    }, RETRY_INTERVAL_MS);
    return () => clearInterval(t);
  }, [status, flush]);

  return { count, enqueue };
}
