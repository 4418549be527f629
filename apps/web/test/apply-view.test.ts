import type { FieldType } from '@tandem/protocol';
import { describe, expect, it } from 'vitest';
import type { Field, TableRecord } from '../src/api/types.ts';
import { applyView, EMPTY_VIEW, type ViewerContext } from '../src/grid/apply-view.ts';

const field = (id: string, type: FieldType, options: Record<string, unknown> = {}): Field => ({
  id,
  table_id: 't',
  name: id,
  description: '',
  type,
  options,
  position: 0,
  created_at: '',
});
const FIELDS = [
  field('title', 'text'),
  field('qty', 'number'),
  field('done', 'checkbox'),
  field('status', 'single_select', {
    choices: [
      { id: 's_open', name: 'Open', color: 'blue' },
      { id: 's_closed', name: 'Closed', color: 'gray' },
    ],
  }),
  field('owner', 'user'),
];
let n = 0;
const rec = (values: Record<string, unknown>): TableRecord => ({
  id: `r${++n}`,
  table_id: 't',
  values,
  version: 1,
  created_by: null,
  updated_by: null,
  created_at: '',
  updated_at: '',
});
const ctx: ViewerContext = { members: new Map(), userId: 'u-me' };
const ids = (rows: readonly TableRecord[]) => rows.map((r) => r.values.title);

const RECORDS = [
  rec({ title: 'b', qty: 2, status: 's_open', owner: 'u-me' }),
  rec({ title: 'a', qty: 10, done: true, status: 's_closed' }),
  rec({ title: 'c', status: 's_open', owner: 'u-other' }),
  rec({ title: 'd', qty: 2 }),
];

describe('applying a view in the grid', () => {
  it('keeps creation order without sorts or filters', () => {
    expect(ids(applyView(RECORDS, FIELDS, EMPTY_VIEW, ctx))).toEqual(['b', 'a', 'c', 'd']);
  });

  it('sorts numbers numerically with empty values last, ties in creation order', () => {
    const asc = applyView(RECORDS, FIELDS, { ...EMPTY_VIEW, sorts: [{ field_id: 'qty', direction: 'asc' }] }, ctx);
    expect(ids(asc)).toEqual(['b', 'd', 'a', 'c']);
    const desc = applyView(RECORDS, FIELDS, { ...EMPTY_VIEW, sorts: [{ field_id: 'qty', direction: 'desc' }] }, ctx);
    expect(ids(desc)).toEqual(['a', 'b', 'd', 'c']);
  });

  it('sorts select fields by the choice name, not its id', () => {
    const rows = applyView(RECORDS, FIELDS, { ...EMPTY_VIEW, sorts: [{ field_id: 'status', direction: 'asc' }] }, ctx);
    expect(ids(rows)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('filters with every condition holding, "me" meaning the viewer', () => {
    const view = {
      ...EMPTY_VIEW,
      filters: [
        { field_id: 'status', op: 'eq' as const, value: 's_open' },
        { field_id: 'owner', op: 'eq' as const, value: 'me' },
      ],
    };
    expect(ids(applyView(RECORDS, FIELDS, view, ctx))).toEqual(['b']);
  });

  it('treats an unchecked checkbox as empty and "not equal" keeps empty cells as the server does', () => {
    expect(ids(applyView(RECORDS, FIELDS, { ...EMPTY_VIEW, filters: [{ field_id: 'done', op: 'empty' }] }, ctx))).toEqual(['b', 'c', 'd']);
    expect(ids(applyView(RECORDS, FIELDS, { ...EMPTY_VIEW, filters: [{ field_id: 'qty', op: 'neq', value: 2 }] }, ctx))).toEqual(['a', 'c']);
    expect(ids(applyView(RECORDS, FIELDS, { ...EMPTY_VIEW, filters: [{ field_id: 'qty', op: 'gt', value: 1 }] }, ctx))).toEqual(['b', 'a', 'd']);
  });

  it('matches text case-insensitively with contains', () => {
    const rows = [rec({ title: 'Steel Bracket' }), rec({ title: 'bolt' })];
    expect(ids(applyView(rows, FIELDS, { ...EMPTY_VIEW, filters: [{ field_id: 'title', op: 'contains', value: 'BRACK' }] }, ctx))).toEqual(['Steel Bracket']);
  });

  it('ignores conditions on fields that no longer exist', () => {
    expect(applyView(RECORDS, FIELDS, { ...EMPTY_VIEW, filters: [{ field_id: 'gone', op: 'empty' }] }, ctx)).toHaveLength(4);
  });
});
