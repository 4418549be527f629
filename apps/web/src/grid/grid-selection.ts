import type { GridPos } from './grid-keyboard.ts';

/** A rectangle of cells by row and column index, both ends included. */
export interface CellRange {
  readonly top: number;
  readonly left: number;
  readonly bottom: number;
  readonly right: number;
}

/** What a selection spans: the cells between its corners, whole rows, whole columns, or every cell. */
export type SelectionMode = 'cells' | 'rows' | 'columns' | 'all';

/**
 * The selected range: from the anchor (the active cell, where the selection started) to the
 * focus (the corner Shift+arrows and mouse drags move); whole rows or columns widen it to the
 * grid's edges.
 */
export function selectionRange(anchor: GridPos, focus: GridPos | null, mode: SelectionMode, rowCount: number, colCount: number): CellRange {
  const end = focus ?? anchor;
  const range = {
    top: Math.min(anchor.row, end.row),
    bottom: Math.max(anchor.row, end.row),
    left: Math.min(anchor.col, end.col),
    right: Math.max(anchor.col, end.col),
  };
  if (mode === 'all') return { top: 0, left: 0, bottom: Math.max(0, rowCount - 1), right: Math.max(0, colCount - 1) };
  if (mode === 'rows') return { ...range, left: 0, right: Math.max(0, colCount - 1) };
  if (mode === 'columns') return { ...range, top: 0, bottom: Math.max(0, rowCount - 1) };
  return range;
}

/** Whether the cell at (row, col) is inside the range. */
export function inRange(range: CellRange, row: number, col: number): boolean {
  return row >= range.top && row <= range.bottom && col >= range.left && col <= range.right;
}

/** How many cells the range holds. */
export function rangeCellCount(range: CellRange): number {
  return (range.bottom - range.top + 1) * (range.right - range.left + 1);
}

/** Whether the range is a single cell. */
export function isSingleCell(range: CellRange): boolean {
  return range.top === range.bottom && range.left === range.right;
}

/** The keys that extend a selection with Shift held, and the focus each moves to (clamped to the grid). */
export function extendedFocus(key: string, focus: GridPos, rowCount: number, colCount: number, pageRows: number, withModifier: boolean): GridPos | null {
  const clamp = (row: number, col: number): GridPos => ({
    row: Math.max(0, Math.min(rowCount - 1, row)),
    col: Math.max(0, Math.min(colCount - 1, col)),
  });
  switch (key) {
    case 'ArrowUp':
      return clamp(withModifier ? 0 : focus.row - 1, focus.col);
    case 'ArrowDown':
      return clamp(withModifier ? rowCount - 1 : focus.row + 1, focus.col);
    case 'ArrowLeft':
      return clamp(focus.row, withModifier ? 0 : focus.col - 1);
    case 'ArrowRight':
      return clamp(focus.row, withModifier ? colCount - 1 : focus.col + 1);
    case 'PageUp':
      return clamp(focus.row - pageRows, focus.col);
    case 'PageDown':
      return clamp(focus.row + pageRows, focus.col);
    case 'Home':
      return clamp(withModifier ? 0 : focus.row, 0);
    case 'End':
      return clamp(withModifier ? rowCount - 1 : focus.row, colCount - 1);
    default:
      return null;
  }
}
