import { describe, expect, it } from 'vitest';
import { nextOrder, sameOrder } from '../src/grid/row-order.ts';

const all = (ids: readonly string[]) => (id: string) => ids.includes(id);

describe('row order after changes', () => {
  it('follows the view for the first load and for this user’s own changes', () => {
    expect(nextOrder(null, ['a', 'b'], true, all(['a', 'b']))).toEqual(['a', 'b']);
    expect(nextOrder(['a', 'b', 'c'], ['c', 'a', 'b'], false, all(['a', 'b', 'c']))).toEqual(['c', 'a', 'b']);
  });

  it('keeps the shown order when another user’s change would move rows, so nothing jumps', () => {
    expect(nextOrder(['a', 'b', 'c'], ['c', 'a', 'b'], true, all(['a', 'b', 'c']))).toEqual(['a', 'b', 'c']);
  });

  it('applies rows others appended at the end and drops rows they deleted at once', () => {
    expect(nextOrder(['a', 'b'], ['a', 'b', 'c'], true, all(['a', 'b', 'c']))).toEqual(['a', 'b', 'c']);
    expect(nextOrder(['a', 'b', 'c'], ['a', 'c'], true, all(['a', 'c']))).toEqual(['a', 'c']);
    // A deletion together with a move: the deleted row goes, the others stay where they were.
    expect(nextOrder(['a', 'b', 'c'], ['c', 'a'], true, all(['a', 'c']))).toEqual(['a', 'c']);
  });

  it('tells a kept order from the view’s, which is what raises the “new data” banner', () => {
    expect(sameOrder(['a', 'b'], ['a', 'b'])).toBe(true);
    expect(sameOrder(['a', 'b'], ['b', 'a'])).toBe(false);
    expect(sameOrder(['a'], ['a', 'b'])).toBe(false);
  });
});
