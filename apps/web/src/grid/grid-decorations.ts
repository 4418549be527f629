import type { RemoteCursor } from '@tandem/client';
import type { LockInfo, PresenceEntry } from '@tandem/protocol';
import { type CellRef, cellKey, type GridDecorations, type RemoteMark } from './grid.tsx';
import type { LivePreview } from './use-live-cell-edits.ts';

/** A user as a mark on the grid. */
export function markOf(user: { readonly user_id: string; readonly name: string; readonly color: string }): RemoteMark {
  return { userId: user.user_id, name: user.name, color: user.color };
}

/** The cell a cursor points at, when its position is one (the grid sends `{recordId, fieldId}`). */
export function cursorCell(position: unknown): CellRef | null {
  const cell = position as Partial<CellRef> | null | undefined;
  return typeof cell?.recordId === 'string' && typeof cell.fieldId === 'string' ? { recordId: cell.recordId, fieldId: cell.fieldId } : null;
}

/** What others are doing in a table room, as the grid draws it; this user's own marks are left out. */
export function gridDecorations(input: {
  readonly meId: string;
  readonly locks: ReadonlyMap<string, LockInfo>;
  readonly cursors: ReadonlyMap<string, RemoteCursor>;
  readonly presence: readonly PresenceEntry[];
  readonly changes: ReadonlyMap<string, RemoteMark>;
  readonly previews?: ReadonlyMap<string, LivePreview>;
}): GridDecorations {
  const { meId } = input;
  const locks = new Map<string, RemoteMark>();
  for (const lock of input.locks.values()) {
    if (lock.user_id === meId || !lock.field_id) continue;
    locks.set(cellKey(lock.record_id, lock.field_id), markOf(lock));
  }
  const selections = new Map<string, RemoteMark[]>();
  for (const cursor of input.cursors.values()) {
    const cell = cursorCell(cursor.position);
    if (cursor.user_id === meId || !cell) continue;
    const key = cellKey(cell.recordId, cell.fieldId);
    selections.set(key, [...(selections.get(key) ?? []), markOf(cursor)]);
  }
  const rowPresence = new Map<string, RemoteMark[]>();
  for (const entry of input.presence) {
    if (entry.user_id === meId || !entry.record_id) continue;
    rowPresence.set(entry.record_id, [...(rowPresence.get(entry.record_id) ?? []), markOf(entry)]);
  }
  return { locks, selections, changes: input.changes, rowPresence, previews: input.previews ?? new Map() };
}
