import { CSV_IMPORT_TYPES, type CsvImportReport, type CsvImportType, type CsvPreview } from '@tandem/protocol';
import { useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { api } from '../api/http.ts';
import type { Field, Table } from '../api/types.ts';
import { Dialog } from '../ui/dialog.tsx';
import { errorMessage } from '../ui/states.tsx';
import { type ImportProgress, importCsv, previewCsv } from './csv-transfer.ts';
import { FIELD_TYPE_LABELS } from './field-header.tsx';
import { tableKeys } from './table-queries.ts';

/** Field types a CSV column can be read into (attachments cannot). */
const MAPPABLE: ReadonlySet<Field['type']> = new Set([
  'text',
  'long_text',
  'rich_text',
  'number',
  'checkbox',
  'date',
  'single_select',
  'multi_select',
  'user',
  'link',
]);
/** Field types an upsert can match rows by. */
const KEY_TYPES: ReadonlySet<Field['type']> = new Set(['text', 'number', 'date']);
/** Refused rows the report lists on screen. */
const SHOWN_ERRORS = 50;

/** A column of the file as the new-table preview edits it. */
interface NewColumn {
  readonly name: string;
  readonly type: CsvImportType;
  readonly include: boolean;
  readonly distinct: readonly string[];
}

type Step =
  | { readonly kind: 'choose' }
  | { readonly kind: 'preview'; readonly file: File; readonly preview: CsvPreview }
  | { readonly kind: 'running'; readonly progress: ImportProgress }
  | { readonly kind: 'done'; readonly report: CsvImportReport; readonly tableId: string };

/** Names made unique (case-insensitive), as the server wants field names of one table. */
function uniqueNames(names: readonly string[]): string[] {
  const seen = new Set<string>();
  return names.map((name) => {
    let candidate = name.trim() || 'Column';
    for (let n = 2; seen.has(candidate.toLowerCase()); n++) candidate = `${name.trim() || 'Column'} ${n}`;
    seen.add(candidate.toLowerCase());
    return candidate;
  });
}

/** The field a column maps to by default: the one with its name, if it can take CSV values. */
function defaultMapping(preview: CsvPreview, fields: readonly Field[]): (string | null)[] {
  return preview.columns.map((c) => fields.find((f) => MAPPABLE.has(f.type) && f.name.toLowerCase() === c.name.trim().toLowerCase())?.id ?? null);
}

/**
 * Imports a CSV file: into a new table (column names and types guessed from the file, editable
 * before the import; admins) or into the current table (each column mapped to a field or
 * skipped; new rows or an upsert by a key field). Shows the file's first rows, a progress bar
 * while it streams, and a report of refused rows at the end.
 */
export function CsvImportDialog({
  workspaceId,
  tableId,
  fields,
  canCreateTable,
  onClose,
  onOpenTable,
}: {
  workspaceId: string;
  tableId: string;
  fields: readonly Field[];
  canCreateTable: boolean;
  onClose: () => void;
  onOpenTable: (tableId: string) => void;
}) {
  const queries = useQueryClient();
  const [step, setStep] = useState<Step>({ kind: 'choose' });
  const [error, setError] = useState<string | null>(null);
  const [target, setTarget] = useState<'new' | 'existing'>(canCreateTable ? 'new' : 'existing');
  const [tableName, setTableName] = useState('');
  const [columns, setColumns] = useState<NewColumn[]>([]);
  const [mapping, setMapping] = useState<(string | null)[]>([]);
  const [mode, setMode] = useState<'append' | 'upsert'>('append');
  const [keyFieldId, setKeyFieldId] = useState('');
  const ids = { file: useId(), name: useId(), mode: useId(), key: useId() };

  const choose = async (file: File | undefined) => {
    if (!file) return;
    setError(null);
    try {
      const preview = await previewCsv(workspaceId, file);
      const names = uniqueNames(preview.columns.map((c) => c.name));
      setColumns(preview.columns.map((c, i) => ({ name: names[i] ?? c.name, type: c.type, include: true, distinct: c.distinct })));
      setMapping(defaultMapping(preview, fields));
      setTableName(file.name.replace(/\.(csv|txt)$/i, '') || 'Imported');
      setStep({ kind: 'preview', file, preview });
    } catch (err) {
      setError(`Could not read the file: ${errorMessage(err)}`);
    }
  };

  const run = async (file: File) => {
    setError(null);
    let destination = tableId;
    let request: { columns: (string | null)[]; mode: 'append' | 'upsert'; keyFieldId?: string };
    try {
      if (target === 'new') {
        const included = columns.filter((c) => c.include);
        if (included.length === 0) throw new Error('Include at least one column.');
        const created = await api.post<Table & { fields: Field[] }>(`/workspaces/${workspaceId}/tables`, {
          name: tableName.trim() || 'Imported',
          fields: included.map((c) => ({
            name: c.name,
            type: c.type,
            ...(c.type === 'single_select' ? { options: { choices: c.distinct.slice(0, 500) } } : {}),
          })),
        });
        await queries.invalidateQueries({ queryKey: tableKeys.list(workspaceId) });
        destination = created.id;
        const byName = new Map(created.fields.map((f) => [f.name.toLowerCase(), f.id]));
        request = { columns: columns.map((c) => (c.include ? (byName.get(c.name.toLowerCase()) ?? null) : null)), mode: 'append' };
      } else {
        if (mapping.every((m) => m === null)) throw new Error('Map at least one column to a field.');
        if (mode === 'upsert' && !keyFieldId) throw new Error('Choose the key field that identifies existing records.');
        request = { columns: mapping, mode, ...(mode === 'upsert' ? { keyFieldId } : {}) };
      }
    } catch (err) {
      setError(errorMessage(err));
      return;
    }
    setStep({ kind: 'running', progress: { sent: 0, done: 0, total: file.size, rows: 0, failed: 0 } });
    try {
      const report = await importCsv(destination, file, request, (progress) => setStep({ kind: 'running', progress }));
      setStep({ kind: 'done', report, tableId: destination });
    } catch (err) {
      setError(`The import stopped: ${errorMessage(err)}`);
      setStep({ kind: 'done', report: { rows: 0, created: 0, updated: 0, failed: 0, errors: [] }, tableId: destination });
    }
  };

  const mappedKeys = fields.filter((f) => KEY_TYPES.has(f.type) && mapping.includes(f.id));

  return (
    <Dialog title="Import CSV" onClose={step.kind === 'running' ? () => undefined : onClose}>
      <div className="csv-import">
        {step.kind === 'choose' && (
          <div className="stack">
            <label htmlFor={ids.file}>CSV file (the first line names the columns)</label>
            <input id={ids.file} type="file" accept=".csv,text/csv" onChange={(e) => void choose(e.target.files?.[0])} />
          </div>
        )}

        {step.kind === 'preview' && (
          <>
            <p className="muted">
              {step.file.name} · {formatBytes(step.file.size)} · {step.preview.columns.length} columns
            </p>
            <fieldset className="csv-target">
              <legend>Import into</legend>
              <label className="check-row">
                <input type="radio" name="csv-target" checked={target === 'new'} disabled={!canCreateTable} onChange={() => setTarget('new')} />A new table
                {!canCreateTable && <span className="muted"> (admins)</span>}
              </label>
              <label className="check-row">
                <input type="radio" name="csv-target" checked={target === 'existing'} onChange={() => setTarget('existing')} />
                This table
              </label>
            </fieldset>

            {target === 'new' ? (
              <>
                <div className="stack">
                  <label htmlFor={ids.name}>Table name</label>
                  <input id={ids.name} value={tableName} onChange={(e) => setTableName(e.target.value)} />
                </div>
                <div className="csv-preview-scroll">
                  <table className="data-table csv-preview">
                    <thead>
                      <tr>
                        {columns.map((c, i) => (
                          <th key={i} scope="col">
                            <label className="check-row">
                              <input
                                type="checkbox"
                                aria-label={`Include column ${i + 1}`}
                                checked={c.include}
                                onChange={(e) => setColumns(columns.map((x, j) => (j === i ? { ...x, include: e.target.checked } : x)))}
                              />
                              <input
                                aria-label={`Name of column ${i + 1}`}
                                value={c.name}
                                onChange={(e) => setColumns(columns.map((x, j) => (j === i ? { ...x, name: e.target.value } : x)))}
                              />
                            </label>
                            <select
                              aria-label={`Type of column ${i + 1}`}
                              value={c.type}
                              onChange={(e) => setColumns(columns.map((x, j) => (j === i ? { ...x, type: e.target.value as CsvImportType } : x)))}
                            >
                              {CSV_IMPORT_TYPES.map((t) => (
                                <option key={t} value={t}>
                                  {FIELD_TYPE_LABELS[t]}
                                </option>
                              ))}
                            </select>
                          </th>
                        ))}
                      </tr>
                    </thead>
                    <PreviewRows preview={step.preview} />
                  </table>
                </div>
              </>
            ) : (
              <>
                <div className="csv-preview-scroll">
                  <table className="data-table csv-preview">
                    <thead>
                      <tr>
                        {step.preview.columns.map((c, i) => (
                          <th key={i} scope="col">
                            <span className="csv-column-name">{c.name}</span>
                            <select
                              aria-label={`Field for column ${c.name}`}
                              value={mapping[i] ?? ''}
                              onChange={(e) => setMapping(mapping.map((m, j) => (j === i ? e.target.value || null : m)))}
                            >
                              <option value="">Skip</option>
                              {fields
                                .filter((f) => MAPPABLE.has(f.type))
                                .map((f) => (
                                  <option key={f.id} value={f.id}>
                                    {f.name}
                                  </option>
                                ))}
                            </select>
                          </th>
                        ))}
                      </tr>
                    </thead>
                    <PreviewRows preview={step.preview} />
                  </table>
                </div>
                <div className="panel-row">
                  <label htmlFor={ids.mode}>Rows</label>
                  <select id={ids.mode} value={mode} onChange={(e) => setMode(e.target.value as 'append' | 'upsert')}>
                    <option value="append">Add as new records</option>
                    <option value="upsert">Update records with the same key, add the rest</option>
                  </select>
                  {mode === 'upsert' && (
                    <>
                      <label htmlFor={ids.key}>Key field</label>
                      <select id={ids.key} value={keyFieldId} onChange={(e) => setKeyFieldId(e.target.value)}>
                        <option value="">Choose…</option>
                        {mappedKeys.map((f) => (
                          <option key={f.id} value={f.id}>
                            {f.name}
                          </option>
                        ))}
                      </select>
                    </>
                  )}
                </div>
              </>
            )}
            <p className="muted">
              Showing {Math.min(step.preview.rows.length, 20)} of the first rows; types are guessed from {step.preview.sampled_rows} rows.
            </p>
            <div className="dialog-actions">
              <button type="button" className="btn" onClick={onClose}>
                Cancel
              </button>
              <button type="button" className="btn btn-primary" onClick={() => void run(step.file)}>
                Import
              </button>
            </div>
          </>
        )}

        {step.kind === 'running' && <Progress progress={step.progress} />}

        {step.kind === 'done' && (
          <>
            <p role="status" className="csv-summary">
              {step.report.rows} rows read: {step.report.created} created, {step.report.updated} updated, {step.report.failed} refused.
            </p>
            {step.report.stopped && (
              <p className="form-error">
                Reading stopped at line {step.report.stopped.line}: {step.report.stopped.message}
              </p>
            )}
            {step.report.errors.length > 0 && (
              <div className="csv-preview-scroll">
                <table className="data-table csv-errors" aria-label="Refused rows">
                  <thead>
                    <tr>
                      <th scope="col">Row</th>
                      <th scope="col">Line</th>
                      <th scope="col">Why</th>
                    </tr>
                  </thead>
                  <tbody>
                    {step.report.errors.slice(0, SHOWN_ERRORS).map((e) => (
                      <tr key={e.row}>
                        <td>{e.row}</td>
                        <td>{e.line}</td>
                        <td>{e.message}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
                {step.report.failed > SHOWN_ERRORS && <p className="muted">…and {step.report.failed - SHOWN_ERRORS} more.</p>}
              </div>
            )}
            <div className="dialog-actions">
              <button type="button" className="btn" onClick={onClose}>
                Close
              </button>
              {step.tableId !== tableId && (
                <button type="button" className="btn btn-primary" onClick={() => onOpenTable(step.tableId)}>
                  Open the table
                </button>
              )}
            </div>
          </>
        )}
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
      </div>
    </Dialog>
  );
}

function PreviewRows({ preview }: { preview: CsvPreview }) {
  return (
    <tbody>
      {preview.rows.map((row, r) => (
        <tr key={r}>
          {preview.columns.map((_, i) => (
            <td key={i}>{row[i] ?? ''}</td>
          ))}
        </tr>
      ))}
    </tbody>
  );
}

function Progress({ progress }: { progress: ImportProgress }) {
  // The server reads the file as it arrives, so the bytes it has written are the import's progress.
  const fraction = progress.total > 0 ? Math.min(1, progress.done / progress.total) : 0;
  const uploading = progress.done === 0 && progress.sent < progress.total;
  return (
    <div className="stack csv-progress">
      <progress aria-label="Import progress" max={1} value={fraction} />
      <p role="status" aria-live="polite">
        {uploading
          ? `Uploading… ${Math.round((progress.sent / Math.max(1, progress.total)) * 100)} %`
          : `${progress.rows} rows imported (${Math.round(fraction * 100)} %)${progress.failed ? `, ${progress.failed} refused` : ''}`}
      </p>
    </div>
  );
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
