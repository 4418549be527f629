import { type CsvImportMessage, type CsvImportReport, type CsvPreview, isErrorCode } from '@tandem/protocol';
import { ApiError } from '../api/http.ts';
import type { ViewConfig } from './apply-view.ts';

/** Bytes of a file the preview reads to guess its column types. */
const PREVIEW_BYTES = 256 * 1024;

/** The URL that downloads a table as CSV, as the grid shows it (filters, sorts and hidden fields, saved or not). */
export function exportUrl(tableId: string, config: ViewConfig): string {
  const qs = new URLSearchParams({
    filter: JSON.stringify(config.filters),
    sort: JSON.stringify(config.sorts),
    hidden: JSON.stringify(config.hidden_fields),
  });
  return `/api/v1/tables/${tableId}/export?${qs}`;
}

/** Reads the head of a CSV file on the server: its columns with a guessed type each, and its first rows. */
export async function previewCsv(workspaceId: string, file: File): Promise<CsvPreview> {
  const truncated = file.size > PREVIEW_BYTES;
  const response = await fetch(`/api/v1/workspaces/${workspaceId}/csv/preview?truncated=${truncated}`, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'text/csv', accept: 'application/json' },
    body: truncated ? file.slice(0, PREVIEW_BYTES) : file,
  }).catch(() => {
    throw new ApiError(0, 'network', 'The server cannot be reached.');
  });
  const body = (await response.json().catch(() => null)) as (CsvPreview & { error?: { code: string; message: string } }) | null;
  if (!response.ok || !body) throw apiErrorOf(response.status, body?.error);
  return body;
}

/** How far an import has come. */
export interface ImportProgress {
  /** Bytes of the file sent so far. */
  readonly sent: number;
  /** Bytes of the file the server has read and written. */
  readonly done: number;
  readonly total: number;
  readonly rows: number;
  readonly failed: number;
}

/** What an import into a table does with the file's columns. */
export interface ImportRequest {
  /** One entry per CSV column: the field id it goes to, or null to skip it. */
  readonly columns: readonly (string | null)[];
  readonly mode: 'append' | 'upsert';
  readonly keyFieldId?: string;
}

/**
 * Sends a CSV file to a table's import as one streamed upload and follows the server's progress
 * lines; resolves with the report. XHR rather than fetch: it reports upload progress, and its
 * response text grows as progress lines arrive.
 */
export function importCsv(tableId: string, file: File, request: ImportRequest, onProgress: (progress: ImportProgress) => void): Promise<CsvImportReport> {
  const qs = new URLSearchParams({ columns: JSON.stringify(request.columns), mode: request.mode });
  if (request.keyFieldId) qs.set('key', request.keyFieldId);
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    let sent = 0;
    let read = 0;
    let last: CsvImportMessage | null = null;
    let state = { done: 0, rows: 0, failed: 0 };
    const report = () => onProgress({ sent, total: file.size, ...state });
    const readLines = () => {
      const text = xhr.responseText;
      let end = text.indexOf('\n', read);
      while (end !== -1) {
        const line = text.slice(read, end).trim();
        read = end + 1;
        end = text.indexOf('\n', read);
        if (!line) continue;
        const message = JSON.parse(line) as CsvImportMessage;
        last = message;
        if (message.type === 'progress') {
          state = { done: message.bytes, rows: message.rows, failed: message.failed };
          report();
        }
      }
    };
    xhr.upload.onprogress = (e) => {
      sent = e.loaded;
      report();
    };
    xhr.onprogress = () => {
      if (xhr.status === 200) readLines();
    };
    xhr.onerror = () => reject(new ApiError(0, 'network', 'The connection broke during the import; rows written before it stay.'));
    xhr.onload = () => {
      if (xhr.status !== 200) {
        const body = safeJson(xhr.responseText) as { error?: { code: string; message: string } } | null;
        reject(apiErrorOf(xhr.status, body?.error));
        return;
      }
      readLines();
      const end = last as CsvImportMessage | null;
      if (end?.type === 'done') resolve(end.report);
      else if (end?.type === 'error') reject(apiErrorOf(500, end.error));
      else reject(new ApiError(500, 'internal', 'The import ended without a report.'));
    };
    xhr.open('POST', `/api/v1/tables/${tableId}/import?${qs}`);
    xhr.setRequestHeader('content-type', 'text/csv');
    xhr.setRequestHeader('accept', 'application/x-ndjson');
    xhr.send(file);
  });
}

function apiErrorOf(status: number, error: { code: string; message: string } | undefined): ApiError {
  const code = isErrorCode(error?.code) ? error.code : status >= 500 ? 'internal' : 'invalid_input';
  return new ApiError(status, code, error?.message ?? `Request failed (${status}).`);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
