import type { Field } from '../api/types.ts';
import { extendedFocus } from './grid-selection.ts';

/** The position of the active cell by row and column index. */
export interface GridPos {
  readonly row: number;
  readonly col: number;
}

/** The parts of a key press the grid reacts to. */
export interface GridKey {
  readonly key: string;
  readonly shiftKey?: boolean;
  readonly ctrlKey?: boolean;
  readonly metaKey?: boolean;
  readonly altKey?: boolean;
}

/** What the grid looks like when a key is pressed. */
export interface GridKeyContext {
  /** The active cell, or null when none is (or it left the view). */
  readonly pos: GridPos | null;
  readonly rowCount: number;
  readonly colCount: number;
  /** Rows one PageUp / PageDown moves by. */
  readonly pageRows: number;
  /** The type of the active cell's field. */
  readonly fieldType: Field['type'] | undefined;
  /** Whether the record can be opened in its drawer (Shift+Enter). */
  readonly canOpen: boolean;
  /** The selection's moving corner when more than the active cell is selected (Shift+arrows move it). */
  readonly focus?: GridPos | null;
}

/** What a key press asks the grid to do. */
export type GridKeyAction =
  | { readonly kind: 'move'; readonly row: number; readonly col: number }
  /** Move the selection's moving corner (Shift+arrows, Shift+Home / End / PageUp / PageDown); the active cell stays. */
  | { readonly kind: 'extend'; readonly row: number; readonly col: number }
  | { readonly kind: 'select-all' }
  | { readonly kind: 'undo' }
  | { readonly kind: 'redo' }
  /** Back to the active cell alone (Escape with a range selected). */
  | { readonly kind: 'collapse' }
  /** Start editing the active cell; `initialText` replaces its value (typing over a cell). */
  | { readonly kind: 'edit'; readonly initialText?: string }
  | { readonly kind: 'open' }
  | { readonly kind: 'clear' }
  | { readonly kind: 'deselect' }
  /** Not the grid's key: the browser's default applies (e.g. Tab leaving the grid at its edge). */
  | { readonly kind: 'none' };

/** Field types whose editor starts with the typed character instead of the old value. */
const TYPE_TO_REPLACE: ReadonlySet<Field['type']> = new Set(['text', 'long_text', 'number']);

/** Keys that activate the first cell when no cell is active. */
const ENTRY_KEYS: ReadonlySet<string> = new Set(['ArrowDown', 'ArrowRight', 'Enter', 'Home']);

const NONE: GridKeyAction = { kind: 'none' };

/**
 * The grid's keyboard model: arrows, Tab / Shift+Tab, Home / End (Ctrl or Cmd for the first or
 * last row), PageUp / PageDown, Enter or F2 to edit (Shift+Enter opens the record), typing to
 * replace, Space on a checkbox, Delete / Backspace to clear the selection, Escape to shrink the
 * selection to the active cell, then to deselect. With Shift the navigation keys extend the
 * selection instead (Ctrl or Cmd with an arrow: to the grid's edge); Ctrl or Cmd with A selects
 * every cell, with Z undoes, with Shift+Z or Y redoes. Moves are clamped to the grid.
 */
export function gridKeyAction(event: GridKey, ctx: GridKeyContext): GridKeyAction {
  const { pos, rowCount, colCount } = ctx;
  const withModifier = event.ctrlKey === true || event.metaKey === true;
  if (withModifier && !event.altKey) {
    const key = event.key.toLowerCase();
    if (key === 'z') return { kind: event.shiftKey ? 'redo' : 'undo' };
    if (key === 'y') return { kind: 'redo' };
    if (key === 'a' && pos) return { kind: 'select-all' };
  }
  if (!pos) return rowCount > 0 && colCount > 0 && ENTRY_KEYS.has(event.key) ? { kind: 'move', row: 0, col: 0 } : NONE;
  const { row, col } = pos;
  if (event.shiftKey) {
    const to = extendedFocus(event.key, ctx.focus ?? pos, rowCount, colCount, ctx.pageRows, withModifier);
    if (to) return { kind: 'extend', row: to.row, col: to.col };
  }
  const move = (r: number, c: number): GridKeyAction => ({
    kind: 'move',
    row: Math.max(0, Math.min(rowCount - 1, r)),
    col: Math.max(0, Math.min(colCount - 1, c)),
  });
  switch (event.key) {
    case 'ArrowUp':
      return move(row - 1, col);
    case 'ArrowDown':
      return move(row + 1, col);
    case 'ArrowLeft':
      return move(row, col - 1);
    case 'ArrowRight':
      return move(row, col + 1);
    case 'PageUp':
      return move(row - ctx.pageRows, col);
    case 'PageDown':
      return move(row + ctx.pageRows, col);
    case 'Home':
      return move(withModifier ? 0 : row, 0);
    case 'End':
      return move(withModifier ? rowCount - 1 : row, colCount - 1);
    case 'Tab':
      // Focus leaves the grid at its edges so keyboard users are never trapped.
      if (event.shiftKey ? col === 0 : col === colCount - 1) return NONE;
      return move(row, col + (event.shiftKey ? -1 : 1));
    case 'Enter':
      return event.shiftKey && ctx.canOpen ? { kind: 'open' } : { kind: 'edit' };
    case 'F2':
      return { kind: 'edit' };
    case ' ':
      return ctx.fieldType === 'checkbox' ? { kind: 'edit' } : NONE;
    case 'Delete':
    case 'Backspace':
      return { kind: 'clear' };
    case 'Escape':
      return ctx.focus ? { kind: 'collapse' } : { kind: 'deselect' };
    default:
      if (event.key.length !== 1 || withModifier || event.altKey || !ctx.fieldType) return NONE;
      return TYPE_TO_REPLACE.has(ctx.fieldType) ? { kind: 'edit', initialText: event.key } : { kind: 'edit' };
  }
}
