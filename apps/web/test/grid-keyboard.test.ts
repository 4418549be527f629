import { describe, expect, it } from 'vitest';
import { type GridKeyContext, gridKeyAction } from '../src/grid/grid-keyboard.ts';

const at = (row: number, col: number, over: Partial<GridKeyContext> = {}): GridKeyContext => ({
  pos: { row, col },
  rowCount: 100,
  colCount: 4,
  pageRows: 10,
  fieldType: 'text',
  canOpen: true,
  ...over,
});

describe('grid keyboard model', () => {
  it('moves the active cell with the arrows and stops at the grid’s edges', () => {
    expect(gridKeyAction({ key: 'ArrowDown' }, at(3, 1))).toEqual({ kind: 'move', row: 4, col: 1 });
    expect(gridKeyAction({ key: 'ArrowRight' }, at(3, 1))).toEqual({ kind: 'move', row: 3, col: 2 });
    expect(gridKeyAction({ key: 'ArrowUp' }, at(0, 1))).toEqual({ kind: 'move', row: 0, col: 1 });
    expect(gridKeyAction({ key: 'ArrowLeft' }, at(3, 0))).toEqual({ kind: 'move', row: 3, col: 0 });
    expect(gridKeyAction({ key: 'ArrowDown' }, at(99, 3))).toEqual({ kind: 'move', row: 99, col: 3 });
  });

  it('pages by the visible rows and jumps to row ends with Home / End, to the table ends with Ctrl or Cmd', () => {
    expect(gridKeyAction({ key: 'PageDown' }, at(5, 2))).toEqual({ kind: 'move', row: 15, col: 2 });
    expect(gridKeyAction({ key: 'PageUp' }, at(5, 2))).toEqual({ kind: 'move', row: 0, col: 2 });
    expect(gridKeyAction({ key: 'Home' }, at(5, 2))).toEqual({ kind: 'move', row: 5, col: 0 });
    expect(gridKeyAction({ key: 'End' }, at(5, 0))).toEqual({ kind: 'move', row: 5, col: 3 });
    expect(gridKeyAction({ key: 'Home', ctrlKey: true }, at(5, 2))).toEqual({ kind: 'move', row: 0, col: 0 });
    expect(gridKeyAction({ key: 'End', metaKey: true }, at(5, 0))).toEqual({ kind: 'move', row: 99, col: 3 });
  });

  it('moves along the row with Tab and lets focus leave the grid at its first and last column', () => {
    expect(gridKeyAction({ key: 'Tab' }, at(2, 1))).toEqual({ kind: 'move', row: 2, col: 2 });
    expect(gridKeyAction({ key: 'Tab', shiftKey: true }, at(2, 1))).toEqual({ kind: 'move', row: 2, col: 0 });
    expect(gridKeyAction({ key: 'Tab' }, at(2, 3))).toEqual({ kind: 'none' });
    expect(gridKeyAction({ key: 'Tab', shiftKey: true }, at(2, 0))).toEqual({ kind: 'none' });
  });

  it('activates the first cell from an entry key when none is active, and ignores other keys', () => {
    const none = at(0, 0, { pos: null });
    for (const key of ['ArrowDown', 'ArrowRight', 'Enter', 'Home']) expect(gridKeyAction({ key }, none)).toEqual({ kind: 'move', row: 0, col: 0 });
    expect(gridKeyAction({ key: 'ArrowUp' }, none)).toEqual({ kind: 'none' });
    expect(gridKeyAction({ key: 'a' }, none)).toEqual({ kind: 'none' });
    expect(gridKeyAction({ key: 'ArrowDown' }, { ...none, rowCount: 0 })).toEqual({ kind: 'none' });
  });

  it('edits with Enter or F2, opens the record with Shift+Enter only when it can be opened', () => {
    expect(gridKeyAction({ key: 'Enter' }, at(1, 1))).toEqual({ kind: 'edit' });
    expect(gridKeyAction({ key: 'F2' }, at(1, 1))).toEqual({ kind: 'edit' });
    expect(gridKeyAction({ key: 'Enter', shiftKey: true }, at(1, 1))).toEqual({ kind: 'open' });
    expect(gridKeyAction({ key: 'Enter', shiftKey: true }, at(1, 1, { canOpen: false }))).toEqual({ kind: 'edit' });
  });

  it('typing replaces text and numbers with the typed character but opens other editors with their value', () => {
    expect(gridKeyAction({ key: 'x' }, at(1, 1))).toEqual({ kind: 'edit', initialText: 'x' });
    expect(gridKeyAction({ key: '7' }, at(1, 1, { fieldType: 'number' }))).toEqual({ kind: 'edit', initialText: '7' });
    expect(gridKeyAction({ key: 'x' }, at(1, 1, { fieldType: 'single_select' }))).toEqual({ kind: 'edit' });
    // Shortcuts and named keys are not typing.
    expect(gridKeyAction({ key: 'c', ctrlKey: true }, at(1, 1))).toEqual({ kind: 'none' });
    expect(gridKeyAction({ key: 'x', altKey: true }, at(1, 1))).toEqual({ kind: 'none' });
    expect(gridKeyAction({ key: 'Shift' }, at(1, 1))).toEqual({ kind: 'none' });
  });

  it('Space toggles only a checkbox; Delete and Backspace clear; Escape deselects', () => {
    expect(gridKeyAction({ key: ' ' }, at(1, 1, { fieldType: 'checkbox' }))).toEqual({ kind: 'edit' });
    expect(gridKeyAction({ key: ' ' }, at(1, 1, { fieldType: 'date' }))).toEqual({ kind: 'none' });
    expect(gridKeyAction({ key: 'Delete' }, at(1, 1))).toEqual({ kind: 'clear' });
    expect(gridKeyAction({ key: 'Backspace' }, at(1, 1))).toEqual({ kind: 'clear' });
    expect(gridKeyAction({ key: 'Escape' }, at(1, 1))).toEqual({ kind: 'deselect' });
  });

  it('extends the selection with Shift and the navigation keys, from its moving corner, to the edge with Ctrl', () => {
    expect(gridKeyAction({ key: 'ArrowDown', shiftKey: true }, at(3, 1))).toEqual({ kind: 'extend', row: 4, col: 1 });
    expect(gridKeyAction({ key: 'ArrowRight', shiftKey: true }, at(3, 1, { focus: { row: 6, col: 2 } }))).toEqual({ kind: 'extend', row: 6, col: 3 });
    expect(gridKeyAction({ key: 'ArrowDown', shiftKey: true, ctrlKey: true }, at(3, 1))).toEqual({ kind: 'extend', row: 99, col: 1 });
    expect(gridKeyAction({ key: 'PageDown', shiftKey: true }, at(3, 1))).toEqual({ kind: 'extend', row: 13, col: 1 });
    expect(gridKeyAction({ key: 'End', shiftKey: true }, at(3, 1))).toEqual({ kind: 'extend', row: 3, col: 3 });
    // Shift+Tab, Shift+Enter and capitals keep their own meaning.
    expect(gridKeyAction({ key: 'Tab', shiftKey: true }, at(3, 1))).toEqual({ kind: 'move', row: 3, col: 0 });
    expect(gridKeyAction({ key: 'Enter', shiftKey: true }, at(3, 1))).toEqual({ kind: 'open' });
    expect(gridKeyAction({ key: 'X', shiftKey: true }, at(3, 1))).toEqual({ kind: 'edit', initialText: 'X' });
  });

  it('undoes with Ctrl or Cmd+Z, redoes with Shift+Z or Y, selects all with A, and Escape first shrinks a range', () => {
    expect(gridKeyAction({ key: 'z', ctrlKey: true }, at(1, 1))).toEqual({ kind: 'undo' });
    expect(gridKeyAction({ key: 'Z', metaKey: true, shiftKey: true }, at(1, 1))).toEqual({ kind: 'redo' });
    expect(gridKeyAction({ key: 'y', ctrlKey: true }, at(1, 1, { pos: null }))).toEqual({ kind: 'redo' });
    expect(gridKeyAction({ key: 'a', metaKey: true }, at(1, 1))).toEqual({ kind: 'select-all' });
    expect(gridKeyAction({ key: 'Escape' }, at(1, 1, { focus: { row: 4, col: 2 } }))).toEqual({ kind: 'collapse' });
  });
});
