import { PassThrough, Readable } from 'node:stream';
import type { CsvImportMessage, CsvImportReport } from '@tandem/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { AppError, errors } from '../errors/app-error.ts';
import { contentDisposition } from '../files/file-routes.ts';
import { requireAuth } from '../http/authenticate.ts';
import { parseFilters, parseSorts } from '../records/record-routes.ts';
import type { Access } from '../workspaces/access.ts';
import { exportCsv } from './csv-export.ts';
import type { CsvImporter } from './csv-import.ts';
import { csvImportReportSchema, csvPreviewSchema } from './csv-schemas.ts';

const idParams = z.object({ id: z.uuid() });
const NDJSON = 'application/x-ndjson';
/** A body sent as a stream (a CSV file, NDJSON lines): text in the document, never re-encoded. */
const streamedText = z.custom<Readable | string>((v) => typeof v === 'string' || v instanceof Readable).meta({ type: 'string' });

const exportQuery = z.object({
  view: z.uuid().optional().describe('A saved view whose filters, sorts and hidden fields apply'),
  filter: z.string().max(10_000).optional().describe("JSON array of {field_id, op, value}; AND-ed with the view's filters"),
  sort: z.string().max(2000).optional().describe("JSON array of {field_id, direction}, or `field,-other`; replaces the view's sorts"),
  hidden: z.string().max(20_000).optional().describe("JSON array of field ids to leave out; replaces the view's hidden fields"),
});

const importQuery = z.object({
  columns: z.string().max(100_000).describe('JSON array, one entry per CSV column: the field id it goes to, or null to skip it'),
  mode: z.enum(['append', 'upsert']).default('append').describe('`upsert` updates the record whose key field matches and creates the rest'),
  key: z.string().max(100).optional().describe('The key field of an upsert'),
});

/** `GET /tables/{id}/export` (CSV of a view), `POST /workspaces/{id}/csv/preview` and `POST /tables/{id}/import`. */
export function csvRoutes(ctx: AppContext, access: Access, importer: CsvImporter) {
  return async (fastify: FastifyInstance) => {
    const app = fastify.withTypeProvider<ZodTypeProvider>();
    const tags = ['csv'];
    // The file is read as it streams in: the body stays a stream, for this plugin's routes only.
    app.addContentTypeParser('text/csv', (_request, payload, done) => done(null, payload));

    app.get(
      '/tables/:id/export',
      {
        schema: {
          tags,
          summary: "The table's records as CSV, as a view shows them (anyone who reads the table)",
          params: idParams,
          querystring: exportQuery,
          response: { 200: { description: 'The CSV file, first line the field names (an attachment)', content: { 'text/csv': { schema: streamedText } } } },
        },
      },
      async (request, reply) => {
        const q = request.query;
        const csv = await exportCsv(ctx, access, requireAuth(request), request.params.id, {
          viewId: q.view,
          filters: q.filter === undefined ? undefined : parseFilters(q.filter),
          sorts: q.sort === undefined ? undefined : parseSorts(q.sort),
          hiddenFields: q.hidden === undefined ? undefined : parseIds(q.hidden, 'hidden'),
        });
        return reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header('content-disposition', contentDisposition('attachment', csv.fileName))
          .header('cache-control', 'no-store')
          .send(csv.body);
      },
    );

    app.post(
      '/workspaces/:id/csv/preview',
      {
        schema: {
          tags,
          summary: 'Columns of a CSV file (body text/csv: the file or its first part) with a guessed type each, and its first rows (editor)',
          params: idParams,
          querystring: z.object({ truncated: z.enum(['true', 'false']).default('false').describe('`true`: the body is the first part of a larger file') }),
          response: { 200: csvPreviewSchema },
        },
      },
      async (request) => {
        const body = csvBody(request);
        return consumingBody(body, () => importer.preview(requireAuth(request), request.params.id, body, request.query.truncated === 'true'));
      },
    );

    app.post(
      '/tables/:id/import',
      {
        schema: {
          tags,
          summary: `Import a CSV file (body text/csv, first line the column names) into the table (editor). With Accept: ${NDJSON} the answer streams progress lines, then the report`,
          params: idParams,
          querystring: importQuery,
          response: {
            200: {
              description: `The report; with Accept: ${NDJSON}, one JSON line per progress step and a last line {type: 'done', report} or {type: 'error', error}`,
              content: { 'application/json': { schema: csvImportReportSchema }, [NDJSON]: { schema: streamedText } },
            },
          },
        },
      },
      async (request, reply) => {
        const auth = requireAuth(request);
        const body = csvBody(request);
        const q = request.query;
        const options = { columns: parseColumns(q.columns), mode: q.mode, keyFieldId: q.key };
        if (!(request.headers.accept ?? '').includes(NDJSON)) {
          return consumingBody(body, () => importer.import(auth, request.params.id, body, options));
        }
        // Progress lines once the first batch is written; until then a refusal is a plain error answer.
        const stream = new PassThrough();
        const line = (message: CsvImportMessage) => stream.write(`${JSON.stringify(message)}\n`);
        let started: () => void = () => undefined;
        const firstBatch = new Promise<void>((resolve) => {
          started = resolve;
        });
        const run = consumingBody(body, () =>
          importer.import(auth, request.params.id, body, options, (progress) => {
            line({ type: 'progress', ...progress });
            started();
          }),
        );
        const settled = run.then(
          (report) => report,
          (err: unknown) => err,
        );
        const first = await Promise.race([firstBatch.then(() => null), settled.then((outcome) => ({ outcome }))]);
        if (first && !isReport(first.outcome)) throw first.outcome;
        void settled.then((outcome) => {
          if (isReport(outcome)) line({ type: 'done', report: outcome });
          else {
            const error = outcome instanceof AppError ? outcome : new AppError('internal', 'The import failed.');
            if (!(outcome instanceof AppError)) request.log.error({ err: outcome }, 'CSV import failed');
            line({ type: 'error', error: { code: error.code, message: error.message } });
          }
          stream.end();
        });
        return reply.type(NDJSON).header('cache-control', 'no-store').send(stream);
      },
    );
  };
}

function isReport(outcome: unknown): outcome is CsvImportReport {
  return typeof outcome === 'object' && outcome !== null && 'created' in outcome && !(outcome instanceof Error);
}

/** The request body as the CSV stream it must be. */
function csvBody(request: FastifyRequest): Readable {
  if (!(request.body instanceof Readable)) throw errors.invalid('Send the file as the request body with Content-Type: text/csv.');
  return request.body;
}

/**
 * Runs `work` on the body, then reads and drops whatever of the body it left (a refusal, or a
 * preview that stopped early): a client still sending gets the answer instead of a reset
 * connection, and the connection can carry the client's next request.
 */
async function consumingBody<T>(body: Readable, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } finally {
    if (!body.readableEnded) {
      body.unpipe();
      body.resume();
    }
  }
}

function parseColumns(raw: string): (string | null)[] {
  const parsed = z.array(z.string().max(100).nullable()).min(1).max(1000).safeParse(parseJson(raw, 'columns'));
  if (!parsed.success) throw errors.invalid('columns must be a JSON array with a field id or null per CSV column.', { field: 'columns' });
  return parsed.data;
}

function parseIds(raw: string, name: string): string[] {
  const text = raw.trim();
  const value = text.startsWith('[') ? parseJson(text, name) : text.split(',').filter(Boolean);
  const parsed = z.array(z.string().max(100)).max(1000).safeParse(value);
  if (!parsed.success) throw errors.invalid(`${name} must be a JSON array of field ids.`, { field: name });
  return parsed.data;
}

function parseJson(raw: string, name: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    throw errors.invalid(`${name} is not valid JSON.`, { field: name });
  }
}
