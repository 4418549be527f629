import { describe, expect, it } from 'vitest';
import type { Field, Member } from '../src/api/types.ts';
import { type CellTextContext, cellText, parseCellText } from '../src/grid/cell-text.ts';

const field = (type: Field['type'], options: Record<string, unknown> = {}): Field => ({
  id: `f-${type}`,
  table_id: 't',
  name: type,
  description: '',
  type,
  options,
  position: 0,
  created_at: '',
});
const member = (user_id: string, name: string, email: string): Member => ({ user_id, name, email, color: '#000', role: 'editor', joined_at: '' });
const LINKED = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const ctx: CellTextContext = {
  members: new Map([
    ['u1', member('u1', 'Bob Okafor', 'bob@example.com')],
    ['u2', member('u2', 'Ann Lee', 'ann@example.com')],
  ]),
  linkedTitles: new Map([[LINKED, 'M8 bolt']]),
  linkOptions: new Map([['f-link', [{ id: LINKED, title: 'M8 bolt' }]]]),
};
const status = field('single_select', {
  choices: [
    { id: 'c1', name: 'Open' },
    { id: 'c2', name: 'Closed' },
  ],
});
const tags = field('multi_select', {
  choices: [
    { id: 't1', name: 'Urgent' },
    { id: 't2', name: 'QA' },
  ],
});
const ok = (value: unknown) => ({ ok: true, value });

describe('cell text for the clipboard', () => {
  it('reads numbers with thousands separators or a decimal comma and refuses words', () => {
    expect(parseCellText(field('number'), ' 1,234.5 ', ctx)).toEqual(ok(1234.5));
    expect(parseCellText(field('number'), '3,5', ctx)).toEqual(ok(3.5));
    expect(parseCellText(field('number'), '-2e3', ctx)).toEqual(ok(-2000));
    expect(parseCellText(field('number'), 'twelve', ctx)).toEqual({ ok: false, message: 'number expects a number, not “twelve”.' });
  });

  it('reads checkboxes, dates and empty cells as spreadsheets write them', () => {
    expect(parseCellText(field('checkbox'), 'TRUE', ctx)).toEqual(ok(true));
    expect(parseCellText(field('checkbox'), 'no', ctx)).toEqual(ok(false));
    expect(parseCellText(field('checkbox'), 'maybe', ctx).ok).toBe(false);
    expect(parseCellText(field('date'), '2026/3/1', ctx)).toEqual(ok('2026-03-01'));
    expect(parseCellText(field('date'), '2026-02-30', ctx).ok).toBe(false);
    expect(parseCellText(field('date'), '2026-03-01T10:00:00+02:00', ctx)).toEqual(ok('2026-03-01T08:00:00.000Z'));
    expect(parseCellText(field('text'), '', ctx)).toEqual(ok(null));
    expect(parseCellText(field('number'), '  ', ctx)).toEqual(ok(null));
  });

  it('reads choices by name, users by e-mail or unique name, links by title or id', () => {
    expect(parseCellText(status, 'closed', ctx)).toEqual(ok('c2'));
    expect(parseCellText(status, 'Later', ctx)).toEqual({ ok: false, message: 'single_select expects one of Open, Closed, not “Later”.' });
    expect(parseCellText(tags, 'QA, urgent', ctx)).toEqual(ok(['t2', 't1']));
    expect(parseCellText(field('user'), 'ANN@example.com', ctx)).toEqual(ok('u2'));
    expect(parseCellText(field('user'), 'Bob Okafor', ctx)).toEqual(ok('u1'));
    expect(parseCellText(field('user'), 'Nobody', ctx).ok).toBe(false);
    expect(parseCellText(field('link'), 'M8 bolt', ctx)).toEqual(ok([LINKED]));
    expect(parseCellText(field('link'), LINKED.toUpperCase(), ctx)).toEqual(ok([LINKED]));
    expect(parseCellText(field('attachment'), 'file.pdf', ctx).ok).toBe(false);
  });

  it('writes every type as text that reads back to the same value', () => {
    const cases: [Field, unknown][] = [
      [field('text'), 'Bracket, "steel"\twide'],
      [field('long_text'), 'two\nlines'],
      [field('number'), 0.1 + 0.2],
      [field('checkbox'), true],
      [field('checkbox'), false],
      [field('date'), '2026-03-01'],
      [status, 'c1'],
      [tags, ['t1', 't2']],
      [field('user'), 'u1'],
      [field('link'), [LINKED]],
    ];
    for (const [f, value] of cases) expect(parseCellText(f, cellText(f, value, ctx), ctx), f.type).toEqual(ok(value));
    expect(cellText(field('number'), undefined, ctx)).toBe('');
    expect(cellText(field('user'), 'u1', ctx)).toBe('bob@example.com');
  });
});
