import { type QueryClient, useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import { ApiError, api } from '../api/http.ts';
import type { TableRecord } from '../api/types.ts';
import { recordOf, tableKeys } from './table-queries.ts';

/** A write refused with `409 conflict`: what the user tried and what the server holds now. */
export interface RecordConflict {
  readonly recordId: string;
  /** The values the user tried to write, by field id. */
  readonly mine: Readonly<Record<string, unknown>>;
  /** The record as the server has it now (null when the answer did not include it). */
  readonly theirs: TableRecord | null;
  /** Fields someone else changed since the version the write was based on. */
  readonly fieldIds: readonly string[];
}

/** Reads the current record and the conflicting field ids out of a 409's details, whatever their key names. */
export function conflictOf(err: ApiError, recordId: string, mine: Readonly<Record<string, unknown>>): RecordConflict {
  const d = err.details;
  const current = (d.record ?? d.current ?? d.current_record ?? null) as TableRecord | null;
  const ids = (d.conflicting_fields ?? d.field_ids ?? d.fields ?? Object.keys(mine)) as unknown;
  return { recordId, mine, theirs: current, fieldIds: Array.isArray(ids) ? ids.map(String) : Object.keys(mine) };
}

/** Replaces (or with `null` removes) one record in the cached list; appends unknown ones. */
export function putRecord(client: QueryClient, tableId: string, id: string, next: TableRecord | null): void {
  client.setQueryData<TableRecord[]>(tableKeys.records(tableId), (list) => {
    if (!list) return list;
    const i = list.findIndex((r) => r.id === id);
    if (i < 0) return next ? [...list, next] : list;
    const copy = [...list];
    if (next) copy[i] = next;
    else copy.splice(i, 1);
    return copy;
  });
}

/** The cached record with `id`, if loaded. */
export function cachedRecord(client: QueryClient, tableId: string, id: string): TableRecord | undefined {
  return client.getQueryData<TableRecord[]>(tableKeys.records(tableId))?.find((r) => r.id === id);
}

/** Outcome of a cell write. */
export type WriteResult = { readonly ok: true; readonly record: TableRecord } | { readonly ok: false; readonly conflict: RecordConflict };

/**
 * Record writes with optimistic updates: the grid shows the new value at once; the server's
 * answer replaces it; a failure rolls it back (and a 409 hands back both versions).
 */
export function useRecordActions(tableId: string) {
  const client = useQueryClient();
  return useMemo(
    () => ({
      /** Writes `values` based on `base.version`; `force` writes without an expected version (keep mine). */
      async update(base: TableRecord, values: Readonly<Record<string, unknown>>, force = false): Promise<WriteResult> {
        const optimistic: TableRecord = { ...base, values: { ...base.values, ...values } };
        putRecord(client, tableId, base.id, optimistic);
        try {
          const body = force ? { values } : { values, expected_version: base.version };
          const saved = recordOf(await api.patch(`/records/${base.id}`, body));
          // A live event may already have brought a newer version; never go backwards.
          const now = cachedRecord(client, tableId, base.id);
          if (!now || now === optimistic || now.version <= saved.version) putRecord(client, tableId, base.id, saved);
          return { ok: true, record: saved };
        } catch (err) {
          // Unsent (offline): keep showing the new value; the caller queues the write.
          if (err instanceof ApiError && err.code === 'network') throw err;
          const now = cachedRecord(client, tableId, base.id);
          if (now === optimistic) putRecord(client, tableId, base.id, base);
          if (err instanceof ApiError && err.code === 'conflict') {
            const conflict = conflictOf(err, base.id, values);
            if (conflict.theirs) putRecord(client, tableId, base.id, conflict.theirs);
            return { ok: false, conflict };
          }
          throw err;
        }
      },
      /** Creates a record (optionally with values) and adds it to the list. */
      async create(values: Readonly<Record<string, unknown>> = {}): Promise<TableRecord> {
        const record = recordOf(await api.post(`/tables/${tableId}/records`, { values }));
        putRecord(client, tableId, record.id, record);
        return record;
      },
      /** Deletes a record; it disappears at once and comes back if the server refuses. */
      async remove(record: TableRecord): Promise<void> {
        putRecord(client, tableId, record.id, null);
        try {
          await api.delete(`/records/${record.id}`);
        } catch (err) {
          if (!(err instanceof ApiError && err.code === 'not_found')) {
            putRecord(client, tableId, record.id, record);
            throw err;
          }
        }
      },
    }),
    [client, tableId],
  );
}
