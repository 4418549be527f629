import type { Field, TableRecord } from '../api/types.ts';
import { type CellTextContext, parseCellText } from './cell-text.ts';
import type { CellRange } from './grid-selection.ts';

/** One cell to write: a record of the table, a field, and the value (null clears). */
export interface CellWrite {
  readonly recordId: string;
  readonly fieldId: string;
  readonly value: unknown;
}

/** A cell of a batch that will not be written, and why. */
export interface CellRefusal {
  /** The record, or for a row the batch creates, its index among `newRows`. */
  readonly target: { readonly recordId: string } | { readonly newRow: number };
  readonly fieldId: string;
  readonly message: string;
}

/** Many cells written as one user action (a paste, a fill, a clear): one batch request and one undo step. */
export interface CellBatch {
  /** What the user did, for the undo button's title ("Undo paste"). */
  readonly label: 'paste' | 'fill' | 'clear';
  /** Cells of existing records whose value changes. */
  readonly writes: readonly CellWrite[];
  /** Records to create after the last row (a paste that runs past the end), with their values. */
  readonly newRows: readonly Readonly<Record<string, unknown>>[];
  readonly refused: readonly CellRefusal[];
}

/** Why a cell the user can otherwise edit may not be written by a batch (another user's lock); null when it may. */
export type LockCheck = (recordId: string, fieldId: string) => string | null;

const NO_LOCKS: LockCheck = () => null;

/** Whether two stored values are the same (null, undefined and empty are one). */
export function sameCellValue(a: unknown, b: unknown): boolean {
  const empty = (v: unknown) => v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);
  if (empty(a) && empty(b)) return true;
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Why a field cannot take a value from a batch at all (it belongs to something else), or null. */
function unwritable(field: Field): string | null {
  if (field.type === 'rich_text') return `${field.name} is rich text: open the record to edit it.`;
  if (field.type === 'attachment') return `${field.name} takes files: attachments cannot be pasted.`;
  return null;
}

/**
 * How many rows and columns a pasted block of this size fills from the range's top-left cell:
 * its own size, or the range's when the range is a whole multiple of it (the block repeats).
 */
export function pasteSize(blockRows: number, blockCols: number, range: CellRange): { readonly height: number; readonly width: number } {
  const tiles = (size: number, span: number) => (span > size && span % size === 0 ? span : size);
  return { height: tiles(blockRows, range.bottom - range.top + 1), width: tiles(blockCols, range.right - range.left + 1) };
}

/**
 * What pasting a block of clipboard cells into the grid writes. The block starts at the range's
 * top-left cell; when the range is a whole multiple of the block's size (e.g. one value and a
 * column selected) the block repeats to fill it. Columns past the last field are dropped; rows
 * past the last record become new records when `canCreate`. Each cell is read by its field's type;
 * one that cannot be (or is locked) is refused and the others are still written. Cells whose value
 * would not change are left out.
 */
export function planPaste(
  block: readonly (readonly string[])[],
  range: CellRange,
  rows: readonly TableRecord[],
  fields: readonly Field[],
  ctx: CellTextContext,
  options: { readonly canCreate: boolean; readonly locked?: LockCheck },
): CellBatch {
  const blockRows = block.length;
  const blockCols = Math.max(0, ...block.map((r) => r.length));
  const writes: CellWrite[] = [];
  const newRows: Record<string, unknown>[] = [];
  const refused: CellRefusal[] = [];
  if (blockRows === 0 || blockCols === 0) return { label: 'paste', writes, newRows, refused };
  const { height, width: blockWidth } = pasteSize(blockRows, blockCols, range);
  const width = Math.min(blockWidth, fields.length - range.left);
  const locked = options.locked ?? NO_LOCKS;
  for (let i = 0; i < height; i++) {
    const rowIndex = range.top + i;
    const record = rows[rowIndex];
    if (!record && !options.canCreate) break;
    const created: Record<string, unknown> = {};
    const newRow = newRows.length;
    for (let j = 0; j < width; j++) {
      const field = fields[range.left + j];
      if (!field) continue;
      const text = block[i % blockRows]?.[j % blockCols] ?? '';
      const target = record ? { recordId: record.id } : { newRow };
      const parsed = parseCellText(field, text, ctx);
      if (!parsed.ok) {
        refused.push({ target, fieldId: field.id, message: parsed.message });
        continue;
      }
      if (record && sameCellValue(record.values[field.id], parsed.value)) continue;
      if (!record && parsed.value === null) continue;
      // A new record may start with rich text (its document's first content); only changes are refused.
      const reason = record ? (unwritable(field) ?? locked(record.id, field.id)) : null;
      if (reason) {
        refused.push({ target, fieldId: field.id, message: reason });
        continue;
      }
      if (record) writes.push({ recordId: record.id, fieldId: field.id, value: parsed.value });
      else created[field.id] = parsed.value;
    }
    if (!record) newRows.push(created);
  }
  return { label: 'paste', writes, newRows, refused };
}

/**
 * What dragging the fill handle from the range down to row `toRow` writes: the range's rows
 * repeated, in order, into the rows below it (one row selected copies its values down).
 */
export function planFill(range: CellRange, toRow: number, rows: readonly TableRecord[], fields: readonly Field[], locked: LockCheck = NO_LOCKS): CellBatch {
  const writes: CellWrite[] = [];
  const refused: CellRefusal[] = [];
  const height = range.bottom - range.top + 1;
  for (let r = range.bottom + 1; r <= Math.min(toRow, rows.length - 1); r++) {
    const record = rows[r];
    const source = rows[range.top + ((r - range.bottom - 1) % height)];
    if (!record || !source) continue;
    for (let c = range.left; c <= range.right; c++) {
      const field = fields[c];
      if (!field) continue;
      const value = source.values[field.id] ?? null;
      if (sameCellValue(record.values[field.id], value)) continue;
      const reason = unwritable(field) ?? locked(record.id, field.id);
      if (reason) refused.push({ target: { recordId: record.id }, fieldId: field.id, message: reason });
      else writes.push({ recordId: record.id, fieldId: field.id, value });
    }
  }
  return { label: 'fill', writes, newRows: [], refused };
}

/** What Delete or Backspace on a range writes: every cell of it that holds a value, cleared. */
export function planClear(range: CellRange, rows: readonly TableRecord[], fields: readonly Field[], locked: LockCheck = NO_LOCKS): CellBatch {
  const writes: CellWrite[] = [];
  const refused: CellRefusal[] = [];
  for (let r = range.top; r <= range.bottom; r++) {
    const record = rows[r];
    if (!record) continue;
    for (let c = range.left; c <= range.right; c++) {
      const field = fields[c];
      if (!field || sameCellValue(record.values[field.id], null)) continue;
      const reason = unwritable(field) ?? locked(record.id, field.id);
      if (reason) refused.push({ target: { recordId: record.id }, fieldId: field.id, message: reason });
      else writes.push({ recordId: record.id, fieldId: field.id, value: null });
    }
  }
  return { label: 'clear', writes, newRows: [], refused };
}
