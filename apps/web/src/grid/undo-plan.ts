import type { RecordConflict } from '@tandem/client';
import type { TableRecord } from '../api/types.ts';
import { sameCellValue } from './cell-batch.ts';
import type { RecordSnapshot, UndoDirection, UndoStep } from './undo-stack.ts';

/** Fields of one record to write, based on the version the grid shows (the server refuses it if a written field changed since). */
export interface RecordUpdate {
  readonly id: string;
  readonly values: Readonly<Record<string, unknown>>;
  readonly expectedVersion: number;
}

/** A record to delete, only at the version the grid shows. */
export interface RecordRemoval {
  readonly id: string;
  readonly version: number;
}

/** The writes that replay an undo step, or the conflicts that stop it. */
export interface UndoPlan {
  readonly updates: readonly RecordUpdate[];
  /** Records to create again with these values (they get new ids). */
  readonly recreate: readonly RecordSnapshot[];
  readonly remove: readonly RecordRemoval[];
  /**
   * Cells someone else changed after this step (their value is no longer the one the step left):
   * replaying would overwrite them, so it waits for the user to decide.
   */
  readonly conflicts: readonly RecordConflict[];
  /** Cells left alone because their record was deleted since. */
  readonly missing: number;
}

/**
 * Plans replaying a step (undo: back to the values before it; redo: to the values it stored) as
 * new versioned writes over the records as they are now. A cell whose current value is not the
 * one the step expects was changed by someone else since and becomes a conflict; with `force`
 * (the user chose to overwrite) it is written anyway. A record the step created is deleted by undo
 * only while it still holds the values it was created with, for the same reason.
 */
export function planUndo(
  step: UndoStep,
  direction: UndoDirection,
  current: (id: string) => TableRecord | undefined,
  options: { readonly force?: boolean } = {},
): UndoPlan {
  const undo = direction === 'undo';
  const toRemove = undo ? step.created : step.deleted;
  const recreate = undo ? step.deleted : step.created;
  const removing = new Set(toRemove.map((r) => r.id));
  const values = new Map<string, Record<string, unknown>>();
  const conflicts = new Map<string, { mine: Record<string, unknown>; fieldIds: string[]; theirs: TableRecord }>();
  const conflict = (record: TableRecord, fieldId: string, mine: unknown) => {
    const entry = conflicts.get(record.id) ?? { mine: {}, fieldIds: [], theirs: record };
    entry.mine[fieldId] = mine ?? null;
    if (!entry.fieldIds.includes(fieldId)) entry.fieldIds.push(fieldId);
    conflicts.set(record.id, entry);
  };
  let missing = 0;
  for (const cell of step.cells) {
    if (removing.has(cell.recordId)) continue;
    const record = current(cell.recordId);
    if (!record) {
      missing += 1;
      continue;
    }
    const target = undo ? cell.before : cell.after;
    const expected = undo ? cell.after : cell.before;
    const now = record.values[cell.fieldId];
    if (sameCellValue(now, target)) continue;
    if (!options.force && !sameCellValue(now, expected)) {
      conflict(record, cell.fieldId, target);
      continue;
    }
    values.set(record.id, { ...values.get(record.id), [cell.fieldId]: target ?? null });
  }
  const remove: RecordRemoval[] = [];
  for (const snapshot of toRemove) {
    const record = current(snapshot.id);
    if (!record) continue;
    const changed = changedFields(record.values, snapshot.values);
    if (!options.force && changed.length > 0) {
      for (const fieldId of changed) conflict(record, fieldId, null);
      continue;
    }
    remove.push({ id: record.id, version: record.version });
  }
  const updates: RecordUpdate[] = [];
  for (const [id, v] of values) {
    const record = current(id);
    if (record) updates.push({ id, values: v, expectedVersion: record.version });
  }
  return {
    updates,
    recreate,
    remove,
    conflicts: [...conflicts].map(([recordId, c]) => ({ recordId, mine: c.mine, theirs: c.theirs, fieldIds: c.fieldIds })),
    missing,
  };
}

function changedFields(now: Readonly<Record<string, unknown>>, then: Readonly<Record<string, unknown>>): string[] {
  const keys = new Set([...Object.keys(now), ...Object.keys(then)]);
  return [...keys].filter((k) => !sameCellValue(now[k], then[k]));
}
