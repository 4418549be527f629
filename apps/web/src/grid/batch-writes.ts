import type { RecordConflict } from '@tandem/client';
import { api, isApiError, request } from '../api/http.ts';
import type { TableRecord } from '../api/types.ts';
import type { RecordUpdate } from './undo-plan.ts';

/** Most records one batch request writes (the server's limit); larger writes go as several requests. */
export const MAX_BATCH_RECORDS = 1000;

/** One refused item of a batch request, by its index in the request (`details.errors` of the answer). */
export interface BatchItemError {
  readonly index: number;
  readonly code: string;
  readonly message: string;
  readonly details: Readonly<Record<string, unknown>>;
}

/** The refused items of a failed batch request; empty when the error is not a batch refusal. */
export function batchItemErrors(err: unknown): BatchItemError[] {
  if (!isApiError(err)) return [];
  const list = err.details.errors;
  if (!Array.isArray(list)) return [];
  return list.flatMap((item: unknown) => {
    const e = item as { index?: unknown; code?: unknown; message?: unknown; details?: unknown };
    if (typeof e.index !== 'number') return [];
    const details = e.details && typeof e.details === 'object' ? (e.details as Record<string, unknown>) : {};
    return [{ index: e.index, code: String(e.code ?? 'invalid_input'), message: String(e.message ?? ''), details }];
  });
}

/** The field a refused item names (a bad value's field, a locked cell), if any. */
export function refusedField(error: BatchItemError): string | null {
  if (typeof error.details.field_id === 'string') return error.details.field_id;
  const lock = error.details.lock as { field_id?: unknown } | undefined;
  return typeof lock?.field_id === 'string' ? lock.field_id : null;
}

/** The conflicts of a batch update refused for them: each item's current record and the fields changed since its version. */
export function conflictsOf(err: unknown, updates: readonly RecordUpdate[]): RecordConflict[] {
  return batchItemErrors(err).flatMap((e) => {
    const update = updates[e.index];
    if (e.code !== 'conflict' || !update) return [];
    const record = e.details.record as TableRecord | undefined;
    const fields = Array.isArray(e.details.conflicting_fields) ? e.details.conflicting_fields.map(String) : [];
    return [{ recordId: update.id, mine: update.values, theirs: record ?? null, fieldIds: fields.length > 0 ? fields : Object.keys(update.values) }];
  });
}

/**
 * Writes fields of many records of a table, each based on its own version (`PATCH
 * /tables/{id}/records`, one transaction per {@link MAX_BATCH_RECORDS}); resolves with the
 * records as stored, in the order given.
 */
export async function updateRecords(tableId: string, updates: readonly RecordUpdate[]): Promise<TableRecord[]> {
  const out: TableRecord[] = [];
  for (let i = 0; i < updates.length; i += MAX_BATCH_RECORDS) {
    const items = updates.slice(i, i + MAX_BATCH_RECORDS).map((u) => ({ id: u.id, values: u.values, expected_version: u.expectedVersion }));
    const body = await api.patch<{ records: TableRecord[] }>(`/tables/${tableId}/records`, items);
    out.push(...body.records);
  }
  return out;
}

/** Creates records with these values (`POST /tables/{id}/records` with an array); resolves with them in the order given. */
export async function createRecords(tableId: string, values: readonly Readonly<Record<string, unknown>>[]): Promise<TableRecord[]> {
  const out: TableRecord[] = [];
  for (let i = 0; i < values.length; i += MAX_BATCH_RECORDS) {
    const items = values.slice(i, i + MAX_BATCH_RECORDS).map((v) => ({ values: v }));
    const body = await api.post<{ records: TableRecord[] }>(`/tables/${tableId}/records`, items);
    out.push(...body.records);
  }
  return out;
}

/** Deletes a record only at this version (`If-Match`): `conflict` when it changed since; one already gone counts as deleted. */
export async function deleteRecordAt(id: string, version: number): Promise<'deleted' | 'conflict'> {
  try {
    await request('DELETE', `/records/${id}`, undefined, { 'if-match': `"${version}"` });
    return 'deleted';
  } catch (err) {
    if (isApiError(err, 'not_found')) return 'deleted';
    if (isApiError(err, 'conflict')) return 'conflict';
    throw err;
  }
}
