import { describe, expect, it } from 'vitest';
import type { TableRecord } from '../src/api/types.ts';
import { planUndo } from '../src/grid/undo-plan.ts';
import { EMPTY_HISTORY, nextStep, pushStep, remapRecords, stepDropped, stepReplayed, UNDO_LIMIT, type UndoStep } from '../src/grid/undo-stack.ts';

const step = (label: string, over: Partial<UndoStep> = {}): UndoStep => ({
  label,
  cells: [{ recordId: 'r1', fieldId: 'title', before: 'old', after: label }],
  created: [],
  deleted: [],
  ...over,
});
const record = (id: string, values: Record<string, unknown>, version = 3): TableRecord => ({
  id,
  table_id: 't',
  values,
  version,
  created_by: null,
  updated_by: null,
  created_at: '',
  updated_at: '',
});
const lookup = (...records: TableRecord[]) => {
  const byId = new Map(records.map((r) => [r.id, r]));
  return (id: string) => byId.get(id);
};

describe('undo history', () => {
  it('undoes newest first, redoes what was undone, and a new step clears the redo side', () => {
    let h = pushStep(pushStep(EMPTY_HISTORY, step('a')), step('b'));
    expect(nextStep(h, 'undo')?.label).toBe('b');
    h = stepReplayed(h, 'undo');
    expect(nextStep(h, 'undo')?.label).toBe('a');
    expect(nextStep(h, 'redo')?.label).toBe('b');
    h = stepReplayed(h, 'redo');
    expect(nextStep(h, 'undo')?.label).toBe('b');
    expect(nextStep(h, 'redo')).toBeUndefined();
    h = pushStep(stepReplayed(h, 'undo'), step('c'));
    expect(h.done.map((s) => s.label)).toEqual(['a', 'c']);
    expect(h.undone).toEqual([]);
  });

  it('forgets steps past the limit and ignores steps that change nothing', () => {
    let h = EMPTY_HISTORY;
    for (let i = 0; i < UNDO_LIMIT + 5; i++) h = pushStep(h, step(String(i)));
    expect(h.done.length).toBe(UNDO_LIMIT);
    expect(h.done[0]?.label).toBe('5');
    expect(pushStep(h, step('none', { cells: [] }))).toBe(h);
  });

  it('drops a step the user chose not to replay, and renames a record created again under a new id', () => {
    const h = pushStep(pushStep(EMPTY_HISTORY, step('a')), step('del', { cells: [], deleted: [{ id: 'r1', values: { title: 'x' } }] }));
    expect(stepDropped(h, 'undo').done.map((s) => s.label)).toEqual(['a']);
    const remapped = remapRecords(h, new Map([['r1', 'r9']]));
    expect(remapped.done[0]?.cells[0]?.recordId).toBe('r9');
    expect(remapped.done[1]?.deleted[0]?.id).toBe('r9');
  });
});

describe('undo plan', () => {
  it('writes the values before the step, based on the version shown, one update per record', () => {
    const paste = step('paste', {
      cells: [
        { recordId: 'r1', fieldId: 'title', before: 'A', after: 'X' },
        { recordId: 'r1', fieldId: 'qty', before: undefined, after: 5 },
        { recordId: 'r2', fieldId: 'title', before: 'B', after: 'Y' },
      ],
    });
    const plan = planUndo(paste, 'undo', lookup(record('r1', { title: 'X', qty: 5 }, 4), record('r2', { title: 'Y' }, 7)));
    expect(plan.conflicts).toEqual([]);
    expect(plan.updates).toEqual([
      { id: 'r1', values: { title: 'A', qty: null }, expectedVersion: 4 },
      { id: 'r2', values: { title: 'B' }, expectedVersion: 7 },
    ]);
    const redo = planUndo(paste, 'redo', lookup(record('r1', { title: 'A' }, 5), record('r2', { title: 'B' }, 8)));
    expect(redo.updates).toEqual([
      { id: 'r1', values: { title: 'X', qty: 5 }, expectedVersion: 5 },
      { id: 'r2', values: { title: 'Y' }, expectedVersion: 8 },
    ]);
  });

  it('refuses a cell someone else changed since, unless forced, and leaves the other cells to write', () => {
    const edit = step('paste', {
      cells: [
        { recordId: 'r1', fieldId: 'title', before: 'A', after: 'X' },
        { recordId: 'r2', fieldId: 'title', before: 'B', after: 'Y' },
      ],
    });
    const theirs = record('r1', { title: 'Bob was here' }, 6);
    const plan = planUndo(edit, 'undo', lookup(theirs, record('r2', { title: 'Y' })));
    expect(plan.conflicts).toEqual([{ recordId: 'r1', mine: { title: 'A' }, theirs, fieldIds: ['title'] }]);
    expect(plan.updates.map((u) => u.id)).toEqual(['r2']);
    const forced = planUndo(edit, 'undo', lookup(theirs, record('r2', { title: 'Y' })), { force: true });
    expect(forced.conflicts).toEqual([]);
    expect(forced.updates[0]).toEqual({ id: 'r1', values: { title: 'A' }, expectedVersion: 6 });
  });

  it('deletes a created record only while it is as created, recreates a deleted one, and skips cells of gone records', () => {
    const created = step('new record', { cells: [], created: [{ id: 'r1', values: { title: 'New' } }] });
    expect(planUndo(created, 'undo', lookup(record('r1', { title: 'New' }, 1))).remove).toEqual([{ id: 'r1', version: 1 }]);
    const edited = planUndo(created, 'undo', lookup(record('r1', { title: 'New', qty: 2 }, 2)));
    expect(edited.remove).toEqual([]);
    expect(edited.conflicts[0]?.fieldIds).toEqual(['qty']);
    expect(planUndo(created, 'redo', lookup()).recreate).toEqual([{ id: 'r1', values: { title: 'New' } }]);
    const deleted = step('delete', { cells: [], deleted: [{ id: 'r1', values: { title: 'Old' } }] });
    expect(planUndo(deleted, 'undo', lookup()).recreate).toEqual([{ id: 'r1', values: { title: 'Old' } }]);
    expect(planUndo(step('edit'), 'undo', lookup()).missing).toBe(1);
  });
});
