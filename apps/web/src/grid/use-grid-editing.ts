import type { UseRecordsResult } from '@tandem/react';
import { useCallback, useMemo, useRef, useState } from 'react';
import type { Field, TableRecord } from '../api/types.ts';
import { errorMessage } from '../ui/states.tsx';
import { applyCellBatch } from './apply-cell-batch.ts';
import type { CellBatch } from './cell-batch.ts';
import { cellKey } from './grid.tsx';
import { useGridHistory } from './use-grid-history.ts';
import { usePendingCells } from './use-pending-cells.ts';

/** What {@link useGridEditing} works on. */
export interface GridEditingOptions {
  readonly tableId: string;
  readonly fields: readonly Field[];
  /** The table's live record list (single writes, creates and deletes go through it). */
  readonly records: UseRecordsResult;
  /** Shows a message above the grid (null clears it). */
  readonly onMessage: (message: string | null) => void;
}

/**
 * The table page's writes, each recorded as an undo step: a cell edit through the live record
 * list (optimistic, queued while offline, conflicts to the dialog), a paste, fill or clear of many
 * cells as one batch request (shown at once, refused cells marked), and records created or
 * deleted. `shown` is the record list with batch values still on their way laid over it.
 */
export function useGridEditing({ tableId, fields, records, onMessage }: GridEditingOptions) {
  const pending = usePendingCells(records.records);
  const byId = useMemo(() => new Map(pending.shown.map((r) => [r.id, r])), [pending.shown]);
  const byIdRef = useRef(byId);
  byIdRef.current = byId;
  const current = useCallback((id: string) => byIdRef.current.get(id), []);
  const [cellErrors, setCellErrors] = useState<ReadonlyMap<string, string>>(new Map());

  const history = useGridHistory({
    tableId,
    current,
    showPending: pending.show,
    settlePending: pending.settle,
    onNotice: onMessage,
  });
  const { record: recordStep } = history;
  const { write, create, remove } = records;

  /** Writes fields of one record (an edit, a paste of one cell, "keep mine") through the live list and records it as a step. */
  const commitValues = useCallback(
    async (record: TableRecord, values: Readonly<Record<string, unknown>>, label = 'edit') => {
      onMessage(null);
      const shown = current(record.id) ?? record;
      try {
        const outcome = await write(record.id, values);
        if (outcome.status === 'conflict') return;
        const cells = Object.entries(values).map(([fieldId, value]) => ({
          recordId: record.id,
          fieldId,
          before: shown.values[fieldId] ?? null,
          after: outcome.status === 'saved' ? (outcome.record.values[fieldId] ?? null) : value,
        }));
        recordStep({ label, cells, created: [], deleted: [] });
      } catch (err) {
        onMessage(`Not saved: ${errorMessage(err)}`);
      }
    },
    [write, current, recordStep, onMessage],
  );
  const commitCell = useCallback(
    (record: TableRecord, field: Field, value: unknown, label = 'edit') => commitValues(record, { [field.id]: value }, label),
    [commitValues],
  );

  /** Writes a paste, fill or clear: one batch request, one undo step, refused cells marked. */
  const applyBatch = useCallback(
    async (batch: CellBatch) => {
      onMessage(null);
      setCellErrors(new Map());
      const only = batch.writes[0];
      if (batch.writes.length === 1 && batch.newRows.length === 0 && batch.refused.length === 0 && only) {
        const record = current(only.recordId);
        const field = fields.find((f) => f.id === only.fieldId);
        if (record && field) await commitCell(record, field, only.value, batch.label);
        return;
      }
      const values = new Map<string, Record<string, unknown>>();
      for (const w of batch.writes) values.set(w.recordId, { ...values.get(w.recordId), [w.fieldId]: w.value });
      const key = pending.show(values);
      try {
        const applied = await applyCellBatch(tableId, batch, current);
        pending.settle(key, applied.updated);
        recordStep(applied.step);
        const marks = new Map<string, string>();
        for (const r of applied.refused) if (r.recordId) marks.set(cellKey(r.recordId, r.fieldId), r.message);
        setCellErrors(marks);
        const first = applied.refused[0];
        if (first) {
          const n = applied.refused.length;
          onMessage(`${n === 1 ? 'One cell was' : `${n} cells were`} not written (${batch.label}): ${first.message}`);
        }
      } catch (err) {
        pending.settle(key, null);
        onMessage(`Not saved: ${errorMessage(err)}`);
      }
    },
    [tableId, fields, current, commitCell, pending, recordStep, onMessage],
  );

  /** Adds an empty record. */
  const createRecord = useCallback(async () => {
    onMessage(null);
    try {
      const made = await create();
      recordStep({ label: 'new record', cells: [], created: [{ id: made.id, values: made.values }], deleted: [] });
    } catch (err) {
      onMessage(`Could not add a record: ${errorMessage(err)}`);
    }
  }, [create, recordStep, onMessage]);

  /** Deletes a record; undo creates it again with the same values. */
  const deleteRecord = useCallback(
    async (record: TableRecord) => {
      const snapshot = { id: record.id, values: current(record.id)?.values ?? record.values };
      try {
        await remove(record.id);
        recordStep({ label: 'delete record', cells: [], created: [], deleted: [snapshot] });
      } catch (err) {
        onMessage(`Could not delete: ${errorMessage(err)}`);
      }
    },
    [remove, current, recordStep, onMessage],
  );

  return { shown: pending.shown, byId, cellErrors, commitCell, commitValues, applyBatch, createRecord, deleteRecord, history };
}
