import type { TableRecord } from '../api/types.ts';
import { type BatchItemError, batchItemErrors, createRecords, refusedField, updateRecords } from './batch-writes.ts';
import type { CellBatch, CellRefusal } from './cell-batch.ts';
import type { RecordUpdate } from './undo-plan.ts';
import type { CellChange, UndoStep } from './undo-stack.ts';

/** A cell a batch did not write, on the record it belongs to (null: a new row that was not created). */
export interface RefusedCell {
  readonly recordId: string | null;
  readonly fieldId: string;
  readonly message: string;
}

/** What a batch wrote: the undo step that reverses it, the cells left out, and the records as stored. */
export interface AppliedBatch {
  readonly step: UndoStep;
  readonly refused: readonly RefusedCell[];
  readonly updated: readonly TableRecord[];
  readonly created: readonly TableRecord[];
}

/** The requests a batch is sent with (the batch records API; tests pass fakes). */
export interface BatchRequests {
  readonly update: (tableId: string, updates: readonly RecordUpdate[]) => Promise<TableRecord[]>;
  readonly create: (tableId: string, values: readonly Readonly<Record<string, unknown>>[]) => Promise<TableRecord[]>;
}

const API_REQUESTS: BatchRequests = { update: updateRecords, create: createRecords };

/** What the server said about a refused cell, in the words the grid shows. */
function refusalMessage(error: BatchItemError): string {
  if (error.code === 'conflict') return 'Someone changed this cell just now; it was not written.';
  return error.message;
}

/**
 * Sends a paste, fill or clear as one batch update of the records it changes (each based on the
 * version shown) and one batch create of the rows it adds. The server takes a batch all or
 * nothing; when it refuses some items (a bad value, a lock, a conflict), those cells are left out
 * and reported, and the rest is sent once more, so one bad cell never stops the others.
 */
export async function applyCellBatch(
  tableId: string,
  batch: CellBatch,
  current: (id: string) => TableRecord | undefined,
  requests: BatchRequests = API_REQUESTS,
): Promise<AppliedBatch> {
  const refused: RefusedCell[] = [];
  const newRowRefusals: (CellRefusal & { target: { newRow: number } })[] = [];
  for (const r of batch.refused) {
    if ('recordId' in r.target) refused.push({ recordId: r.target.recordId, fieldId: r.fieldId, message: r.message });
    else newRowRefusals.push(r as CellRefusal & { target: { newRow: number } });
  }

  // Values as shown now: by the time the server answers, its events may have replaced them.
  const before = new Map<string, unknown>();
  const pending = new Map<string, Record<string, unknown>>();
  for (const w of batch.writes) {
    before.set(`${w.recordId}:${w.fieldId}`, current(w.recordId)?.values[w.fieldId] ?? null);
    pending.set(w.recordId, { ...pending.get(w.recordId), [w.fieldId]: w.value });
  }
  const updates = (): RecordUpdate[] =>
    [...pending].flatMap(([id, values]) => {
      const record = current(id);
      return record ? [{ id, values, expectedVersion: record.version }] : [];
    });
  const sent = await sendWithRetry(
    updates(),
    (items) => requests.update(tableId, items),
    (item, error) => {
      const fieldId = refusedField(error);
      const conflicting = error.code === 'conflict' && Array.isArray(error.details.conflicting_fields) ? error.details.conflicting_fields.map(String) : [];
      const dropped = fieldId && fieldId in item.values ? [fieldId] : conflicting.length > 0 ? conflicting : Object.keys(item.values);
      const values = { ...item.values };
      for (const f of dropped) {
        refused.push({ recordId: item.id, fieldId: f, message: refusalMessage(error) });
        delete values[f];
      }
      return Object.keys(values).length > 0 ? { ...item, values } : null;
    },
  );

  const cells: CellChange[] = [];
  for (const [i, item] of sent.items.entries()) {
    const stored = sent.results[i];
    if (!stored) continue;
    for (const fieldId of Object.keys(item.values))
      cells.push({ recordId: item.id, fieldId, before: before.get(`${item.id}:${fieldId}`) ?? null, after: stored.values[fieldId] ?? null });
  }

  const rows = batch.newRows.map((values, newRow) => ({ newRow, values }));
  const made = await sendWithRetry(
    rows,
    (items) =>
      requests.create(
        tableId,
        items.map((r) => r.values),
      ),
    (item, error) => {
      const fieldId = refusedField(error);
      if (!fieldId || !(fieldId in item.values)) {
        newRowRefusals.push({ target: { newRow: item.newRow }, fieldId: fieldId ?? '', message: refusalMessage(error) });
        return null;
      }
      newRowRefusals.push({ target: { newRow: item.newRow }, fieldId, message: refusalMessage(error) });
      const { [fieldId]: _dropped, ...values } = item.values;
      return { ...item, values };
    },
  );
  const createdId = new Map(made.items.map((item, i) => [item.newRow, made.results[i]?.id ?? null]));
  for (const r of newRowRefusals) refused.push({ recordId: createdId.get(r.target.newRow) ?? null, fieldId: r.fieldId, message: r.message });

  return {
    step: { label: batch.label, cells, created: made.results.map((r) => ({ id: r.id, values: r.values })), deleted: [] },
    refused,
    updated: sent.results,
    created: made.results,
  };
}

/**
 * Sends items as one batch; when the server refuses some, each refused item is trimmed (or
 * dropped, when `trim` answers null) and the batch is sent once more. Resolves with the items
 * finally written and the server's answer for each.
 */
async function sendWithRetry<T, R>(
  items: readonly T[],
  send: (items: readonly T[]) => Promise<R[]>,
  trim: (item: T, error: BatchItemError) => T | null,
): Promise<{ items: readonly T[]; results: R[] }> {
  let batch = items;
  for (let attempt = 0; batch.length > 0; attempt++) {
    try {
      return { items: batch, results: await send(batch) };
    } catch (err) {
      const errors = batchItemErrors(err);
      if (errors.length === 0 || attempt > 0) throw err;
      const byIndex = new Map(errors.map((e) => [e.index, e]));
      batch = batch.flatMap((item, i) => {
        const error = byIndex.get(i);
        if (!error) return [item];
        const kept = trim(item, error);
        return kept ? [kept] : [];
      });
    }
  }
  return { items: [], results: [] };
}
