import { createHash } from 'node:crypto';
import type { ViewFilter, ViewSort } from '@tandem/protocol';
import { hasUnresolvedCommentsSql } from '../comments/unresolved-filter.ts';
import type { Queryable } from '../db/database.ts';
import { type KeysetPage, keysetPage } from '../db/keyset-page.ts';
import { SqlParams } from '../db/sql-params.ts';
import { errors } from '../errors/app-error.ts';
import { choicesOf } from '../tables/field-options.ts';
import type { Field } from '../tables/table-model.ts';
import { CURRENT_USER } from '../tables/view-filters.ts';
import { RECORD_COLUMNS, type RecordRow } from './record-model.ts';

/** Records per page when `limit` is not given. */
export const DEFAULT_PAGE_SIZE = 100;
/** Largest page a client may ask for. */
export const MAX_PAGE_SIZE = 1000;

/** What to list: already validated filters and sorts (field ids), a page size and a cursor. */
export interface RecordQuery {
  readonly tableId: string;
  readonly fields: readonly Field[];
  readonly filters: readonly ViewFilter[];
  readonly sorts: readonly ViewSort[];
  readonly limit: number;
  readonly cursor: string | null;
  /** Who is asking: `"me"` in user filters means this user. */
  readonly userId: string;
  /** Only records with at least one unresolved comment thread. */
  readonly hasUnresolvedComments?: boolean;
}

/** One page of records and the cursor of the next page (null on the last page). */
export type RecordPage = KeysetPage<RecordRow>;

type SqlType = 'numeric' | 'text' | 'boolean' | 'int';
type CursorValue = string | number | boolean | null;

interface SortKey {
  readonly expr: string;
  readonly type: SqlType;
  readonly direction: 'asc' | 'desc';
}

interface Cursor {
  /** Signature of the sort order the cursor belongs to. */
  readonly s: string;
  /** Sort key values of the last row of the previous page. */
  readonly v: CursorValue[];
  /** Ordinal (creation order) of that row: the final tie-breaker. */
  readonly o: number;
}

/**
 * Lists records with filters, sorts and keyset pagination. Rows are ordered by the sort keys
 * (empty values last in both directions) and then by creation order, and the cursor holds the
 * last row's keys, so every record of an unchanged table is returned exactly once across pages.
 */
export async function queryRecords(db: Queryable, query: RecordQuery): Promise<RecordPage> {
  const params = new SqlParams();
  const byId = new Map(query.fields.map((f) => [f.id, f]));
  const where = [`r.table_id = ${params.add(query.tableId)}`];
  for (const filter of query.filters) {
    const field = byId.get(filter.field_id);
    if (field) where.push(filterSql(params, field, filter, query.userId));
  }
  if (query.hasUnresolvedComments) where.push(hasUnresolvedCommentsSql('r'));
  const keys: SortKey[] = [];
  for (const sort of query.sorts) {
    const field = byId.get(sort.field_id);
    if (field) keys.push({ ...sortExpr(params, field), direction: sort.direction });
  }
  const signature = createHash('sha256')
    .update(JSON.stringify(query.sorts.filter((s) => byId.has(s.field_id))))
    .digest('base64url')
    .slice(0, 10);
  if (query.cursor) where.push(afterCursor(params, keys, decodeCursor(query.cursor, signature, keys.length)));

  const order = [...keys.map((k) => `${k.expr} ${k.direction === 'asc' ? 'ASC' : 'DESC'} NULLS LAST`), 'r.ordinal ASC'].join(', ');
  const selectKeys = keys.map((k, i) => `, ${k.expr} AS sk${i}`).join('');
  const rows = await db.query<RecordRow & Record<string, unknown>>(
    `SELECT ${RECORD_COLUMNS.split(', ')
      .map((c) => `r.${c}`)
      .join(', ')}, r.ordinal${selectKeys}
     FROM records r WHERE ${where.join(' AND ')} ORDER BY ${order} LIMIT ${params.add(query.limit + 1)}`,
    params.values,
  );
  const page = keysetPage(rows, query.limit, (last) =>
    encodeCursor({ s: signature, v: keys.map((_, i) => (last[`sk${i}`] ?? null) as CursorValue), o: Number(last.ordinal) }),
  );
  return { rows: page.rows.map(stripQueryColumns), nextCursor: page.nextCursor };
}

function stripQueryColumns(row: RecordRow & Record<string, unknown>): RecordRow {
  const { id, table_id, values, field_versions, version, created_by, updated_by, created_at, updated_at } = row;
  return { id, table_id, values, field_versions, version, created_by, updated_by, created_at, updated_at };
}

function sortExpr(params: SqlParams, field: Field): { expr: string; type: SqlType } {
  const key = params.add(field.id);
  const text = `(r."values" ->> ${key}::text)`;
  switch (field.type) {
    case 'text':
    case 'long_text':
    case 'rich_text':
      return { expr: `lower(${text})`, type: 'text' };
    case 'number':
      return { expr: `${text}::numeric`, type: 'numeric' };
    case 'checkbox':
      return { expr: `${text}::boolean`, type: 'boolean' };
    case 'date':
      // Byte order, so date-only and date-time values interleave chronologically under any locale.
      return { expr: `(${text} COLLATE "C")`, type: 'text' };
    case 'single_select':
      // Choices sort in the order the field lists them, as people expect of a status column.
      return { expr: `array_position(${params.add(choicesOf(field.options).map((c) => c.id))}::text[], ${text})`, type: 'int' };
    case 'multi_select':
      return { expr: `array_position(${params.add(choicesOf(field.options).map((c) => c.id))}::text[], r."values" -> ${key}::text ->> 0)`, type: 'int' };
    case 'user':
      return { expr: `(SELECT lower(u.name) FROM users u WHERE u.id::text = ${text})`, type: 'text' };
    case 'link':
    case 'attachment':
      return { expr: `jsonb_array_length(r."values" -> ${key}::text)`, type: 'int' };
  }
}

function filterSql(params: SqlParams, field: Field, filter: ViewFilter, userId: string): string {
  const key = params.add(field.id);
  const json = `(r."values" -> ${key}::text)`;
  const text = `(r."values" ->> ${key}::text)`;
  if (filter.op === 'empty') return `NOT (r."values" ? ${key}::text)`;
  if (filter.op === 'not_empty') return `(r."values" ? ${key}::text)`;
  const raw = field.type === 'user' && filter.value === CURRENT_USER ? userId : filter.value;
  const value = typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'boolean' ? raw : String(raw);
  const cmp = { eq: '=', neq: 'IS DISTINCT FROM', gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;
  switch (field.type) {
    case 'text':
    case 'long_text':
    case 'rich_text': {
      const v = `lower(${params.add(String(value))}::text)`;
      if (filter.op === 'contains') return `strpos(lower(${text}), ${v}) > 0`;
      if (filter.op === 'not_contains') return `coalesce(strpos(lower(${text}), ${v}), 0) = 0`;
      return `lower(${text}) ${cmp[filter.op as 'eq' | 'neq']} ${v}`;
    }
    case 'number':
      return `${text}::numeric ${cmp[filter.op as keyof typeof cmp]} ${params.add(Number(value))}::numeric`;
    case 'checkbox': {
      const op = filter.op === 'eq' ? '=' : '<>';
      return `coalesce(${text}::boolean, false) ${op} ${params.add(Boolean(value))}::boolean`;
    }
    case 'date': {
      const v = String(value);
      // A date-only filter compares the day part, so "is 2025-03-01" matches any time that day.
      const left = v.length === 10 ? `left(${text}, 10)` : text;
      return `(${left} COLLATE "C") ${cmp[filter.op as keyof typeof cmp]} ${params.add(v)}::text`;
    }
    case 'single_select':
    case 'user':
      return `${text} ${cmp[filter.op as 'eq' | 'neq']} ${params.add(String(value))}::text`;
    case 'multi_select':
    case 'link': {
      const has = `coalesce(${json} @> ${params.add(JSON.stringify([value]))}::jsonb, false)`;
      return filter.op === 'contains' ? has : `NOT ${has}`;
    }
    case 'attachment':
      return 'TRUE';
  }
}

function afterCursor(params: SqlParams, keys: readonly SortKey[], cursor: Cursor): string {
  const terms: string[] = [];
  const equalSoFar: string[] = [];
  keys.forEach((key, i) => {
    const value = cursor.v[i] ?? null;
    if (value !== null) {
      const p = `${params.add(value)}::${key.type}`;
      terms.push(`(${[...equalSoFar, `(${key.expr} ${key.direction === 'asc' ? '>' : '<'} ${p} OR ${key.expr} IS NULL)`].join(' AND ')})`);
      equalSoFar.push(`${key.expr} = ${p}`);
    } else {
      // Empty values sort last, so nothing comes after an empty key except more empties.
      equalSoFar.push(`${key.expr} IS NULL`);
    }
  });
  terms.push(`(${[...equalSoFar, `r.ordinal > ${params.add(cursor.o)}`].join(' AND ')})`);
  return `(${terms.join(' OR ')})`;
}

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function decodeCursor(raw: string, signature: string, keyCount: number): Cursor {
  let cursor: Cursor;
  try {
    cursor = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Cursor;
  } catch {
    throw errors.invalid('The cursor is not valid.', { field: 'cursor' });
  }
  // The ordinal is a bigint column: a fraction or a number past 2^53 made PostgreSQL fail the query.
  if (!Number.isSafeInteger(cursor?.o) || !Array.isArray(cursor.v) || cursor.v.length !== keyCount)
    throw errors.invalid('The cursor is not valid.', { field: 'cursor' });
  if (cursor.s !== signature) throw errors.invalid('The cursor belongs to another sort order; start again without it.', { field: 'cursor' });
  return cursor;
}
