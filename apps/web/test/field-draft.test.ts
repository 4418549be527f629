import { describe, expect, it } from 'vitest';
import type { Field } from '../src/api/types.ts';
import { draftChangesValues, draftOf, draftOptions, draftPatch, nextChoiceColor, removedChoices } from '../src/grid/field-draft.ts';

const field = (type: Field['type'], options: Record<string, unknown> = {}, description = ''): Field => ({
  id: 'f',
  table_id: 't',
  name: 'Status',
  description,
  type,
  options,
  position: 0,
  created_at: '',
});
const status = field('single_select', {
  choices: [
    { id: 'a', name: 'Open', color: 'blue' },
    { id: 'b', name: 'Done', color: 'green' },
  ],
});

describe('the field editor’s draft', () => {
  it('an untouched draft changes nothing', () => {
    for (const f of [status, field('number', { precision: 2, format: 'currency', currency: 'EUR' }), field('text'), field('date', { include_time: true })]) {
      expect(draftPatch(draftOf(f), f)).toEqual({});
    }
  });

  it('only what changed is sent: a trimmed name and description', () => {
    const draft = { ...draftOf(status), name: ' State ', description: ' Where it stands ' };
    expect(draftPatch(draft, status)).toEqual({ name: 'State', description: 'Where it stands' });
  });

  it('renamed, recoloured and reordered choices keep their ids; a deleted one is reported as removed', () => {
    const start = draftOf(status);
    const [open, done] = start.choices;
    if (!open || !done) throw new Error('choices missing');
    const draft = {
      ...start,
      choicesTouched: true,
      choices: [
        { ...done, color: 'purple' as const },
        { key: 'new-1', name: 'Blocked', color: 'red' as const },
      ],
    };
    const patch = draftPatch(draft, status);
    expect(patch.options).toEqual({
      choices: [
        { id: 'b', name: 'Done', color: 'purple' },
        { name: 'Blocked', color: 'red' },
      ],
    });
    expect(draftChangesValues(patch)).toBe(true);
    expect(removedChoices(draft, status)).toEqual(['Open']);
  });

  it('a field that becomes a select without edited choices lets the server derive them', () => {
    const text = field('text');
    const draft = { ...draftOf(text), type: 'single_select' as const };
    expect(draftOptions(draft, text)).toBeUndefined();
    expect(draftPatch(draft, text)).toEqual({ type: 'single_select' });
  });

  it('a number format is sent without its defaults, with an upper-case currency code', () => {
    const number = field('number');
    expect(draftOptions({ ...draftOf(number), format: 'currency', currency: 'eur', precision: 2 }, number)).toEqual({
      precision: 2,
      format: 'currency',
      currency: 'EUR',
    });
    expect(draftPatch({ ...draftOf(number), format: 'percent' }, number)).toEqual({ options: { format: 'percent' } });
    expect(draftChangesValues({ options: { format: 'percent' } })).toBe(false);
  });

  it('a new choice takes the first colour not yet used', () => {
    expect(nextChoiceColor(draftOf(status).choices)).toBe('cyan');
  });
});
