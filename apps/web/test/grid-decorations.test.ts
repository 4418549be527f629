import type { RemoteCursor } from '@tandem/client';
import type { LockInfo, PresenceEntry } from '@tandem/protocol';
import { describe, expect, it } from 'vitest';
import { cellKey, type RemoteMark } from '../src/grid/grid.tsx';
import { cursorCell, gridDecorations } from '../src/grid/grid-decorations.ts';

const lock = (user: string, record: string, fieldId: string | null): LockInfo =>
  ({ user_id: user, name: user.toUpperCase(), color: '#111', record_id: record, field_id: fieldId }) as LockInfo;
const cursor = (user: string, position: unknown): RemoteCursor => ({ user_id: user, name: user.toUpperCase(), color: '#222', position });
const here = (user: string, record: string | null): PresenceEntry =>
  ({ user_id: user, name: user.toUpperCase(), color: '#333', record_id: record }) as PresenceEntry;
const NONE = new Map<string, RemoteMark>();

describe('grid decorations', () => {
  it('marks cells others lock or select and rows others are on, never this user’s own', () => {
    const decorations = gridDecorations({
      meId: 'me',
      locks: new Map([
        ['a', lock('bob', 'r1', 'f1')],
        ['b', lock('me', 'r1', 'f2')],
      ]),
      cursors: new Map([
        ['bob', cursor('bob', { recordId: 'r2', fieldId: 'f1' })],
        ['cid', cursor('cid', { recordId: 'r2', fieldId: 'f1' })],
        ['me', cursor('me', { recordId: 'r3', fieldId: 'f1' })],
      ]),
      presence: [here('bob', 'r2'), here('me', 'r1'), here('cid', null)],
      changes: NONE,
    });
    expect([...decorations.locks.keys()]).toEqual([cellKey('r1', 'f1')]);
    expect(decorations.locks.get(cellKey('r1', 'f1'))).toEqual({ userId: 'bob', name: 'BOB', color: '#111' });
    expect(decorations.selections.get(cellKey('r2', 'f1'))?.map((m) => m.userId)).toEqual(['bob', 'cid']);
    expect(decorations.selections.has(cellKey('r3', 'f1'))).toBe(false);
    expect([...decorations.rowPresence.keys()]).toEqual(['r2']);
  });

  it('leaves row locks off the cells and ignores cursors that point at no cell', () => {
    const decorations = gridDecorations({
      meId: 'me',
      locks: new Map([['a', lock('bob', 'r1', null)]]),
      cursors: new Map([['bob', cursor('bob', { x: 3 })]]),
      presence: [],
      changes: NONE,
    });
    expect(decorations.locks.size).toBe(0);
    expect(decorations.selections.size).toBe(0);
    expect(cursorCell(null)).toBeNull();
    expect(cursorCell({ recordId: 'r', fieldId: 'f' })).toEqual({ recordId: 'r', fieldId: 'f' });
  });
});
