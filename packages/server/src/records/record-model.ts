import type { RecordInfo } from '@tandem/protocol';
import type { Queryable } from '../db/database.ts';

/** A stored record row. */
export interface RecordRow {
  readonly id: string;
  readonly table_id: string;
  /** Values keyed by field id; cleared cells have no key. */
  readonly values: Record<string, unknown>;
  /** Field id → the record version at which that field last changed. */
  readonly field_versions: Record<string, number>;
  readonly version: number;
  readonly created_by: string | null;
  readonly updated_by: string | null;
  readonly created_at: Date;
  readonly updated_at: Date;
}

/** The columns of a {@link RecordRow}. */
export const RECORD_COLUMNS = 'id, table_id, "values", field_versions, version, created_by, updated_by, created_at, updated_at';

/** One record, or undefined; `forUpdate` locks the row until the transaction ends. */
export async function loadRecord(db: Queryable, recordId: string, forUpdate = false): Promise<RecordRow | undefined> {
  const [row] = await db.query<RecordRow>(`SELECT ${RECORD_COLUMNS} FROM records WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`, [recordId]);
  return row;
}

/**
 * Records by id, locked until the transaction ends. Rows are locked in id order, so two
 * transactions locking overlapping sets take their turns instead of deadlocking.
 */
export function loadRecordsForUpdate(db: Queryable, recordIds: readonly string[]): Promise<RecordRow[]> {
  return db.query<RecordRow>(`SELECT ${RECORD_COLUMNS} FROM records WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`, [recordIds]);
}

/** Writes updated rows (`$1`: {@link updateRowsJson}) in one statement. */
export const UPDATE_RECORDS_SQL = `UPDATE records r SET "values" = u."values", field_versions = u.field_versions, version = u.version, updated_by = u.updated_by, updated_at = u.updated_at
  FROM jsonb_to_recordset($1::jsonb) AS u(id uuid, "values" jsonb, field_versions jsonb, version integer, updated_by uuid, updated_at timestamptz)
  WHERE r.id = u.id`;

/** The parameter of {@link UPDATE_RECORDS_SQL}: the rows' written columns as one JSON array. */
export function updateRowsJson(rows: readonly RecordRow[]): string {
  return JSON.stringify(
    rows.map((row) => ({
      id: row.id,
      values: row.values,
      field_versions: row.field_versions,
      version: row.version,
      updated_by: row.updated_by,
      updated_at: row.updated_at,
    })),
  );
}

/** The wire shape of a record (field versions stay internal). */
export function recordJson(row: RecordRow): RecordInfo {
  return {
    id: row.id,
    table_id: row.table_id,
    values: row.values,
    version: row.version,
    created_by: row.created_by,
    updated_by: row.updated_by,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}
