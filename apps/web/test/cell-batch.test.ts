import { describe, expect, it } from 'vitest';
import type { Field, TableRecord } from '../src/api/types.ts';
import { planClear, planFill, planPaste } from '../src/grid/cell-batch.ts';
import type { CellTextContext } from '../src/grid/cell-text.ts';

const field = (id: string, type: Field['type']): Field => ({ id, table_id: 't', name: id, description: '', type, options: {}, position: 0, created_at: '' });
const fields = [field('title', 'text'), field('qty', 'number'), field('doc', 'rich_text')];
const record = (id: string, values: Record<string, unknown>): TableRecord => ({
  id,
  table_id: 't',
  values,
  version: 1,
  created_by: null,
  updated_by: null,
  created_at: '',
  updated_at: '',
});
const rows = [record('r1', { title: 'A', qty: 1 }), record('r2', { title: 'B', qty: 2 }), record('r3', { title: 'C' })];
const ctx: CellTextContext = { members: new Map() };
const at = (top: number, left: number, bottom = top, right = left) => ({ top, left, bottom, right });

describe('paste, fill and clear plans', () => {
  it('pastes a block from the top-left cell, refuses bad cells one by one and writes the rest', () => {
    const plan = planPaste(
      [
        ['X', '7'],
        ['Y', 'many'],
      ],
      at(0, 0),
      rows,
      fields,
      ctx,
      { canCreate: true },
    );
    expect(plan.writes).toEqual([
      { recordId: 'r1', fieldId: 'title', value: 'X' },
      { recordId: 'r1', fieldId: 'qty', value: 7 },
      { recordId: 'r2', fieldId: 'title', value: 'Y' },
    ]);
    expect(plan.refused).toEqual([{ target: { recordId: 'r2' }, fieldId: 'qty', message: 'qty expects a number, not “many”.' }]);
    expect(plan.newRows).toEqual([]);
  });

  it('creates records for rows past the end, drops columns past the last field and skips unchanged cells', () => {
    const plan = planPaste([['C'], ['D'], ['E']], at(2, 0), rows, fields, ctx, { canCreate: true });
    expect(plan.writes).toEqual([]);
    expect(plan.newRows).toEqual([{ title: 'D' }, { title: 'E' }]);
    const wide = planPaste([['1', 'x', 'y', 'z']], at(0, 1), rows, fields, ctx, { canCreate: false });
    expect(wide.writes).toEqual([]); // qty is 1 already; 'y' and 'z' fall past the last field
    expect(wide.refused.map((r) => r.fieldId)).toEqual(['doc']);
    expect(planPaste([['a'], ['b'], ['c'], ['d']], at(2, 0), rows, fields, ctx, { canCreate: false }).newRows).toEqual([]);
  });

  it('repeats one value over a selected range and refuses locked cells', () => {
    const plan = planPaste([['Z']], at(0, 0, 2, 0), rows, fields, ctx, { canCreate: true, locked: (id) => (id === 'r2' ? 'Bob is editing this cell.' : null) });
    expect(plan.writes.map((w) => w.recordId)).toEqual(['r1', 'r3']);
    expect(plan.refused).toEqual([{ target: { recordId: 'r2' }, fieldId: 'title', message: 'Bob is editing this cell.' }]);
  });

  it('fills the rows below with the selected rows repeated, and clears a range', () => {
    expect(planFill(at(0, 0, 0, 1), 2, rows, fields).writes).toEqual([
      { recordId: 'r2', fieldId: 'title', value: 'A' },
      { recordId: 'r2', fieldId: 'qty', value: 1 },
      { recordId: 'r3', fieldId: 'title', value: 'A' },
      { recordId: 'r3', fieldId: 'qty', value: 1 },
    ]);
    expect(planClear(at(1, 0, 2, 1), rows, fields).writes).toEqual([
      { recordId: 'r2', fieldId: 'title', value: null },
      { recordId: 'r2', fieldId: 'qty', value: null },
      { recordId: 'r3', fieldId: 'title', value: null },
    ]);
  });
});
