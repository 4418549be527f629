import { isDurableEvent, type RoomEvent, type RoomEventMap } from '@tandem/client';
import type { RecordUpdatedData } from '@tandem/protocol';
import { useTandemClient } from '@tandem/react';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Member } from '../api/types.ts';
import { type CellRef, cellKey, type RemoteMark } from './grid.tsx';

/** What someone else is typing in a cell right now, before it is saved. */
export interface LivePreview {
  readonly mark: RemoteMark;
  readonly text: string;
}

/** A draft is sent at most this often while typing (the server keeps only the newest per cell too). */
export const DRAFT_SEND_MS = 50;
/** A preview nobody has updated for this long is dropped (its typist's tab may have gone). */
export const PREVIEW_STALE_MS = 15_000;

/** Longest draft sent as a preview; the saved value is what counts. */
const MAX_PREVIEW_CHARS = 2_000;

/**
 * Live typing in a table: this user's drafts go out as `cell_edit` signals (at most every
 * {@link DRAFT_SEND_MS}), and others' arrive as previews by {@link cellKey}, dropped when their
 * typist releases the cell, saves it, or stops sending for {@link PREVIEW_STALE_MS}.
 */
export function useLiveCellEdits(meId: string, members: ReadonlyMap<string, Member>) {
  const client = useTandemClient();
  const [previews, setPreviews] = useState<ReadonlyMap<string, LivePreview & { readonly at: number }>>(new Map());
  const membersRef = useRef(members);
  membersRef.current = members;

  const drop = useCallback((key: string, userId?: string) => {
    setPreviews((current) => {
      const preview = current.get(key);
      if (!preview || (userId && preview.mark.userId !== userId)) return current;
      const next = new Map(current);
      next.delete(key);
      return next;
    });
  }, []);

  /** Feeds a table room event; returns nothing, keeps the previews current. */
  const onRoomEvent = useCallback(
    (event: RoomEvent) => {
      if (event.type === 'cell_edit' && !isDurableEvent(event)) {
        const edit = event as RoomEventMap['cell_edit'];
        if (edit.user_id === meId) return;
        const member = membersRef.current.get(edit.user_id);
        const text = typeof edit.value === 'string' ? edit.value : edit.value === null || edit.value === undefined ? '' : JSON.stringify(edit.value);
        const mark: RemoteMark = { userId: edit.user_id, name: member?.name ?? 'Someone', color: member?.color ?? '#6b7280' };
        setPreviews((current) => new Map(current).set(cellKey(edit.record_id, edit.field_id), { mark, text, at: Date.now() }));
      } else if (event.type === 'cell_unlock' && !isDurableEvent(event)) {
        const unlock = event as RoomEventMap['cell_unlock'];
        if (unlock.field_id) drop(cellKey(unlock.record_id, unlock.field_id), unlock.user_id);
      } else if (event.type === 'record_updated' && isDurableEvent(event)) {
        const data = event.data as RecordUpdatedData;
        for (const fieldId of data.changed_fields ?? []) drop(cellKey(data.id, fieldId), event.actor?.id);
      }
    },
    [meId, drop],
  );

  // Stale previews go after a while.
  useEffect(() => {
    if (previews.size === 0) return;
    const timer = setInterval(() => {
      const now = Date.now();
      setPreviews((current) => {
        const fresh = [...current].filter(([, p]) => now - p.at < PREVIEW_STALE_MS);
        return fresh.length === current.size ? current : new Map(fresh);
      });
    }, 1_000);
    return () => clearInterval(timer);
  }, [previews.size]);

  const pending = useRef<{ cell: CellRef; text: string } | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const flush = useCallback(() => {
    timer.current = null;
    const draft = pending.current;
    pending.current = null;
    if (draft && client.status === 'connected') client.cellEdit(draft.cell.recordId, draft.cell.fieldId, draft.text.slice(0, MAX_PREVIEW_CHARS));
  }, [client]);
  useEffect(() => () => void (timer.current && clearTimeout(timer.current)), []);

  /** Shares this user's draft of a cell (the newest one within {@link DRAFT_SEND_MS} goes out). */
  const sendDraft = useCallback(
    (cell: CellRef, text: string) => {
      pending.current = { cell, text };
      if (!timer.current) timer.current = setTimeout(flush, DRAFT_SEND_MS);
    },
    [flush],
  );

  /** The edit ended (saved or not): a draft not yet sent is not sent. */
  const endDraft = useCallback(() => {
    pending.current = null;
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
  }, []);

  return { previews: previews as ReadonlyMap<string, LivePreview>, onRoomEvent, sendDraft, endDraft };
}
