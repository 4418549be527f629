// biome-ignore-all lint/a11y/useSemanticElements: virtualised rows cannot be a <table>; this is the ARIA grid pattern
// biome-ignore-all lint/a11y/useFocusableInteractive: focus stays on the grid and moves with aria-activedescendant (ARIA grid pattern)
// biome-ignore-all lint/a11y/useKeyWithMouseEvents: a mouse drag over cells selects a range; Shift+arrows on the grid do the same
// biome-ignore-all lint/a11y/useKeyWithClickEvents: every mouse action on a cell has a key on the grid (Space, Enter)
import { useVirtualizer } from '@tanstack/react-virtual';
import { type KeyboardEvent, type ReactNode, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { Field, Member, TableRecord } from '../api/types.ts';
import { Avatar } from '../ui/avatar.tsx';
import { ExpandIcon, LockIcon } from '../ui/icons.tsx';
import { type CellBatch, type LockCheck, pasteSize, planClear, planFill, planPaste, sameCellValue } from './cell-batch.ts';
import { CellEditor, type EditExit, isEditableType } from './cell-editor.tsx';
import { type CellTextContext, cellText } from './cell-text.ts';
import { CellView } from './cell-view.tsx';
import type { DisplayContext } from './field-values.ts';
import { gridKeyAction } from './grid-keyboard.ts';
import { inRange } from './grid-selection.ts';
import { useGridClipboard } from './use-grid-clipboard.ts';
import { type CellRef, useRangeSelection } from './use-range-selection.ts';
import '../styles/grid-editing.css';
import '../styles/cell-feedback.css';

/** Row height in pixels (matches `--row-height`). */
export const ROW_HEIGHT = 34;
const ROW_HEADER_WIDTH = 88;

const WIDTH_BY_TYPE: Readonly<Record<Field['type'], number>> = {
  text: 200,
  long_text: 260,
  rich_text: 300,
  number: 120,
  checkbox: 96,
  date: 150,
  single_select: 170,
  multi_select: 210,
  user: 180,
  link: 210,
  attachment: 180,
};

export type { CellRef } from './use-range-selection.ts';

/** Key of a cell in decoration maps. */
export const cellKey = (recordId: string, fieldId: string) => `${recordId}:${fieldId}`;

/** Someone else's mark on a cell or row (a lock, a selection, a recent change). */
export interface RemoteMark {
  readonly userId: string;
  readonly name: string;
  readonly color: string;
}

/** What other people are doing, drawn over the grid. */
export interface GridDecorations {
  /** Locked cells by {@link cellKey}. */
  readonly locks: ReadonlyMap<string, RemoteMark>;
  /** Cells others have selected, by {@link cellKey}. */
  readonly selections: ReadonlyMap<string, readonly RemoteMark[]>;
  /** Recently changed cells by {@link cellKey}: who changed them (shown briefly). */
  readonly changes: ReadonlyMap<string, RemoteMark>;
  /** People viewing or editing each record, by record id. */
  readonly rowPresence: ReadonlyMap<string, readonly RemoteMark[]>;
  /** What others are typing in cells right now (not saved yet), by {@link cellKey}. */
  readonly previews?: ReadonlyMap<string, { readonly mark: RemoteMark; readonly text: string }>;
}

/** No decorations (offline or alone). */
export const NO_DECORATIONS: GridDecorations = { locks: new Map(), selections: new Map(), changes: new Map(), rowPresence: new Map() };

/** Props of {@link Grid}. */
export interface GridProps {
  readonly label: string;
  readonly fields: readonly Field[];
  readonly rows: readonly TableRecord[];
  readonly ctx: DisplayContext;
  readonly members: readonly Member[];
  readonly canEdit: boolean;
  readonly decorations?: GridDecorations;
  readonly linkOptions?: ReadonlyMap<string, readonly { id: string; title: string }[]>;
  /** Called before an edit starts; resolve to a message to refuse it (e.g. someone holds the cell's lock). */
  readonly onEditStart?: (cell: CellRef) => Promise<string | null> | string | null;
  /** Called when an edit ends, committed or not. */
  readonly onEditEnd?: (cell: CellRef) => void;
  /** Cells a search found, by {@link cellKey}. */
  readonly searchHits?: ReadonlySet<string>;
  /** The search hit being looked at: selected and scrolled to. */
  readonly currentHit?: CellRef | null;
  /** The text in an open cell editor changed (others see it as a live preview). */
  readonly onDraftChange?: (cell: CellRef, text: string) => void;
  readonly onCommit: (record: TableRecord, field: Field, value: unknown) => void;
  /** Writes many cells as one action (a paste, a fill, Delete on a range): one batch and one undo step. */
  readonly onApplyBatch: (batch: CellBatch) => void;
  /** Ctrl/Cmd+Z. */
  readonly onUndo?: () => void;
  /** Ctrl/Cmd+Shift+Z or Ctrl/Cmd+Y. */
  readonly onRedo?: () => void;
  /** Cells the last batch did not write, by {@link cellKey}, with the reason (marked until the next batch). */
  readonly cellErrors?: ReadonlyMap<string, string>;
  readonly onDeleteRecord?: (record: TableRecord) => void;
  /** Opens the record's drawer (row button, or Shift+Enter on a cell). */
  readonly onOpenRecord?: (record: TableRecord) => void;
  readonly onActiveCellChange?: (cell: CellRef | null) => void;
  readonly renderFieldHeader: (field: Field) => ReactNode;
  readonly headerEnd?: ReactNode;
}

/**
 * The spreadsheet: virtualised rows (only what is on screen is in the DOM, so 10,000 records
 * scroll smoothly), an active cell moved with the keyboard and a selected range (mouse drag,
 * Shift+click, Shift+arrows, a row number or column header for whole rows or columns), in-place
 * editors per field type. Keys: arrows, Tab / Shift+Tab, Home / End (Ctrl for first/last row),
 * PageUp / PageDown, Enter or F2 to edit, typing to replace, Escape to cancel, Delete to clear
 * the selection, Space to toggle a checkbox, Ctrl/Cmd+Z to undo. Copy, cut and paste go through
 * the system clipboard as tab-separated text; the handle at the range's corner fills down.
 */
export function Grid(props: GridProps) {
  const { fields, rows, ctx, canEdit, decorations = NO_DECORATIONS } = props;
  const scrollRef = useRef<HTMLDivElement>(null);
  const gridRef = useRef<HTMLDivElement>(null);
  const [editing, setEditing] = useState<{ cell: CellRef; initialText?: string } | null>(null);
  /** A short message under the grid; `lockKey` names the locked cell it is about ("… is editing this cell"), so it closes when that lock goes. */
  const [notice, setNoticeState] = useState<{ readonly text: string; readonly lockKey: string | null } | null>(null);
  const setNotice = (text: string, lockKey: string | null = null) => setNoticeState({ text, lockKey });
  const editingRef = useRef(editing);
  editingRef.current = editing;

  const rowIndex = useMemo(() => new Map(rows.map((r, i) => [r.id, i])), [rows]);
  const selection = useRangeSelection({
    rows,
    fields,
    rowIndex,
    gridRef,
    isEditing: () => editingRef.current !== null,
    onFill: (from, toRow) => applyBatch(planFill(from, toRow, rows, fields, lockCheck)),
  });
  const { active, range, multi, mode, fillTo } = selection;
  const validPos = selection.activePos;
  const textCtx: CellTextContext = useMemo(
    () => ({
      members: ctx.members,
      ...(ctx.linkedTitles ? { linkedTitles: ctx.linkedTitles } : {}),
      ...(props.linkOptions ? { linkOptions: props.linkOptions } : {}),
    }),
    [ctx.members, ctx.linkedTitles, props.linkOptions],
  );
  const lockCheck: LockCheck = (recordId, fieldId) => {
    const lock = decorations.locks.get(cellKey(recordId, fieldId));
    return lock ? `${lock.name} is editing this cell right now.` : null;
  };

  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    paddingStart: ROW_HEIGHT,
  });

  const widths = fields.map((f) => WIDTH_BY_TYPE[f.type]);
  const totalWidth = ROW_HEADER_WIDTH + widths.reduce((a, b) => a + b, 0) + 48;

  const { onActiveCellChange } = props;
  useEffect(() => onActiveCellChange?.(active), [active, onActiveCellChange]);

  useEffect(() => {
    if (!notice) return;
    const t = setTimeout(() => setNoticeState(null), 4000);
    return () => clearTimeout(t);
  }, [notice]);
  useEffect(() => {
    if (notice?.lockKey && !decorations.locks.has(notice.lockKey)) setNoticeState(null);
  }, [notice, decorations.locks]);

  const moveTo = useCallback(
    (row: number, col: number) => {
      const r = Math.max(0, Math.min(rows.length - 1, row));
      const c = Math.max(0, Math.min(fields.length - 1, col));
      const record = rows[r];
      const field = fields[c];
      if (!record || !field) return;
      selection.select({ recordId: record.id, fieldId: field.id });
      virtualizer.scrollToIndex(r, { align: 'auto' });
    },
    [rows, fields, virtualizer, selection.select],
  );

  /** Sends a batch, or says why nothing of it can be written. */
  const applyBatch = (batch: CellBatch) => {
    if (!canEdit) {
      setNotice('You can view this table but not edit it.');
      return;
    }
    if (batch.writes.length === 0 && batch.newRows.length === 0) {
      if (batch.refused[0]) setNotice(batch.refused[0].message);
      return;
    }
    props.onApplyBatch(batch);
  };

  useGridClipboard(gridRef, {
    copy: () => {
      if (!range) return null;
      const block: string[][] = [];
      for (let r = range.top; r <= range.bottom; r++) {
        const record = rows[r];
        if (!record) continue;
        const line: string[] = [];
        for (let c = range.left; c <= range.right; c++) {
          const field = fields[c];
          if (field) line.push(cellText(field, record.values[field.id], textCtx));
        }
        block.push(line);
      }
      return block;
    },
    cut: () => {
      if (range) applyBatch(planClear(range, rows, fields, lockCheck));
    },
    paste: (block) => {
      if (!range || !validPos) return;
      applyBatch(planPaste(block, range, rows, fields, textCtx, { canCreate: canEdit, locked: lockCheck }));
      // The pasted cells become the selection (as far as rows exist yet).
      const size = pasteSize(block.length, Math.max(0, ...block.map((b) => b.length)), range);
      selection.selectBetween(
        { row: range.top, col: range.left },
        { row: Math.min(rows.length - 1, range.top + size.height - 1), col: Math.min(fields.length - 1, range.left + size.width - 1) },
      );
    },
  });

  const startEdit = async (cell: CellRef, initialText?: string) => {
    const field = fields.find((f) => f.id === cell.fieldId);
    const record = rows[rowIndex.get(cell.recordId) ?? -1];
    if (!field || !record) return;
    if (!canEdit) {
      setNotice('You can view this table but not edit it.');
      return;
    }
    const lock = decorations.locks.get(cellKey(cell.recordId, cell.fieldId));
    if (lock) {
      setNotice(`${lock.name} is editing this cell right now.`, cellKey(cell.recordId, cell.fieldId));
      return;
    }
    if (field.type === 'attachment') {
      setNotice('Attachments are added through the API.');
      return;
    }
    if (field.type === 'checkbox') {
      // A toggle is a single write: no lease needed, the server refuses it if someone holds one.
      props.onCommit(record, field, record.values[field.id] !== true);
      return;
    }
    if (!isEditableType(field)) return;
    // The editor opens at once so no keystroke is lost; the lease is asked for meanwhile, and a
    // refusal closes the editor again with the reason.
    const session = { cell, ...(initialText !== undefined ? { initialText } : {}) };
    editingRef.current = session;
    setEditing(session);
    const refusal = await props.onEditStart?.(cell);
    if (typeof refusal === 'string' && editingRef.current === session) {
      editingRef.current = null;
      setEditing(null);
      gridRef.current?.focus({ preventScroll: true });
      const key = cellKey(cell.recordId, cell.fieldId);
      setNotice(refusal, decorations.locks.has(key) ? key : null);
    }
  };

  const finishEdit = (exit: EditExit | null, value?: unknown) => {
    const current = editingRef.current;
    if (!current) return;
    editingRef.current = null;
    setEditing(null);
    const field = fields.find((f) => f.id === current.cell.fieldId);
    const record = rows[rowIndex.get(current.cell.recordId) ?? -1];
    if (exit !== null && field && record && !sameCellValue(record.values[field.id], value)) props.onCommit(record, field, value);
    props.onEditEnd?.(current.cell);
    gridRef.current?.focus({ preventScroll: true });
    const p = validPos;
    if (p && exit === 'down') moveTo(p.row + 1, p.col);
    if (p && exit === 'up') moveTo(p.row - 1, p.col);
    if (p && exit === 'right') moveTo(p.row, p.col + 1);
    if (p && exit === 'left') moveTo(p.row, p.col - 1);
  };

  // The current search hit is selected and brought into view.
  const { currentHit } = props;
  useEffect(() => {
    if (!currentHit) return;
    const row = rowIndex.get(currentHit.recordId);
    const col = fields.findIndex((f) => f.id === currentHit.fieldId);
    if (row !== undefined && col >= 0) moveTo(row, col);
  }, [currentHit?.recordId, currentHit?.fieldId]);

  // Keep the active cell on screen when rows re-order or disappear under it.
  useLayoutEffect(() => {
    if (active && !rowIndex.has(active.recordId)) selection.select(null);
  }, [active, rowIndex, selection.select]);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (editing || event.target !== gridRef.current) return;
    const record = validPos ? rows[validPos.row] : undefined;
    const field = validPos ? fields[validPos.col] : undefined;
    const action = gridKeyAction(event, {
      pos: validPos,
      rowCount: rows.length,
      colCount: fields.length,
      pageRows: Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 400) / ROW_HEIGHT) - 1),
      fieldType: field?.type,
      canOpen: Boolean(props.onOpenRecord),
      focus: multi ? (selection.focusPos ?? validPos) : null,
    });
    switch (action.kind) {
      case 'none':
        return;
      case 'deselect':
        selection.select(null);
        return;
      case 'collapse':
        selection.collapse();
        return;
      case 'move':
        event.preventDefault();
        moveTo(action.row, action.col);
        return;
      case 'extend':
        event.preventDefault();
        selection.extendTo(action.row, action.col);
        virtualizer.scrollToIndex(action.row, { align: 'auto' });
        return;
      case 'select-all':
        event.preventDefault();
        selection.selectAll();
        return;
      case 'undo':
        event.preventDefault();
        props.onUndo?.();
        return;
      case 'redo':
        event.preventDefault();
        props.onRedo?.();
        return;
      case 'open':
        event.preventDefault();
        if (record) props.onOpenRecord?.(record);
        return;
      case 'edit':
        event.preventDefault();
        if (active) void startEdit(active, action.initialText);
        return;
      case 'clear':
        event.preventDefault();
        // Rich text belongs to its document and locked cells to their holder: the plan refuses those.
        if (range) applyBatch(planClear(range, rows, fields, lockCheck));
        return;
    }
  };

  const items = virtualizer.getVirtualItems();
  const activeId = validPos ? `cell-${validPos.row}-${validPos.col}` : undefined;

  return (
    <div className="grid-wrap">
      <div
        ref={gridRef}
        className="grid"
        role="grid"
        aria-label={props.label}
        aria-rowcount={rows.length + 1}
        aria-colcount={fields.length + 1}
        aria-activedescendant={editing ? undefined : activeId}
        tabIndex={0}
        onKeyDown={onKeyDown}
        onMouseOver={selection.onMouseOver}
      >
        <div className="grid-scroll" ref={scrollRef}>
          <div className="grid-inner" style={{ height: virtualizer.getTotalSize(), width: totalWidth }}>
            <div className="grid-header" role="row" aria-rowindex={1}>
              <div className="grid-rowhead" role="columnheader" style={{ width: ROW_HEADER_WIDTH }}>
                <span className="visually-hidden">Record</span>#
              </div>
              {fields.map((f, i) => (
                <div
                  key={f.id}
                  className={`grid-colhead${range && (mode === 'columns' || mode === 'all') && i >= range.left && i <= range.right ? ' selected' : ''}`}
                  role="columnheader"
                  aria-colindex={i + 2}
                  style={{ width: widths[i] }}
                  onMouseDown={(e) => selection.onColHeadMouseDown(e, i)}
                >
                  {props.renderFieldHeader(f)}
                </div>
              ))}
              {props.headerEnd && <div className="grid-colhead grid-colhead-end">{props.headerEnd}</div>}
            </div>
            {items.map((item) => {
              const record = rows[item.index];
              if (!record) return null;
              const viewers = decorations.rowPresence.get(record.id) ?? [];
              const rowActive = validPos?.row === item.index;
              const rowSelected = range !== null && (mode === 'rows' || mode === 'all') && item.index >= range.top && item.index <= range.bottom;
              return (
                <div
                  key={record.id}
                  className={`grid-row${rowActive ? ' active-row' : ''}${rowSelected ? ' selected-row' : ''}`}
                  role="row"
                  aria-rowindex={item.index + 2}
                  data-record-id={record.id}
                  style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
                >
                  <div
                    className="grid-rowhead"
                    role="rowheader"
                    style={{ width: ROW_HEADER_WIDTH }}
                    onMouseDown={(e) => selection.onRowHeadMouseDown(e, item.index)}
                  >
                    <span className="row-number">{item.index + 1}</span>
                    {viewers.length > 0 && (
                      <span className="row-presence avatar-stack">
                        {viewers.slice(0, 2).map((v) => (
                          <Avatar key={v.userId} name={v.name} color={v.color} size="sm" title={`${v.name} is here`} />
                        ))}
                      </span>
                    )}
                    {props.onOpenRecord && (
                      <button
                        type="button"
                        className="row-open"
                        tabIndex={-1}
                        aria-label={`Open record ${item.index + 1}`}
                        title="Open record (Shift+Enter)"
                        onClick={() => props.onOpenRecord?.(record)}
                      >
                        <ExpandIcon />
                      </button>
                    )}
                    {props.onDeleteRecord && canEdit && (
                      <button
                        type="button"
                        className="row-delete"
                        tabIndex={-1}
                        aria-label={`Delete record ${item.index + 1}`}
                        onClick={() => props.onDeleteRecord?.(record)}
                      >
                        ×
                      </button>
                    )}
                  </div>
                  {fields.map((field, col) => {
                    const key = cellKey(record.id, field.id);
                    const isActive = rowActive && validPos?.col === col;
                    const isEditing = editing?.cell.recordId === record.id && editing.cell.fieldId === field.id;
                    const lock = decorations.locks.get(key);
                    const change = decorations.changes.get(key);
                    const selections = decorations.selections.get(key);
                    const preview = isEditing ? undefined : decorations.previews?.get(key);
                    const refused = props.cellErrors?.get(key);
                    const selected = multi && range !== null && inRange(range, item.index, col);
                    const filling =
                      fillTo !== null && range !== null && item.index > range.bottom && item.index <= fillTo && col >= range.left && col <= range.right;
                    const corner =
                      range !== null && canEdit && !editing && mode !== 'columns' && mode !== 'all' && item.index === range.bottom && col === range.right;
                    const classes = ['grid-cell', `type-${field.type}`];
                    if (isActive) classes.push('active');
                    if (selected) classes.push('in-range');
                    if (filling) classes.push('fill-preview');
                    if (refused) classes.push('refused');
                    if (isEditing) classes.push('editing');
                    if (lock) classes.push('locked');
                    if (change) classes.push('flash');
                    if (props.searchHits?.has(key)) classes.push('search-hit');
                    if (currentHit && currentHit.recordId === record.id && currentHit.fieldId === field.id) classes.push('search-current');
                    const mark = lock ?? selections?.[0];
                    return (
                      <div
                        key={field.id}
                        id={`cell-${item.index}-${col}`}
                        className={classes.join(' ')}
                        role="gridcell"
                        aria-colindex={col + 2}
                        aria-selected={isActive || selected}
                        aria-readonly={!canEdit || field.type === 'attachment' || Boolean(lock)}
                        aria-description={
                          refused ? `Not written: ${refused}` : lock ? `Locked by ${lock.name}` : change ? `Changed by ${change.name}` : undefined
                        }
                        title={refused}
                        data-field-id={field.id}
                        style={{ width: widths[col], ...(mark ? { ['--mark' as string]: mark.color } : {}) }}
                        onMouseDown={(e) => selection.onCellMouseDown(e, item.index, col)}
                        onDoubleClick={() => void startEdit({ recordId: record.id, fieldId: field.id })}
                        onClick={(e) => {
                          if (field.type === 'checkbox' && (e.target as HTMLElement).closest('.checkbox-view'))
                            void startEdit({ recordId: record.id, fieldId: field.id });
                        }}
                      >
                        {isEditing ? (
                          <CellEditor
                            field={field}
                            value={record.values[field.id]}
                            initialText={editing?.initialText}
                            ctx={ctx}
                            members={props.members}
                            linkOptions={props.linkOptions?.get(field.id)}
                            onCommit={(value, exit) => finishEdit(exit, value)}
                            onCancel={() => finishEdit(null)}
                            onDraft={props.onDraftChange ? (text) => props.onDraftChange?.({ recordId: record.id, fieldId: field.id }, text) : undefined}
                          />
                        ) : preview ? (
                          <span className="text cell-live-preview" title={`${preview.mark.name} is typing`}>
                            {preview.text}
                            <span className="cell-live-caret" style={{ background: preview.mark.color }} aria-hidden="true" />
                          </span>
                        ) : (
                          <CellView field={field} value={record.values[field.id]} ctx={ctx} />
                        )}
                        {lock && !isEditing && (
                          <span className="cell-tag" style={{ background: lock.color }}>
                            <LockIcon /> {lock.name}
                          </span>
                        )}
                        {!lock && change && !isEditing && (
                          <span className="cell-tag" style={{ background: change.color }}>
                            {change.name}
                          </span>
                        )}
                        {!lock && !change && selections && selections.length > 0 && !isEditing && (
                          <span className="cell-tag cell-tag-quiet" style={{ background: selections[0]?.color }}>
                            {selections.map((s) => s.name).join(', ')}
                          </span>
                        )}
                        {corner && <span className="fill-handle" aria-hidden="true" title="Drag down to fill" onMouseDown={selection.onFillHandleMouseDown} />}
                      </div>
                    );
                  })}
                </div>
              );
            })}
          </div>
        </div>
      </div>
      <div className="grid-notice" role="status" aria-live="polite">
        {notice?.text}
      </div>
    </div>
  );
}
