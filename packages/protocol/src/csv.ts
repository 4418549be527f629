import type { FieldType } from './domain.ts';

/** Field types a CSV column can be imported as into a new table (the preview guesses one of them). */
export const CSV_IMPORT_TYPES = ['text', 'long_text', 'number', 'checkbox', 'date', 'single_select'] as const satisfies readonly FieldType[];
/** A field type a CSV column can be imported as into a new table. */
export type CsvImportType = (typeof CSV_IMPORT_TYPES)[number];

/** One column of a CSV file as the preview read it: its header and the type its values suggest. */
export interface CsvPreviewColumn {
  readonly name: string;
  readonly type: CsvImportType;
  /** Distinct values seen (up to 100), for the choices of a single-select column. */
  readonly distinct: readonly string[];
}

/** What `POST /workspaces/{id}/csv/preview` answers for the head of a CSV file. */
export interface CsvPreview {
  readonly columns: readonly CsvPreviewColumn[];
  /** The first data rows (up to 20), as text. */
  readonly rows: readonly (readonly string[])[];
  /** Data rows the sample held (the types are guessed from all of them). */
  readonly sampled_rows: number;
}

/** One CSV row the import refused: `row` counts data rows from 1 (the header is row 0), `line` is the file's line. */
export interface CsvImportRowError {
  readonly row: number;
  readonly line: number;
  readonly code: string;
  readonly message: string;
  /** The field whose value was refused, when one was. */
  readonly field_id?: string;
}

/** What an import did: rows created, rows updated (upsert), rows refused and why (the first 1000). */
export interface CsvImportReport {
  readonly rows: number;
  readonly created: number;
  readonly updated: number;
  readonly failed: number;
  readonly errors: readonly CsvImportRowError[];
  /** Set when the file could not be read on: the line and the reason; the rows before it were imported. */
  readonly stopped?: { readonly line: number; readonly message: string };
}

/** A line of the `application/x-ndjson` import answer: progress while rows are imported, then the report (or an error). */
export type CsvImportMessage =
  | { readonly type: 'progress'; readonly rows: number; readonly bytes: number; readonly created: number; readonly updated: number; readonly failed: number }
  | { readonly type: 'done'; readonly report: CsvImportReport }
  | { readonly type: 'error'; readonly error: { readonly code: string; readonly message: string } };
