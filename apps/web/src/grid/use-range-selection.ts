import { type MouseEvent, type RefObject, useEffect, useRef, useState } from 'react';
import type { Field, TableRecord } from '../api/types.ts';
import type { GridPos } from './grid-keyboard.ts';
import { type CellRange, isSingleCell, type SelectionMode, selectionRange } from './grid-selection.ts';

/** A cell address that survives re-sorting: record id + field id. */
export interface CellRef {
  readonly recordId: string;
  readonly fieldId: string;
}

/** What {@link useRangeSelection} works on. */
export interface RangeSelectionOptions {
  readonly rows: readonly TableRecord[];
  readonly fields: readonly Field[];
  /** Row index by record id. */
  readonly rowIndex: ReadonlyMap<string, number>;
  /** The grid element, focused by mouse selections (the clipboard and keys listen there). */
  readonly gridRef: RefObject<HTMLElement | null>;
  /** Whether a cell editor is open (mouse selection waits until it closes). */
  readonly isEditing: () => boolean;
  /** The fill handle was dragged from `range` down to row `toRow`. */
  readonly onFill: (range: CellRange, toRow: number) => void;
}

/**
 * The grid's selection: the active cell (where a selection starts; the keyboard and editors act
 * on it), the moving corner of a range, whole rows or columns, and the mouse gestures that make
 * them (drag, Shift+click, row numbers, column headers) and the fill-handle drag. Cells are held
 * by record and field id, so a selection follows its records when rows re-order.
 */
export function useRangeSelection({ rows, fields, rowIndex, gridRef, isEditing, onFill }: RangeSelectionOptions) {
  const [active, setActive] = useState<CellRef | null>(null);
  /** The selection's moving corner (null: just the active cell, or its whole rows or columns). */
  const [focusCell, setFocusCell] = useState<CellRef | null>(null);
  const [mode, setMode] = useState<SelectionMode>('cells');
  /** The row a fill-handle drag has reached. */
  const [fillTo, setFillTo] = useState<number | null>(null);
  const drag = useRef<'select' | 'fill' | null>(null);

  const posOf = (cell: CellRef | null): GridPos | null => {
    if (!cell) return null;
    const p = { row: rowIndex.get(cell.recordId) ?? -1, col: fields.findIndex((f) => f.id === cell.fieldId) };
    return p.row >= 0 && p.col >= 0 ? p : null;
  };
  const activePos = posOf(active);
  const focusPos = posOf(focusCell);
  const range: CellRange | null = activePos ? selectionRange(activePos, focusPos, mode, rows.length, fields.length) : null;
  /** Whether more than the active cell is selected. */
  const multi = range !== null && (mode !== 'cells' || !isSingleCell(range));
  const refAt = (row: number, col: number): CellRef | null => {
    const record = rows[row];
    const field = fields[col];
    return record && field ? { recordId: record.id, fieldId: field.id } : null;
  };

  /** Selects from `start` to `corner` (either may be null: the active cell alone, or nothing). */
  const select = (start: CellRef | null, corner: CellRef | null = null, as: SelectionMode = 'cells') => {
    setActive(start);
    setFocusCell(corner);
    setMode(as);
  };
  /** Selects the cells between two positions. */
  const selectBetween = (from: GridPos, to: GridPos) => {
    const start = refAt(from.row, from.col);
    const corner = refAt(to.row, to.col);
    if (start && corner) select(start, corner);
  };

  // A drag ends wherever the mouse is released; a fill writes when it does.
  const onMouseUp = useRef<() => void>(() => {});
  onMouseUp.current = () => {
    const was = drag.current;
    drag.current = null;
    if (was !== 'fill') return;
    const to = fillTo;
    setFillTo(null);
    if (!range || to === null || to <= range.bottom) return;
    onFill(range, to);
    selectBetween({ row: range.top, col: range.left }, { row: to, col: range.right });
  };
  useEffect(() => {
    const up = () => onMouseUp.current();
    window.addEventListener('mouseup', up);
    return () => window.removeEventListener('mouseup', up);
  }, []);

  const grabFocus = (event: MouseEvent) => {
    event.preventDefault();
    gridRef.current?.focus({ preventScroll: true });
  };

  return {
    active,
    activePos,
    focusPos,
    mode,
    range,
    multi,
    fillTo,
    refAt,
    select,
    selectBetween,
    /** Moves the selection's moving corner, keeping the active cell. */
    extendTo: (row: number, col: number) => setFocusCell(refAt(row, col)),
    /** Back to the active cell alone. */
    collapse: () => select(active),
    selectAll: () => setMode('all'),

    /** Mouse drags over cells (listened to on the grid) move the selection's corner or the fill target. */
    onMouseOver: (event: MouseEvent) => {
      if (!drag.current) return;
      const el = (event.target as HTMLElement).closest<HTMLElement>('[role=gridcell]');
      const m = el ? /^cell-(\d+)-(\d+)$/.exec(el.id) : null;
      if (!m) return;
      const row = Number(m[1]);
      const col = Number(m[2]);
      if (drag.current === 'select') {
        const cell = refAt(row, col);
        if (cell) setFocusCell(cell);
      } else if (range) setFillTo(Math.max(range.bottom, row));
    },
    onCellMouseDown: (event: MouseEvent, row: number, col: number) => {
      if (event.button !== 0 || isEditing()) return;
      const cell = refAt(row, col);
      if (!cell) return;
      grabFocus(event);
      if (event.shiftKey && activePos) {
        setFocusCell(cell);
        return;
      }
      select(cell);
      drag.current = 'select';
    },
    onRowHeadMouseDown: (event: MouseEvent, row: number) => {
      if (event.button !== 0 || (event.target as HTMLElement).closest('button') || fields.length === 0) return;
      grabFocus(event);
      if (event.shiftKey && activePos && mode === 'rows') setFocusCell(refAt(row, activePos.col));
      else select(refAt(row, activePos?.col ?? 0), null, 'rows');
    },
    onColHeadMouseDown: (event: MouseEvent, col: number) => {
      if (event.button !== 0 || rows.length === 0) return;
      // The header's own controls (the field menu) keep their clicks.
      if ((event.target as HTMLElement).closest('button, input, select, textarea, a, form, [role=dialog]')) return;
      grabFocus(event);
      if (event.shiftKey && activePos && mode === 'columns') setFocusCell(refAt(activePos.row, col));
      else select(refAt(activePos?.row ?? 0, col), null, 'columns');
    },
    onFillHandleMouseDown: (event: MouseEvent) => {
      if (event.button !== 0 || !range) return;
      event.stopPropagation();
      grabFocus(event);
      drag.current = 'fill';
      setFillTo(range.bottom);
    },
  };
}
