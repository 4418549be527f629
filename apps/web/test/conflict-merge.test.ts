import type { RecordConflict } from '@tandem/client';
import { describe, expect, it } from 'vitest';
import type { Field, TableRecord } from '../src/api/types.ts';
import { conflictRows, keepMineWrite } from '../src/grid/conflict-merge.ts';

const field = (id: string): Field => ({ id, table_id: 't', name: id.toUpperCase(), description: '', type: 'text', options: {}, position: 0, created_at: '' });
const record = (values: Record<string, unknown>, version: number): TableRecord => ({
  id: 'r1',
  table_id: 't',
  values,
  version,
  created_by: null,
  updated_by: 'u2',
  created_at: '',
  updated_at: '',
});
const conflict: RecordConflict = {
  recordId: 'r1',
  mine: { title: 'mine', notes: 'my note' },
  theirs: record({ title: 'theirs', notes: 'their note', qty: 3 }, 5),
  fieldIds: ['title', 'gone'],
};

describe('conflict dialog merge', () => {
  it('shows each conflicting field that still exists with the user’s and the saved value', () => {
    expect(conflictRows(conflict, [field('notes'), field('title')])).toEqual([{ field: field('title'), mine: 'mine', theirs: 'theirs' }]);
  });

  it('shows an empty saved value when the server did not send its record', () => {
    expect(conflictRows({ ...conflict, theirs: null }, [field('title')])).toEqual([{ field: field('title'), mine: 'mine', theirs: undefined }]);
  });

  it('“keep mine” writes all the user’s values over the record as it is now, and nothing once it was deleted', () => {
    expect(keepMineWrite(conflict, record({ title: 'newer' }, 6))).toEqual({ recordId: 'r1', values: { title: 'mine', notes: 'my note' } });
    expect(keepMineWrite(conflict, undefined)).toBeNull();
  });
});
