import { type ListedRecord, type RecordConflict, RecordList, type WriteOutcome } from '@tandem/client';
import type { RecordInfo } from '@tandem/protocol';
import { useCallback, useEffect, useMemo, useSyncExternalStore } from 'react';
import { useTandemClient } from './tandem-provider.ts';

/** What {@link useRecords} returns. */
export interface UseRecordsResult {
  /** The table's records, with optimistic changes applied (`pending: true` until confirmed). */
  readonly records: readonly ListedRecord[];
  readonly loading: boolean;
  readonly error: Error | null;
  /** Writes made while the server could not be reached, waiting to be sent. */
  readonly queued: number;
  /** The latest write refused with `conflict`, until dismissed; null when none. */
  readonly conflict: RecordConflict | null;
  /** The latest error of a queued write sent after reconnecting (not a conflict). */
  readonly writeError: Error | null;
  /** Whether the latest change to `records` was another user's (keep the row order for those). */
  readonly changedByOther: boolean;
  /** Creates a record optimistically; rejects (and rolls back) on error. */
  create(values?: Readonly<Record<string, unknown>>): Promise<RecordInfo>;
  /** Writes fields optimistically, based on the listed version; rejects (and rolls back) on error. */
  update(id: string, values: Readonly<Record<string, unknown>>): Promise<RecordInfo>;
  /** Writes fields optimistically; resolves `saved`, `conflict` or `queued` (offline), rejects on other errors. */
  write(id: string, values: Readonly<Record<string, unknown>>): Promise<WriteOutcome>;
  /** Forgets `conflict` once the user decided. */
  dismissConflict(): void;
  /** Deletes optimistically; rejects (and restores the record) on error. */
  remove(id: string): Promise<void>;
  /** Reloads from the server. */
  refetch(): Promise<void>;
}

/**
 * A live record list of a table: loaded over REST, kept current from the `table:{id}` room,
 * refetched after a `resync`, with optimistic create/update/delete rolled back on error and
 * writes made offline queued until the connection is back.
 */
export function useRecords(tableId: string): UseRecordsResult {
  const client = useTandemClient();
  const list = useMemo(() => new RecordList(client, tableId), [client, tableId]);
  useEffect(() => list.start(), [list]);
  const subscribe = useCallback((onChange: () => void) => list.subscribe(onChange), [list]);
  const snapshot = useSyncExternalStore(subscribe, () => list.snapshot);
  return useMemo(
    () => ({
      ...snapshot,
      create: (values) => list.create(values),
      update: (id, values) => list.update(id, values),
      write: (id, values) => list.write(id, values),
      dismissConflict: () => list.dismissConflict(),
      remove: (id) => list.remove(id),
      refetch: () => list.refetch(),
    }),
    [list, snapshot],
  );
}
