import { isTandemError, type RoomEvent } from '@tandem/client';
import { type PresenceEntry, type RecordUpdatedData, roomName } from '@tandem/protocol';
import { useCursors, useLocks, usePresence, useRoom, useTandemClient } from '@tandem/react';
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useMemo, useRef } from 'react';
import type { Member } from '../api/types.ts';
import { usePageVisibilityStatus } from '../live/use-page-visibility.ts';
import { type CellRef, cellKey, type GridDecorations } from './grid.tsx';
import { gridDecorations } from './grid-decorations.ts';
import { tableKeys } from './table-queries.ts';
import { useChangeHighlights } from './use-change-highlights.ts';
import { useLiveCellEdits } from './use-live-cell-edits.ts';

/** How long starting an edit waits for the cell lease before going ahead without it, in milliseconds. */
export const LOCK_WAIT_MS = 1500;

const TIMED_OUT = Symbol('timed out');
const sleep = (ms: number) => new Promise<typeof TIMED_OUT>((resolve) => setTimeout(() => resolve(TIMED_OUT), ms));

const FIELD_EVENTS: ReadonlySet<string> = new Set(['field_created', 'field_updated', 'field_deleted', 'table_updated']);
const VIEW_EVENTS: ReadonlySet<string> = new Set(['view_created', 'view_updated', 'view_deleted']);

/** What the table page gets from {@link useLiveTable}. */
export interface LiveTable {
  /** People in the table room. */
  readonly presence: readonly PresenceEntry[];
  /** Locks, remote selections, recent changes and row presence to draw on the grid. */
  readonly decorations: GridDecorations;
  /** Tell the room which cell this user has selected. */
  readonly selectCell: (cell: CellRef | null) => void;
  /** Lock a cell before editing; resolves false (with a reason) when someone else holds it. */
  readonly lockCell: (cell: CellRef) => Promise<{ ok: true } | { ok: false; reason: string }>;
  /** Release the cell lock after an edit. */
  readonly unlockCell: (cell: CellRef) => void;
  /** Show others what this user is typing in a cell (a `cell_edit` preview, not saved). */
  readonly sendDraft: (cell: CellRef, text: string) => void;
}

/**
 * The live side of a table page beyond its records (which `useRecords` keeps): who is here and
 * where (presence, cursors, locks from the SDK's hooks), what they are typing (live previews),
 * highlights of others' changes, and the
 * table's fields and views refreshed when someone changes them.
 */
export function useLiveTable(tableId: string, meId: string, members: ReadonlyMap<string, Member>): LiveTable {
  const client = useTandemClient();
  const queries = useQueryClient();
  const room = roomName('table', tableId);
  const { changes, flash } = useChangeHighlights();
  const membersRef = useRef(members);
  membersRef.current = members;

  const liveEdits = useLiveCellEdits(meId, members);

  useRoom(room, (event: RoomEvent) => {
    liveEdits.onRoomEvent(event);
    if (FIELD_EVENTS.has(event.type)) {
      void queries.invalidateQueries({ queryKey: tableKeys.table(tableId), exact: true });
      return;
    }
    if (VIEW_EVENTS.has(event.type)) {
      void queries.invalidateQueries({ queryKey: tableKeys.views(tableId), exact: true });
      return;
    }
    if (event.type !== 'record_updated' || !event.actor || event.actor.id === meId) return;
    const data = event.data as RecordUpdatedData;
    const color = membersRef.current.get(event.actor.id)?.color ?? '#6b7280';
    flash(
      (data.changed_fields ?? []).map((f) => cellKey(data.id, f)),
      { userId: event.actor.id, name: event.actor.name, color },
    );
  });

  // Announce this user in the table (away while the tab is hidden); the client re-announces after every reconnect.
  const presence = usePresence(room, { action: 'viewing', status: usePageVisibilityStatus() });
  const locks = useLocks(room);
  const cursors = useCursors(room);
  const previews = liveEdits.previews;
  const decorations = useMemo(
    () => gridDecorations({ meId, locks, cursors, presence, changes, previews }),
    [meId, locks, cursors, presence, changes, previews],
  );

  const selectCell = useCallback(
    (cell: CellRef | null) => {
      client.moveCursor(room, cell ? { recordId: cell.recordId, fieldId: cell.fieldId } : null);
      client.setPresence(room, 'viewing', undefined, cell ? { record_id: cell.recordId, field_id: cell.fieldId } : undefined);
    },
    [client, room],
  );

  const editingCell = useRef<CellRef | null>(null);
  const lockCell = useCallback(
    async (cell: CellRef): Promise<{ ok: true } | { ok: false; reason: string }> => {
      editingCell.current = cell;
      // Offline edits go ahead without a lease; the write itself is checked when it is sent.
      if (client.status !== 'connected') return { ok: true };
      try {
        // A lease that takes too long to come back is not worth blocking the user for.
        const answer = await Promise.race([client.lockCell(cell.recordId, cell.fieldId), sleep(LOCK_WAIT_MS)]);
        if (answer === TIMED_OUT) return { ok: true };
        if (editingCell.current !== cell) {
          // The edit ended before the lease arrived: give it back.
          client.unlockCell(cell.recordId, cell.fieldId).catch(() => undefined);
          return { ok: true };
        }
        client.setPresence(room, 'editing', undefined, { record_id: cell.recordId, field_id: cell.fieldId });
        return { ok: true };
      } catch (err) {
        if (isTandemError(err, 'locked')) {
          const holder = client.lockOf(cell.recordId, cell.fieldId)?.name ?? (err.details?.name as string | undefined) ?? 'Someone';
          return { ok: false, reason: `${holder} is editing this cell right now.` };
        }
        // No answer (e.g. the link dropped meanwhile): edit anyway; the write is checked on save.
        return { ok: true };
      }
    },
    [client, room],
  );

  const unlockCell = useCallback(
    (cell: CellRef) => {
      liveEdits.endDraft();
      if (editingCell.current?.recordId === cell.recordId && editingCell.current.fieldId === cell.fieldId) editingCell.current = null;
      if (client.holdsLock(cell.recordId, cell.fieldId)) client.unlockCell(cell.recordId, cell.fieldId).catch(() => undefined);
      client.setPresence(room, 'viewing', undefined, { record_id: cell.recordId, field_id: cell.fieldId });
    },
    [client, room, liveEdits.endDraft],
  );

  return { presence, decorations, selectCell, lockCell, unlockCell, sendDraft: liveEdits.sendDraft };
}
