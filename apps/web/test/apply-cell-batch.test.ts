import { describe, expect, it } from 'vitest';
import { ApiError } from '../src/api/http.ts';
import type { TableRecord } from '../src/api/types.ts';
import { applyCellBatch, type BatchRequests } from '../src/grid/apply-cell-batch.ts';
import type { CellBatch } from '../src/grid/cell-batch.ts';
import type { RecordUpdate } from '../src/grid/undo-plan.ts';

const record = (id: string, values: Record<string, unknown>, version = 1): TableRecord => ({
  id,
  table_id: 't',
  values,
  version,
  created_by: null,
  updated_by: null,
  created_at: '',
  updated_at: '',
});
const shown = new Map([
  ['r1', record('r1', { title: 'A', qty: 1 }, 3)],
  ['r2', record('r2', { title: 'B' }, 5)],
]);
const refusal = (errors: unknown[]) => new ApiError(400, 'invalid_input', 'refused', { errors });

describe('sending a paste as batch requests', () => {
  it('leaves out what the server refuses, sends the rest once more, and records the step', async () => {
    const sent: RecordUpdate[][] = [];
    const requests: BatchRequests = {
      update: async (_table, updates) => {
        sent.push([...updates]);
        if (sent.length === 1) throw refusal([{ index: 1, code: 'locked', message: 'Bob is editing this cell.', details: { lock: { field_id: 'title' } } }]);
        return updates.map((u) => record(u.id, { ...shown.get(u.id)?.values, ...u.values }, u.expectedVersion + 1));
      },
      create: async (_table, values) => {
        if (values.some((v) => v.qty === 'x'))
          throw refusal([{ index: 0, code: 'invalid_input', message: 'qty expects a number', details: { field_id: 'qty' } }]);
        return values.map((v, i) => record(`new${i}`, { ...v }));
      },
    };
    const batch: CellBatch = {
      label: 'paste',
      writes: [
        { recordId: 'r1', fieldId: 'title', value: 'X' },
        { recordId: 'r1', fieldId: 'qty', value: 2 },
        { recordId: 'r2', fieldId: 'title', value: 'Y' },
      ],
      newRows: [{ title: 'Z', qty: 'x' }],
      refused: [{ target: { recordId: 'r2' }, fieldId: 'qty', message: 'not a number' }],
    };
    const applied = await applyCellBatch('t', batch, (id) => shown.get(id), requests);
    expect(sent).toEqual([
      [
        { id: 'r1', values: { title: 'X', qty: 2 }, expectedVersion: 3 },
        { id: 'r2', values: { title: 'Y' }, expectedVersion: 5 },
      ],
      [{ id: 'r1', values: { title: 'X', qty: 2 }, expectedVersion: 3 }],
    ]);
    expect(applied.refused).toEqual([
      { recordId: 'r2', fieldId: 'qty', message: 'not a number' },
      { recordId: 'r2', fieldId: 'title', message: 'Bob is editing this cell.' },
      { recordId: 'new0', fieldId: 'qty', message: 'qty expects a number' },
    ]);
    expect(applied.step).toEqual({
      label: 'paste',
      cells: [
        { recordId: 'r1', fieldId: 'title', before: 'A', after: 'X' },
        { recordId: 'r1', fieldId: 'qty', before: 1, after: 2 },
      ],
      created: [{ id: 'new0', values: { title: 'Z' } }],
      deleted: [],
    });
  });

  it('fails as a whole when the server refuses it for another reason', async () => {
    const requests: BatchRequests = {
      update: async () => {
        throw new ApiError(403, 'forbidden', 'Editors only.');
      },
      create: async () => [],
    };
    const batch: CellBatch = { label: 'clear', writes: [{ recordId: 'r1', fieldId: 'title', value: null }], newRows: [], refused: [] };
    await expect(applyCellBatch('t', batch, (id) => shown.get(id), requests)).rejects.toThrow('Editors only.');
  });
});
