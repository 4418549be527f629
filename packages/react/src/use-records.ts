import { type ListedRecord, RecordList } from '@tandem/client';
import type { RecordInfo } from '@tandem/protocol';
import { useCallback, useEffect, useMemo, useSyncExternalStore } from 'react';
import { useTandemClient } from './tandem-provider.ts';

/** What {@link useRecords} returns. */
export interface UseRecordsResult {
  /** The table's records, with optimistic changes applied (`pending: true` until confirmed). */
  readonly records: readonly ListedRecord[];
  readonly loading: boolean;
  readonly error: Error | null;
  /** Creates a record optimistically; rejects (and rolls back) on error. */
  create(values?: Readonly<Record<string, unknown>>): Promise<RecordInfo>;
  /** Writes fields optimistically, based on the listed version; rejects (and rolls back) on error. */
  update(id: string, values: Readonly<Record<string, unknown>>): Promise<RecordInfo>;
  /** Deletes optimistically; rejects (and restores the record) on error. */
  remove(id: string): Promise<void>;
  /** Reloads from the server. */
  refetch(): Promise<void>;
}

/**
 * A live record list of a table: loaded over REST, kept current from the `table:{id}` room,
 * refetched after a `resync`, with optimistic create/update/delete rolled back on error.
 */
export function useRecords(tableId: string): UseRecordsResult {
  const client = useTandemClient();
  const list = useMemo(() => new RecordList(client, tableId), [client, tableId]);
  useEffect(() => list.start(), [list]);
  const subscribe = useCallback((onChange: () => void) => list.subscribe(onChange), [list]);
  const snapshot = useSyncExternalStore(subscribe, () => list.snapshot);
  return useMemo(
    () => ({
      records: snapshot.records,
      loading: snapshot.loading,
      error: snapshot.error,
      create: (values) => list.create(values),
      update: (id, values) => list.update(id, values),
      remove: (id) => list.remove(id),
      refetch: () => list.refetch(),
    }),
    [list, snapshot],
  );
}
