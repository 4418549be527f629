import type { FieldInfo, FieldType, TableInfo, ViewFilter, ViewInfo, ViewSort } from '@tandem/protocol';
import type { Queryable } from '../db/database.ts';
import type { FieldOptions } from './field-options.ts';

/** A field as the services use it. */
export interface Field {
  readonly id: string;
  readonly table_id: string;
  readonly name: string;
  readonly description: string;
  readonly type: FieldType;
  readonly options: FieldOptions;
  readonly position: number;
  readonly created_at: Date;
}

/** A stored table row. */
export interface TableRow {
  readonly id: string;
  readonly workspace_id: string;
  readonly name: string;
  readonly description: string;
  readonly position: number;
  readonly created_by: string | null;
  readonly created_at: Date;
  readonly updated_at: Date;
}

/** A stored view row. */
export interface ViewRow {
  readonly id: string;
  readonly table_id: string;
  readonly name: string;
  readonly filters: ViewFilter[];
  readonly sorts: ViewSort[];
  readonly hidden_fields: string[];
  readonly position: number;
  readonly created_by: string | null;
  readonly created_at: Date;
  readonly updated_at: Date;
}

/** Columns of a field row, in the order {@link Field} lists them. */
export const FIELD_COLUMNS = 'id, table_id, name, description, type, options, position, created_at';
/** Columns of a view row, in the order {@link ViewRow} lists them. */
export const VIEW_COLUMNS = 'id, table_id, name, filters, sorts, hidden_fields, position, created_by, created_at, updated_at';
/** Columns of a table row. */
export const TABLE_COLUMNS = 'id, workspace_id, name, description, position, created_by, created_at, updated_at';

/**
 * Locks a table against schema changes (as {@link lockTable} with `records`) and reads its fields
 * in display order, in one round trip; null when the table does not exist.
 */
export async function lockTableFields(db: Queryable, tableId: string): Promise<Field[] | null> {
  const rows = await db.query<{ [K in keyof Field]: Field[K] | null }>(
    `WITH t AS (SELECT id FROM tables WHERE id = $1 FOR KEY SHARE)
     SELECT ${FIELD_COLUMNS.split(', ')
       .map((c) => `f.${c}`)
       .join(', ')} FROM t LEFT JOIN fields f ON f.table_id = t.id ORDER BY f.position, f.created_at, f.id`,
    [tableId],
  );
  if (rows.length === 0) return null;
  return rows.filter((row): row is Field => row.id !== null);
}

/** The fields of a table in display order. */
export function loadFields(db: Queryable, tableId: string): Promise<Field[]> {
  return db.query<Field>(`SELECT ${FIELD_COLUMNS} FROM fields WHERE table_id = $1 ORDER BY position, created_at, id`, [tableId]);
}

/** One field, or undefined. */
export async function loadField(db: Queryable, fieldId: string): Promise<Field | undefined> {
  const [row] = await db.query<Field>(`SELECT ${FIELD_COLUMNS} FROM fields WHERE id = $1`, [fieldId]);
  return row;
}

/** The views of a table in display order. */
export function loadViews(db: Queryable, tableId: string): Promise<ViewRow[]> {
  return db.query<ViewRow>(`SELECT ${VIEW_COLUMNS} FROM views WHERE table_id = $1 ORDER BY position, created_at, id`, [tableId]);
}

/** The wire shape of a table. */
export function tableJson(row: TableRow): TableInfo {
  return { ...row, created_at: row.created_at.toISOString(), updated_at: row.updated_at.toISOString() };
}

/** The wire shape of a field. */
export function fieldJson(field: Field): FieldInfo {
  return { ...field, created_at: field.created_at.toISOString() };
}

/** The wire shape of a view. */
export function viewJson(row: ViewRow): ViewInfo {
  return { ...row, created_at: row.created_at.toISOString(), updated_at: row.updated_at.toISOString() };
}

/**
 * Locks a table row against schema changes and returns it (undefined when gone). Schema changes
 * (fields added, changed, removed; the table deleted) take `FOR UPDATE`; record writes take
 * `FOR KEY SHARE`, which many writers hold at once but which waits for a schema change, so a
 * record is never validated against a field that is being removed or retyped.
 */
export async function lockTable(db: Queryable, tableId: string, mode: 'schema' | 'records'): Promise<TableRow | undefined> {
  const [row] = await db.query<TableRow>(`SELECT ${TABLE_COLUMNS} FROM tables WHERE id = $1 ${mode === 'schema' ? 'FOR UPDATE' : 'FOR KEY SHARE'}`, [tableId]);
  return row;
}
