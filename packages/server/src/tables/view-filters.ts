import { OPERATORS_BY_TYPE, type ViewFilter, type ViewSort } from '@tandem/protocol';
import { errors } from '../errors/app-error.ts';
import { isCalendarDate, normaliseValue } from './field-values.ts';
import type { Field } from './table-model.ts';

/** The value a user filter takes to mean "whoever is asking". */
export const CURRENT_USER = 'me';

/** Finds a field by id, or else by name (case-insensitive); `invalid_input` when neither matches. */
export function resolveField(fields: readonly Field[], ref: string, where: string): Field {
  const field = fields.find((f) => f.id === ref) ?? fields.find((f) => f.name.toLowerCase() === ref.toLowerCase());
  if (!field) throw errors.invalid(`${where} names an unknown field "${ref}".`, { field_id: ref });
  return field;
}

/**
 * Validates filter conditions against the table's fields and returns them in stored form: field
 * ids instead of names, select choices as ids, dates normalised. User filters may use `"me"`.
 */
export function normaliseFilters(fields: readonly Field[], filters: readonly ViewFilter[]): ViewFilter[] {
  return filters.map((filter) => {
    const field = resolveField(fields, filter.field_id, 'A filter');
    const allowed = OPERATORS_BY_TYPE[field.type];
    if (!allowed.includes(filter.op)) {
      throw errors.invalid(`Field "${field.name}" (${field.type}) cannot be filtered with "${filter.op}"; use one of ${allowed.join(', ')}.`, {
        field_id: field.id,
      });
    }
    if (filter.op === 'empty' || filter.op === 'not_empty') return { field_id: field.id, op: filter.op };
    return { field_id: field.id, op: filter.op, value: filterValue(field, filter.value) };
  });
}

function filterValue(field: Field, value: unknown): string | number | boolean {
  const bad = (expectation: string): never => {
    throw errors.invalid(`A filter on field "${field.name}" needs ${expectation}.`, { field_id: field.id });
  };
  if (value === null || value === undefined) return bad('a value');
  switch (field.type) {
    case 'text':
    case 'long_text':
    case 'rich_text':
      return typeof value === 'string' ? value : bad('text');
    case 'date':
      if (typeof value === 'string' && isCalendarDate(value.trim())) return value.trim();
      return normaliseOrBad(field, value, bad, 'a date') as string;
    case 'multi_select':
      return (normaliseOrBad({ ...field, type: 'single_select' }, value, bad, 'one of its choices') as string) ?? bad('a choice');
    case 'user':
      return value === CURRENT_USER ? CURRENT_USER : (normaliseOrBad(field, value, bad, 'a user id or "me"') as string);
    case 'link':
      return (normaliseOrBad(field, [value], bad, 'a record id') as string[])[0] ?? bad('a record id');
    default:
      return normaliseOrBad(field, value, bad, `a ${field.type.replace('_', ' ')} value`) as string | number | boolean;
  }
}

function normaliseOrBad(field: Field, value: unknown, bad: (e: string) => never, expectation: string): unknown {
  try {
    const normalised = normaliseValue(field, value);
    return normalised === null ? bad(expectation) : normalised;
  } catch {
    return bad(expectation);
  }
}

/** Validates sort keys; fields may be named by id or name; returns them with ids. */
export function normaliseSorts(fields: readonly Field[], sorts: readonly ViewSort[]): ViewSort[] {
  const seen = new Set<string>();
  const out: ViewSort[] = [];
  for (const sort of sorts) {
    const field = resolveField(fields, sort.field_id, 'A sort');
    if (seen.has(field.id)) continue;
    seen.add(field.id);
    out.push({ field_id: field.id, direction: sort.direction });
  }
  return out;
}

/** Validates the hidden fields of a view; returns their ids. */
export function normaliseHidden(fields: readonly Field[], hidden: readonly string[]): string[] {
  return [...new Set(hidden.map((ref) => resolveField(fields, ref, 'hidden_fields').id))];
}
