import { Readable } from 'node:stream';
import type { ViewFilter, ViewSort } from '@tandem/protocol';
import { stringify } from 'csv-stringify';
import type { AuthInfo } from '../auth/auth-service.ts';
import type { AppContext } from '../context.ts';
import { errors } from '../errors/app-error.ts';
import { queryRecords } from '../records/record-query.ts';
import { loadFields, VIEW_COLUMNS, type ViewRow } from '../tables/table-model.ts';
import { normaliseFilters, normaliseSorts } from '../tables/view-filters.ts';
import type { Access } from '../workspaces/access.ts';
import { formatCell, loadMemberDirectory } from './csv-values.ts';

/** Records read per query while a CSV export streams. */
const EXPORT_PAGE_SIZE = 1000;

/** Which records and columns an export holds: a saved view, and changes to it as the grid shows them. */
export interface ExportOptions {
  readonly viewId?: string;
  /** Extra conditions, AND-ed with the view's. */
  readonly filters?: readonly ViewFilter[];
  /** Sort keys that replace the view's. */
  readonly sorts?: readonly ViewSort[];
  /** Field ids left out; replaces the view's hidden fields. */
  readonly hiddenFields?: readonly string[];
}

/** A CSV export ready to stream: its file name and its bytes. */
export interface CsvExport {
  readonly fileName: string;
  readonly body: Readable;
}

/**
 * Exports records of a table as CSV (anyone who reads the table): a header of field names, then
 * one line per record in the view's order, with the view's filters, sorts and hidden fields and
 * values formatted per field type. The records are read a page at a time as the client takes
 * the bytes, so a large table is never held in memory.
 */
export async function exportCsv(ctx: AppContext, access: Access, auth: AuthInfo, tableId: string, options: ExportOptions): Promise<CsvExport> {
  const scope = await access.require(auth, 'table', tableId, 'viewer');
  const [fields, [table], members] = await Promise.all([
    loadFields(ctx.db, tableId),
    ctx.db.query<{ name: string }>('SELECT name FROM tables WHERE id = $1', [tableId]),
    loadMemberDirectory(ctx.db, scope.workspaceId),
  ]);
  if (!table) throw errors.notFound('Table');
  let view: ViewRow | undefined;
  if (options.viewId) {
    [view] = await ctx.db.query<ViewRow>(`SELECT ${VIEW_COLUMNS} FROM views WHERE id = $1 AND table_id = $2`, [options.viewId, tableId]);
    if (!view) throw errors.notFound('View');
  }
  const filters = [...(view?.filters ?? []), ...normaliseFilters(fields, options.filters ?? [])];
  const sorts = options.sorts ? normaliseSorts(fields, options.sorts) : (view?.sorts ?? []);
  const hidden = new Set(options.hiddenFields ?? view?.hidden_fields ?? []);
  const columns = fields.filter((f) => !hidden.has(f.id));
  if (columns.length === 0) throw errors.invalid('Every field is hidden; show at least one to export.');

  async function* lines(): AsyncGenerator<string[]> {
    yield columns.map((f) => f.name);
    let cursor: string | null = null;
    do {
      const page = await queryRecords(ctx.db, { tableId, fields, filters, sorts, limit: EXPORT_PAGE_SIZE, cursor, userId: auth.user.id });
      for (const row of page.rows) yield columns.map((f) => formatCell(f, row.values[f.id], members));
      cursor = page.nextCursor;
    } while (cursor);
  }
  const source = Readable.from(lines());
  const body = source.pipe(stringify());
  source.on('error', (err) => body.destroy(err));
  return { fileName: `${table.name}.csv`, body };
}
