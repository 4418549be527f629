import type { Comparison, RecordCondition } from '@tandem/protocol';

/**
 * Compares two values the way a person reading the grid would: numbers (and numeric text) by
 * value, everything else as text; `eq`/`neq` treat empty and null alike. An empty value is never
 * less or greater than anything, so a blank Quantity does not raise a low-stock alert.
 */
export function compare(left: unknown, comparison: Comparison, right: unknown): boolean {
  const a = normalise(left);
  const b = normalise(right);
  if (comparison === 'eq') return a === b;
  if (comparison === 'neq') return a !== b;
  if (a === null || b === null) return false;
  const order = typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b));
  if (comparison === 'gt') return order > 0;
  if (comparison === 'gte') return order >= 0;
  if (comparison === 'lt') return order < 0;
  return order <= 0;
}

function normalise(v: unknown): string | number | boolean | null {
  if (v === undefined || v === null || v === '') return null;
  if (typeof v === 'number' || typeof v === 'boolean') return v;
  if (typeof v === 'string') {
    const n = Number(v);
    return v.trim() !== '' && Number.isFinite(n) ? n : v;
  }
  return JSON.stringify(v);
}

/** Whether a record's values (by field id) meet the rule's conditions, all of them or any. */
export function recordMatches(values: Readonly<Record<string, unknown>>, match: 'all' | 'any', conditions: readonly RecordCondition[]): boolean {
  const test = (c: RecordCondition) => compare(values[c.field_id], c.comparison, c.other_field_id ? values[c.other_field_id] : c.value);
  return match === 'all' ? conditions.every(test) : conditions.some(test);
}
