import { type Readable, Transform } from 'node:stream';
import type { CsvImportReport, CsvImportRowError, CsvPreview } from '@tandem/protocol';
import { CsvError, parse } from 'csv-parse';
import type { AuthInfo } from '../auth/auth-service.ts';
import type { AppContext } from '../context.ts';
import { AppError, errors } from '../errors/app-error.ts';
import type { RecordService } from '../records/record-service.ts';
import { type Field, loadFields } from '../tables/table-model.ts';
import type { Access } from '../workspaces/access.ts';
import { guessType, IMPORTABLE_TYPES, loadMemberDirectory, parseCell } from './csv-values.ts';

/** Rows written per transaction (one batch-create and one batch-update at most). */
export const IMPORT_BATCH_ROWS = 500;
/** Row errors a report lists; more are only counted. */
export const MAX_REPORTED_ERRORS = 1000;
/** Data rows the preview reads to guess column types. */
const PREVIEW_SAMPLE_ROWS = 1000;
/** Rows the preview answers with. */
const PREVIEW_ROWS = 20;
/** Distinct values the preview lists per column. */
const PREVIEW_DISTINCT = 100;
/** Field types a key field for upserts may have (their stored value reads back as the same text). */
const KEY_TYPES: ReadonlySet<Field['type']> = new Set(['text', 'number', 'date']);

/** How CSV columns land in a table. */
export interface ImportOptions {
  /** One entry per CSV column, in file order: the field it goes to, or null to skip it. */
  readonly columns: readonly (string | null)[];
  /** `append` creates a record per row; `upsert` updates the record whose key field matches, creating the rest. */
  readonly mode: 'append' | 'upsert';
  /** The key field of an upsert (one of the mapped fields). */
  readonly keyFieldId?: string;
}

/** Progress of an import, after each batch. */
export interface ImportProgress {
  readonly rows: number;
  readonly bytes: number;
  readonly created: number;
  readonly updated: number;
  readonly failed: number;
}

/** A data row of the file with where it came from. */
interface SourceRow {
  readonly row: number;
  readonly line: number;
  readonly cells: readonly string[];
}

/** A row converted to record values, waiting for its batch write. */
interface ConvertedRow {
  readonly source: SourceRow;
  readonly values: Record<string, unknown>;
  /** The record an upsert updates. */
  readonly recordId?: string;
}

/**
 * Reads CSV files into tables. The file is parsed as it streams in (csv-parse) and written in
 * batches of {@link IMPORT_BATCH_ROWS} rows through the batch records API, so it is never held in
 * memory and each record is validated, recorded in the activity log and announced exactly like a
 * record written by hand. A row that cannot be read or is refused is reported with its row and
 * line number and the registry code; the other rows of its batch are written.
 */
export class CsvImporter {
  constructor(
    private readonly ctx: AppContext,
    private readonly access: Access,
    private readonly records: RecordService,
  ) {}

  /**
   * Reads the head of a CSV file (the whole file or its first part; `truncated` says the last row
   * may be cut off and is dropped): its columns with a guessed type each, and its first rows.
   */
  async preview(auth: AuthInfo, workspaceId: string, source: Readable, truncated: boolean): Promise<CsvPreview> {
    await this.access.require(auth, 'workspace', workspaceId, 'editor');
    const parser = source.pipe(newParser());
    source.on('error', (err) => parser.destroy(err));
    let header: string[] | null = null;
    const rows: string[][] = [];
    try {
      for await (const { record } of parser as AsyncIterable<{ record: string[] }>) {
        if (!header) header = record;
        else rows.push(record);
        if (rows.length >= PREVIEW_SAMPLE_ROWS + 1) break;
      }
    } catch (err) {
      // A cut-off head ends mid-row, perhaps inside quotes: what was read before it stands.
      if (!(err instanceof CsvError) || !truncated) throw unreadable(err);
    }
    if (truncated || rows.length > PREVIEW_SAMPLE_ROWS) rows.pop();
    if (!header || header.length === 0) throw errors.invalid('The file is empty; the first line must name the columns.');
    const columns = header.map((name, i) => {
      const values = rows.map((r) => r[i] ?? '');
      const distinct = [...new Set(values.map((v) => v.trim()).filter(Boolean))].slice(0, PREVIEW_DISTINCT);
      return { name: name.trim() || `Column ${i + 1}`, type: guessType(values), distinct };
    });
    return { columns, rows: rows.slice(0, PREVIEW_ROWS), sampled_rows: rows.length };
  }

  /**
   * Imports a CSV file (its first line names the columns) into a table (editor and above). A bad
   * mapping is refused before anything is written. Rows are written in file order; `onProgress`
   * hears after each batch.
   */
  async import(
    auth: AuthInfo,
    tableId: string,
    source: Readable,
    options: ImportOptions,
    onProgress: (progress: ImportProgress) => void = () => undefined,
  ): Promise<CsvImportReport> {
    const scope = await this.access.require(auth, 'table', tableId, 'editor');
    const fields = await loadFields(this.ctx.db, tableId);
    const mapped = checkMapping(fields, options);
    const members = await loadMemberDirectory(this.ctx.db, scope.workspaceId);

    const maxBytes = this.ctx.config.fileMaxBytes;
    let received = 0;
    const limit = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        received += chunk.length;
        if (received > maxBytes) done(errors.tooLarge(`The file is larger than ${maxBytes} bytes (FILE_MAX_BYTES).`, { max: maxBytes }));
        else done(null, chunk);
      },
    });
    const parser = newParser();
    source.on('error', (err) => limit.destroy(err));
    limit.on('error', (err) => parser.destroy(err));
    source.pipe(limit).pipe(parser);

    const totals = { rows: 0, created: 0, updated: 0, failed: 0 };
    const reported: CsvImportRowError[] = [];
    const fail = (source: SourceRow, err: unknown) => {
      if (!(err instanceof AppError)) throw err;
      totals.failed += 1;
      if (reported.length >= MAX_REPORTED_ERRORS) return;
      const fieldId = typeof err.details?.field_id === 'string' ? err.details.field_id : undefined;
      reported.push({ row: source.row, line: source.line, code: err.code, message: err.message, ...(fieldId ? { field_id: fieldId } : {}) });
    };

    const writeBatch = async (batch: readonly SourceRow[]) => {
      const converted: ConvertedRow[] = [];
      for (const source of batch) {
        try {
          const values: Record<string, unknown> = {};
          for (const [i, field] of mapped) values[field.id] = parseCell(field, source.cells[i] ?? '', members);
          converted.push({ source, values });
        } catch (err) {
          fail(source, err);
        }
      }
      const rows = options.mode === 'upsert' ? await this.#matchKeys(tableId, options.keyFieldId ?? '', converted, fail) : converted;
      const creates = rows.filter((r) => r.recordId === undefined);
      const updates = rows.filter((r) => r.recordId !== undefined);
      totals.created += await writeAll(creates, fail, (part) =>
        this.records.createMany(
          auth,
          tableId,
          part.map((r) => r.values),
        ),
      );
      totals.updated += await writeAll(updates, fail, (part) =>
        this.records.updateMany(
          auth,
          tableId,
          part.map((r) => ({ id: r.recordId ?? '', values: r.values })),
        ),
      );
      totals.rows += batch.length;
      onProgress({ ...totals, bytes: parser.info.bytes });
    };

    let batch: SourceRow[] = [];
    let headerSeen = false;
    let stopped: CsvImportReport['stopped'];
    try {
      for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number; records: number } }>) {
        if (!headerSeen) {
          headerSeen = true;
          if (record.length !== options.columns.length) {
            throw errors.invalid(`The file has ${record.length} columns; the mapping names ${options.columns.length}.`, { field: 'columns' });
          }
          continue;
        }
        batch.push({ row: info.records - 1, line: info.lines, cells: record });
        if (batch.length >= IMPORT_BATCH_ROWS) {
          await writeBatch(batch);
          batch = [];
        }
      }
    } catch (err) {
      if (!(err instanceof CsvError)) throw err;
      // The rows before the unreadable spot are imported; the report says where reading stopped.
      stopped = { line: (err as CsvError & { lines?: number }).lines ?? parser.info.lines, message: err.message };
    }
    if (batch.length > 0) await writeBatch(batch);
    if (!headerSeen && !stopped) throw errors.invalid('The file is empty; the first line must name the columns.');
    return { ...totals, errors: reported, ...(stopped ? { stopped } : {}) };
  }

  /**
   * Finds the record each row updates by its key: rows whose key matches no record are created,
   * rows with an empty key, a key two records share or a key an earlier row of the batch used are
   * refused.
   */
  async #matchKeys(
    tableId: string,
    keyFieldId: string,
    rows: readonly ConvertedRow[],
    fail: (source: SourceRow, err: unknown) => void,
  ): Promise<ConvertedRow[]> {
    const keyOf = (row: ConvertedRow) => {
      const value = row.values[keyFieldId];
      return value === null || value === undefined ? null : String(value);
    };
    const keys = [...new Set(rows.map(keyOf).filter((k): k is string => k !== null))];
    const found = await this.ctx.db.query<{ id: string; key: string }>(
      `SELECT id, "values" ->> $2::text AS key FROM records WHERE table_id = $1 AND "values" ->> $2::text = ANY($3::text[]) ORDER BY ordinal`,
      [tableId, keyFieldId, keys],
    );
    const idsOf = new Map<string, string[]>();
    for (const { id, key } of found) idsOf.set(key, [...(idsOf.get(key) ?? []), id]);
    const seen = new Map<string, number>();
    const out: ConvertedRow[] = [];
    for (const row of rows) {
      const key = keyOf(row);
      if (key === null) {
        fail(row.source, errors.invalid('The key field is empty in this row.', { field_id: keyFieldId }));
        continue;
      }
      const earlier = seen.get(key);
      if (earlier !== undefined) {
        fail(row.source, errors.invalid(`Row ${earlier} has the same key "${key}"; a key may appear once per file part.`, { field_id: keyFieldId }));
        continue;
      }
      seen.set(key, row.source.row);
      const ids = idsOf.get(key) ?? [];
      if (ids.length > 1) {
        fail(row.source, errors.conflict(`${ids.length} records have the key "${key}"; which to update is unclear.`, { field_id: keyFieldId }));
        continue;
      }
      out.push(ids[0] ? { ...row, recordId: ids[0] } : row);
    }
    return out;
  }
}

/**
 * Writes rows through an all-or-nothing batch write: the rows the batch refuses are reported and
 * the rest written again without them (each round drops at least one row). Returns how many were
 * written.
 */
async function writeAll(
  rows: readonly ConvertedRow[],
  fail: (source: SourceRow, err: unknown) => void,
  write: (rows: readonly ConvertedRow[]) => Promise<unknown[]>,
): Promise<number> {
  let pending = rows;
  while (pending.length > 0) {
    try {
      await write(pending);
      return pending.length;
    } catch (err) {
      const refused =
        err instanceof AppError
          ? (err.details?.errors as { index: number; code: AppError['code']; message: string; details?: Record<string, unknown> }[] | undefined)
          : undefined;
      if (!refused) throw err;
      const bad = new Set(refused.map((r) => r.index));
      for (const r of refused) {
        const row = pending[r.index];
        if (row) fail(row.source, new AppError(r.code, r.message, r.details));
      }
      pending = pending.filter((_, i) => !bad.has(i));
    }
  }
  return 0;
}

/** The mapped columns with their fields; refuses unknown or unimportable fields, a field mapped twice and a bad key. */
function checkMapping(fields: readonly Field[], options: ImportOptions): [number, Field][] {
  const byId = new Map(fields.map((f) => [f.id, f]));
  const mapped: [number, Field][] = [];
  const used = new Set<string>();
  for (const [i, id] of options.columns.entries()) {
    if (id === null) continue;
    const field = byId.get(id);
    if (!field) throw errors.invalid(`Column ${i + 1} maps to "${id}", which is not a field of this table.`, { field: 'columns', index: i });
    if (!IMPORTABLE_TYPES.has(field.type))
      throw errors.invalid(`Field "${field.name}" (${field.type}) cannot be imported from CSV.`, { field: 'columns', index: i });
    if (used.has(id)) throw errors.invalid(`Field "${field.name}" is mapped from two columns.`, { field: 'columns', index: i });
    used.add(id);
    mapped.push([i, field]);
  }
  if (mapped.length === 0) throw errors.invalid('Map at least one column to a field.', { field: 'columns' });
  if (options.mode === 'upsert') {
    const key = options.keyFieldId ? byId.get(options.keyFieldId) : undefined;
    if (!key || !used.has(key.id)) throw errors.invalid('An upsert needs a key field that one of the columns maps to.', { field: 'key' });
    if (!KEY_TYPES.has(key.type)) throw errors.invalid(`The key field must be text, a number or a date; "${key.name}" is ${key.type}.`, { field: 'key' });
  }
  return mapped;
}

/** A streaming CSV parser: a byte-order mark is dropped, rows may have fewer or more cells than the header, blank lines are skipped. */
function newParser() {
  return parse({ bom: true, relax_column_count: true, skip_empty_lines: true, info: true });
}

function unreadable(err: unknown): unknown {
  return err instanceof CsvError ? errors.invalid(`The file is not readable as CSV: ${err.message}`) : err;
}
