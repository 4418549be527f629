import type { ViewFilter, ViewSort } from '@tandem/protocol';
import type { Field, TableRecord } from '../api/types.ts';
import { type DisplayContext, displayText, isEmptyValue } from './field-values.ts';

/** Filters, sorts and hidden fields the grid applies (a saved view or unsaved changes to one). */
export interface ViewConfig {
  readonly filters: readonly ViewFilter[];
  readonly sorts: readonly ViewSort[];
  readonly hidden_fields: readonly string[];
}

/** A view that shows everything in creation order. */
export const EMPTY_VIEW: ViewConfig = { filters: [], sorts: [], hidden_fields: [] };

/** Who is looking: `"me"` in user filters means this user. */
export interface ViewerContext extends DisplayContext {
  readonly userId: string;
}

function comparable(field: Field, value: unknown, ctx: DisplayContext): string | number | boolean {
  if (field.type === 'number' && typeof value === 'number') return value;
  if (field.type === 'checkbox') return value === true;
  if (field.type === 'date' && typeof value === 'string') return value;
  return displayText(field, value, ctx).toLowerCase();
}

/** Whether `record` satisfies one filter, with the same meaning as the server's record query. */
export function matchesFilter(record: TableRecord, field: Field, filter: ViewFilter, ctx: ViewerContext): boolean {
  const value = record.values[field.id];
  const want = field.type === 'user' && filter.value === 'me' ? ctx.userId : filter.value;
  switch (filter.op) {
    case 'empty':
      return isEmptyValue(value) || (field.type === 'checkbox' && value !== true);
    case 'not_empty':
      return !isEmptyValue(value) && !(field.type === 'checkbox' && value !== true);
    case 'eq':
    case 'neq': {
      let equal: boolean;
      if (field.type === 'checkbox') equal = (value === true) === (want === true);
      else if (field.type === 'text' || field.type === 'long_text' || field.type === 'rich_text')
        equal = String(value ?? '').toLowerCase() === String(want ?? '').toLowerCase();
      else if (field.type === 'date' && typeof value === 'string' && typeof want === 'string') equal = value.slice(0, 10) === want.slice(0, 10);
      else equal = value === want;
      // As on the server (IS DISTINCT FROM): an empty cell is unequal to any value, so
      // "Status is not Done" keeps records without a status.
      return filter.op === 'neq' ? !equal : equal;
    }
    case 'contains':
    case 'not_contains': {
      let has: boolean;
      if (Array.isArray(value)) has = value.includes(want);
      else
        has = String(value ?? '')
          .toLowerCase()
          .includes(String(want ?? '').toLowerCase());
      return filter.op === 'contains' ? has : !has;
    }
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      if (isEmptyValue(value) || want === undefined || want === null) return false;
      const a = field.type === 'number' ? Number(value) : String(value);
      const b = field.type === 'number' ? Number(want) : String(want);
      if (filter.op === 'gt') return a > b;
      if (filter.op === 'gte') return a >= b;
      if (filter.op === 'lt') return a < b;
      return a <= b;
    }
    default:
      return true;
  }
}

/**
 * The records a view shows, in its order: all filters must hold; sorts apply in order with empty
 * values last; ties keep the incoming (creation) order.
 */
export function applyView(records: readonly TableRecord[], fields: readonly Field[], view: ViewConfig, ctx: ViewerContext): TableRecord[] {
  const byId = new Map(fields.map((f) => [f.id, f]));
  const filters = view.filters.flatMap((f) => {
    const field = byId.get(f.field_id);
    return field ? [{ field, filter: f }] : [];
  });
  const sorts = view.sorts.flatMap((s) => {
    const field = byId.get(s.field_id);
    return field ? [{ field, dir: s.direction === 'desc' ? -1 : 1 }] : [];
  });
  const shown = filters.length === 0 ? [...records] : records.filter((r) => filters.every(({ field, filter }) => matchesFilter(r, field, filter, ctx)));
  if (sorts.length === 0) return shown;
  const keyed = shown.map((record, index) => ({
    record,
    index,
    keys: sorts.map(({ field }) => {
      const v = record.values[field.id];
      return isEmptyValue(v) ? null : comparable(field, v, ctx);
    }),
  }));
  keyed.sort((a, b) => {
    for (let i = 0; i < sorts.length; i++) {
      const x = a.keys[i] ?? null;
      const y = b.keys[i] ?? null;
      if (x === y) continue;
      if (x === null) return 1;
      if (y === null) return -1;
      const dir = sorts[i]?.dir ?? 1;
      return (x < y ? -1 : 1) * dir;
    }
    return a.index - b.index;
  });
  return keyed.map((k) => k.record);
}
