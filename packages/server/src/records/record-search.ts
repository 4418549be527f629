import type { Queryable } from '../db/database.ts';
import { SqlParams } from '../db/sql-params.ts';
import { errors } from '../errors/app-error.ts';
import { choicesOf } from '../tables/field-options.ts';
import type { Field } from '../tables/table-model.ts';

/** Longest search text taken. */
export const MAX_SEARCH_CHARS = 200;
/** Most matching records one search answers with; `truncated` says when there were more. */
export const MAX_SEARCH_MATCHES = 10_000;

/** Field types whose cells a search reads: their text, number, date, choice names or user names. */
const SEARCHABLE: ReadonlySet<Field['type']> = new Set(['text', 'long_text', 'rich_text', 'number', 'date', 'single_select', 'multi_select', 'user']);

/** A record with the fields in which the text was found. */
export interface SearchMatch {
  readonly record_id: string;
  field_ids: string[];
}

/** The answer to a search: matches in creation order, how many there were, and whether the list stops early. */
export interface SearchResult {
  matches: SearchMatch[];
  readonly total: number;
  readonly truncated: boolean;
}

/** Whether a field's cells can be searched. */
export function isSearchable(field: Field): boolean {
  return SEARCHABLE.has(field.type);
}

/** SQL true when `needle` (a parameter, lower-cased) is in the cell of `field` as people read it; null when it cannot be. */
function matchSql(params: SqlParams, field: Field, needle: string, q: string): string | null {
  if (field.type === 'single_select' || field.type === 'multi_select') {
    // Choices are stored by id: the ids of the choices whose name has the text.
    const ids = choicesOf(field.options)
      .filter((c) => c.name.toLowerCase().includes(q))
      .map((c) => c.id);
    // Nothing is added to the parameters then: an unused one has no type PostgreSQL can infer.
    if (ids.length === 0) return null;
    const key = params.add(field.id);
    return field.type === 'single_select'
      ? `(r."values" ->> ${key}::text) = ANY(${params.add(ids)}::text[])`
      : `jsonb_typeof(r."values" -> ${key}::text) = 'array' AND (r."values" -> ${key}::text) ?| ${params.add(ids)}::text[]`;
  }
  const text = `(r."values" ->> ${params.add(field.id)}::text)`;
  if (field.type === 'user') return `EXISTS (SELECT 1 FROM users u WHERE u.id::text = ${text} AND position(${needle} in lower(u.name)) > 0)`;
  return `position(${needle} in lower(${text})) > 0`;
}

/**
 * Finds records of a table whose cells in `fields` contain `q` (case-insensitive, as plain text:
 * no wildcards), with the fields each was found in. Choice and user cells match by the names
 * people see. Fields of other types (checkbox, link, attachment) are not searched.
 */
export async function searchRecords(db: Queryable, tableId: string, fields: readonly Field[], q: string, limit = MAX_SEARCH_MATCHES): Promise<SearchResult> {
  const text = q.trim().toLowerCase();
  if (text === '') throw errors.invalid('Say what to search for.', { field: 'q' });
  const searched = fields.filter(isSearchable);
  if (searched.length === 0) return { matches: [], total: 0, truncated: false };
  const params = new SqlParams();
  const needle = params.add(text);
  const hits = searched.flatMap((f) => {
    const sql = matchSql(params, f, needle, text);
    return sql === null ? [] : [`CASE WHEN ${sql} THEN ${params.add(f.id)}::text END`];
  });
  if (hits.length === 0) return { matches: [], total: 0, truncated: false };
  const rows = await db.query<{ id: string; field_ids: string[]; total: string }>(
    `SELECT id, field_ids, count(*) OVER ()::text AS total FROM (
       SELECT r.id, r.ordinal, array_remove(ARRAY[${hits.join(', ')}], NULL) AS field_ids
       FROM records r WHERE r.table_id = ${params.add(tableId)}
     ) m WHERE cardinality(field_ids) > 0 ORDER BY ordinal LIMIT ${params.add(limit)}`,
    params.values,
  );
  const total = Number(rows[0]?.total ?? 0);
  return { matches: rows.map((r) => ({ record_id: r.id, field_ids: r.field_ids })), total, truncated: total > rows.length };
}
