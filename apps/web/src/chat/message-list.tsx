import type { ChatMessage } from '@tandem/client';
import type { UseChatMessagesResult } from '@tandem/react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useLayoutEffect, useMemo, useRef } from 'react';
import { MessageItem } from './message-item.tsx';
import { messageRows } from './message-rows.ts';

/** Load older messages when scrolled this close to the top (px). */
const LOAD_OLDER_THRESHOLD_PX = 200;
/** Count as "at the bottom" (follow new messages) within this distance (px). */
const STICK_TO_BOTTOM_PX = 80;

/** Props of {@link MessageList}. */
export interface MessageListProps {
  readonly list: UseChatMessagesResult;
  readonly meId: string;
  readonly colorOf: (userId: string) => string;
  readonly nameOf: (userId: string) => string;
  readonly onOpenThread?: (message: ChatMessage) => void;
  /** Rendered under the last row (e.g. "Seen by"). */
  readonly footer?: React.ReactNode;
  readonly label: string;
}

/**
 * The virtualised message list: only visible rows are in the DOM, grouped by day and author;
 * scrolling near the top loads older messages (keeping the view still), new messages scroll into
 * view while the user is at the bottom, and a jumped-to message is centred and highlighted.
 */
export function MessageList({ list, meId, colorOf, nameOf, onOpenThread, footer, label }: MessageListProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const rows = useMemo(() => messageRows(list.messages, list.pending), [list.messages, list.pending]);
  const atBottom = useRef(true);
  const firstKey = useRef<string | null>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: (i) => (rows[i]?.kind === 'day' ? 36 : rows[i]?.kind === 'message' && rows[i].showHeader ? 64 : 28),
    getItemKey: (i) => rows[i]?.key ?? i,
    overscan: 8,
  });

  // Older messages prepended: keep the row that was first where it was.
  useLayoutEffect(() => {
    const previousFirst = firstKey.current;
    firstKey.current = rows[0]?.key ?? null;
    if (!previousFirst || previousFirst === rows[0]?.key || list.focusId) return;
    const index = rows.findIndex((r) => r.key === previousFirst);
    if (index > 0) virtualizer.scrollToIndex(index, { align: 'start' });
  }, [rows, virtualizer, list.focusId]);

  // Follow the conversation while at the bottom.
  useEffect(() => {
    if (rows.length > 0 && atBottom.current && !list.focusId) virtualizer.scrollToIndex(rows.length - 1, { align: 'end' });
  }, [rows.length, virtualizer, list.focusId]);

  useEffect(() => {
    if (!list.focusId) return;
    const index = rows.findIndex((r) => r.key === list.focusId);
    if (index >= 0) virtualizer.scrollToIndex(index, { align: 'center' });
  }, [list.focusId, rows, virtualizer]);

  const onScroll = () => {
    const el = scroller.current;
    if (!el) return;
    atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < STICK_TO_BOTTOM_PX;
    if (el.scrollTop < LOAD_OLDER_THRESHOLD_PX && list.hasOlder && !list.loadingOlder) void list.loadOlder();
    if (atBottom.current && list.hasNewer) void list.loadNewer();
  };

  return (
    <div ref={scroller} className="chat-scroller" onScroll={onScroll} role="log" aria-label={label} aria-live="polite">
      {list.loadingOlder && <p className="muted chat-loading-older">Loading older messages…</p>}
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {virtualizer.getVirtualItems().map((item) => {
          const row = rows[item.index];
          if (!row) return null;
          return (
            <div
              key={item.key}
              data-index={item.index}
              ref={virtualizer.measureElement}
              className="chat-row"
              style={{ transform: `translateY(${item.start}px)` }}
            >
              {row.kind === 'day' && (
                <div className="chat-day">
                  <span>{row.label}</span>
                </div>
              )}
              {row.kind === 'message' && (
                <MessageItem
                  message={row.message}
                  showHeader={row.showHeader}
                  meId={meId}
                  colorOf={colorOf}
                  nameOf={nameOf}
                  onOpenThread={onOpenThread}
                  focused={row.message.id === list.focusId}
                />
              )}
              {row.kind === 'pending' && (
                <div className={`chat-message chat-pending ${row.pending.status}`}>
                  <div className="chat-gutter" />
                  <div className="chat-main">
                    <p className="chat-body">{row.pending.body}</p>
                    <span className="muted chat-pending-state">
                      {row.pending.status === 'failed'
                        ? `Not sent: ${row.pending.error?.message ?? 'refused'}`
                        : row.pending.status === 'queued'
                          ? 'Waiting for connection…'
                          : 'Sending…'}
                    </span>
                  </div>
                </div>
              )}
            </div>
          );
        })}
      </div>
      {footer}
    </div>
  );
}
