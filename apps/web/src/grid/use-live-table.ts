import { isDurableEvent, isTandemError, type RoomEvent } from '@tandem/client';
import type { DurableEvent, LockInfo, PresenceEntry, RecordUpdatedData } from '@tandem/protocol';
import { useRoom, useTandemClient } from '@tandem/react';
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import type { Member, TableRecord } from '../api/types.ts';
import { type CellRef, cellKey, type GridDecorations, type RemoteMark } from './grid.tsx';
import { cachedRecord, putRecord } from './record-actions.ts';
import { tableKeys } from './table-queries.ts';

/** How long a remote change stays highlighted, in milliseconds. */
export const CHANGE_HIGHLIGHT_MS = 2500;

/** How long starting an edit waits for the cell lease before going ahead without it, in milliseconds. */
export const LOCK_WAIT_MS = 1500;

const TIMED_OUT = Symbol('timed out');
const sleep = (ms: number) => new Promise<typeof TIMED_OUT>((resolve) => setTimeout(() => resolve(TIMED_OUT), ms));

const NO_LOCKS: ReadonlyMap<string, LockInfo> = new Map();
const NO_PRESENCE: readonly PresenceEntry[] = [];

/** What the table page gets from {@link useLiveTable}. */
export interface LiveTable {
  /** People in the table room. */
  readonly presence: readonly PresenceEntry[];
  /** Locks, remote selections, recent changes and row presence to draw on the grid. */
  readonly decorations: GridDecorations;
  /** Whether this record list is the result of a change by someone else (not of this user's own action). */
  readonly isRemoteSnapshot: (records: readonly TableRecord[] | undefined) => boolean;
  /** Tell the room which cell this user has selected. */
  readonly selectCell: (cell: CellRef | null) => void;
  /** Lock a cell before editing; resolves false (with a reason) when someone else holds it. */
  readonly lockCell: (cell: CellRef) => Promise<{ ok: true } | { ok: false; reason: string }>;
  /** Release the cell lock after an edit. */
  readonly unlockCell: (cell: CellRef) => void;
}

function markOf(user: { user_id: string; name: string; color: string }): RemoteMark {
  return { userId: user.user_id, name: user.name, color: user.color };
}

/**
 * The live side of a table page: keeps the cached records current from the `table:{id}` room
 * (durable events, resumed by the client after reconnects), and exposes what others are doing.
 */
export function useLiveTable(tableId: string, meId: string, members: ReadonlyMap<string, Member>): LiveTable {
  const client = useTandemClient();
  const queries = useQueryClient();
  const roomName = `table:${tableId}`;
  const [changes, setChanges] = useState<ReadonlyMap<string, RemoteMark>>(new Map());
  const [cursors, setCursors] = useState<ReadonlyMap<string, { mark: RemoteMark; cell: CellRef }>>(new Map());
  // Record lists produced by applying others' events: the page keeps its row order for those.
  const remoteSnapshots = useRef(new WeakSet<readonly TableRecord[]>());
  const markRemote = () => {
    const list = queries.getQueryData<TableRecord[]>(tableKeys.records(tableId));
    if (list) remoteSnapshots.current.add(list);
  };
  const timers = useRef(new Set<ReturnType<typeof setTimeout>>());
  const membersRef = useRef(members);
  membersRef.current = members;

  useEffect(
    () => () => {
      for (const t of timers.current) clearTimeout(t);
    },
    [],
  );

  const flash = useCallback((keys: readonly string[], mark: RemoteMark) => {
    setChanges((prev) => {
      const next = new Map(prev);
      for (const k of keys) next.set(k, mark);
      return next;
    });
    const t = setTimeout(() => {
      timers.current.delete(t);
      setChanges((prev) => {
        const next = new Map(prev);
        for (const k of keys) if (next.get(k) === mark) next.delete(k);
        return next;
      });
    }, CHANGE_HIGHLIGHT_MS);
    timers.current.add(t);
  }, []);

  const onDurable = (event: DurableEvent) => {
    const remote = event.actor !== null && event.actor.id !== meId;
    const member = event.actor ? membersRef.current.get(event.actor.id) : undefined;
    const mark: RemoteMark | null = event.actor ? { userId: event.actor.id, name: event.actor.name, color: member?.color ?? '#6b7280' } : null;
    switch (event.type) {
      case 'record_created':
      case 'record_updated': {
        const data = event.data as RecordUpdatedData;
        const current = cachedRecord(queries, tableId, data.id);
        if (current && current.version >= data.version) return;
        const { changed_fields: changed, ...record } = data;
        putRecord(queries, tableId, data.id, record as TableRecord);
        if (remote) {
          markRemote();
          if (mark && event.type === 'record_updated')
            flash(
              (changed ?? []).map((f) => cellKey(data.id, f)),
              mark,
            );
        }
        return;
      }
      case 'record_deleted': {
        const data = event.data as { id: string };
        putRecord(queries, tableId, data.id, null);
        if (remote) markRemote();
        return;
      }
      case 'field_created':
      case 'field_updated':
      case 'field_deleted':
      case 'table_updated':
        void queries.invalidateQueries({ queryKey: tableKeys.table(tableId), exact: true });
        if (event.type === 'field_deleted' || event.type === 'field_updated')
          void queries.invalidateQueries({ queryKey: tableKeys.records(tableId), exact: true });
        return;
      case 'view_created':
      case 'view_updated':
      case 'view_deleted':
        void queries.invalidateQueries({ queryKey: tableKeys.views(tableId), exact: true });
        return;
    }
  };

  const { room } = useRoom(roomName, (any: RoomEvent) => {
    if (isDurableEvent(any)) {
      onDurable(any);
      return;
    }
    const event = any as Exclude<RoomEvent, DurableEvent>;
    if (event.type === 'resync') {
      void queries.invalidateQueries({ queryKey: tableKeys.records(tableId), exact: true });
      return;
    }
    if (event.type === 'user_cursor') {
      const position = event.position as Partial<CellRef> | null;
      setCursors((prev) => {
        const next = new Map(prev);
        if (position?.recordId && position.fieldId)
          next.set(event.user_id, { mark: markOf(event), cell: { recordId: position.recordId, fieldId: position.fieldId } });
        else next.delete(event.user_id);
        return next;
      });
      return;
    }
    if (event.type === 'user_left') {
      setCursors((prev) => {
        if (!prev.has(event.user_id)) return prev;
        const next = new Map(prev);
        next.delete(event.user_id);
        return next;
      });
    }
  });

  // Announce this user in the table (away while the tab is hidden); the client re-announces
  // after every reconnect.
  useEffect(() => {
    const announce = () => client.setPresence(roomName, 'viewing', document.visibilityState === 'hidden' ? 'away' : 'online');
    announce();
    document.addEventListener('visibilitychange', announce);
    return () => document.removeEventListener('visibilitychange', announce);
  }, [client, roomName]);

  const subscribeRoom = useCallback((onChange: () => void) => (room ? room.onChange(onChange) : () => undefined), [room]);
  const presence = useSyncExternalStore(subscribeRoom, () => room?.presence ?? NO_PRESENCE);
  const subscribeLocks = useCallback((onChange: () => void) => client.onLocksChange(onChange), [client]);
  const locks = useSyncExternalStore(subscribeLocks, () => room?.locks.all ?? NO_LOCKS);

  const decorations = useMemo((): GridDecorations => {
    const lockMarks = new Map<string, RemoteMark>();
    for (const lock of locks.values()) {
      if (lock.user_id === meId || !lock.field_id) continue;
      lockMarks.set(cellKey(lock.record_id, lock.field_id), markOf(lock));
    }
    const selections = new Map<string, RemoteMark[]>();
    for (const [userId, { mark, cell }] of cursors) {
      if (userId === meId) continue;
      const key = cellKey(cell.recordId, cell.fieldId);
      selections.set(key, [...(selections.get(key) ?? []), mark]);
    }
    const rowPresence = new Map<string, RemoteMark[]>();
    for (const entry of presence) {
      if (entry.user_id === meId || !entry.record_id) continue;
      rowPresence.set(entry.record_id, [...(rowPresence.get(entry.record_id) ?? []), markOf(entry)]);
    }
    return { locks: lockMarks, selections, changes, rowPresence };
  }, [locks, cursors, presence, changes, meId]);

  const selectCell = useCallback(
    (cell: CellRef | null) => {
      client.moveCursor(roomName, cell ? { recordId: cell.recordId, fieldId: cell.fieldId } : null);
      client.setPresence(roomName, 'viewing', undefined, cell ? { record_id: cell.recordId, field_id: cell.fieldId } : undefined);
    },
    [client, roomName],
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
        client.setPresence(roomName, 'editing', undefined, { record_id: cell.recordId, field_id: cell.fieldId });
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
    [client, roomName],
  );

  const unlockCell = useCallback(
    (cell: CellRef) => {
      if (editingCell.current?.recordId === cell.recordId && editingCell.current.fieldId === cell.fieldId) editingCell.current = null;
      if (client.holdsLock(cell.recordId, cell.fieldId)) client.unlockCell(cell.recordId, cell.fieldId).catch(() => undefined);
      client.setPresence(roomName, 'viewing', undefined, { record_id: cell.recordId, field_id: cell.fieldId });
    },
    [client, roomName],
  );

  const isRemoteSnapshot = useCallback((records: readonly TableRecord[] | undefined) => records !== undefined && remoteSnapshots.current.has(records), []);

  return { presence, decorations, isRemoteSnapshot, selectCell, lockCell, unlockCell };
}
