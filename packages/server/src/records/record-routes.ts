import { type ViewFilter, type ViewSort, viewFilterSchema, viewSortSchema } from '@tandem/protocol';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errors } from '../errors/app-error.ts';
import { requireAuth } from '../http/authenticate.ts';
import { documentedError, noContent } from '../http/openapi.ts';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './record-query.ts';
import { recordBatchSchema, recordInfoSchema, recordPageSchema, searchResultSchema } from './record-schemas.ts';
import { MAX_SEARCH_CHARS, MAX_SEARCH_MATCHES } from './record-search.ts';
import { MAX_BATCH_RECORDS, type RecordService } from './record-service.ts';

const idParams = z.object({ id: z.uuid() });
const values = z.record(z.string(), z.unknown()).describe('Field id → value; null clears a cell');
const createBody = z.object({ values: values.default({}) });
const ifMatch = z.looseObject({ 'if-match': z.string().optional().describe('The version the write is based on, e.g. `3` or `"3"`') });

const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
  cursor: z.string().max(4000).optional().describe('`next_cursor` of the previous page'),
  view: z.uuid().optional().describe('A saved view of this table whose filters and sorts apply'),
  filter: z.string().max(10_000).optional().describe("JSON array of {field_id, op, value}; AND-ed with the view's filters"),
  sort: z.string().max(2000).optional().describe("JSON array of {field_id, direction}, or `field,-other` (minus = descending); replaces the view's sorts"),
  has_unresolved_comments: z.enum(['true', 'false']).optional().describe('`true`: only records with an open comment thread'),
});

const searchQuery = z.object({
  q: z.string().trim().min(1).max(MAX_SEARCH_CHARS).describe('The text to find, case-insensitive, as plain text (no wildcards)'),
  fields: z.string().max(20_000).optional().describe('Comma-separated field ids to search (default: every text, number, date, choice and user field)'),
});

/** Records: `/tables/{id}/records`, `/tables/{id}/search` and `/records/{id}`. */
export function recordRoutes(records: RecordService) {
  return async (fastify: FastifyInstance) => {
    const app = fastify.withTypeProvider<ZodTypeProvider>();
    const tags = ['records'];

    app.get(
      '/tables/:id/records',
      {
        schema: {
          tags,
          summary: 'Records of a table, a page at a time; filter and sort by a view or ad hoc',
          response: { 200: recordPageSchema },
          params: idParams,
          querystring: listQuery,
        },
      },
      async (request) => {
        const q = request.query;
        return records.list(requireAuth(request), request.params.id, {
          limit: q.limit,
          cursor: q.cursor,
          viewId: q.view,
          filters: q.filter === undefined ? undefined : parseFilters(q.filter),
          sorts: q.sort === undefined ? undefined : parseSorts(q.sort),
          hasUnresolvedComments: q.has_unresolved_comments === 'true',
        });
      },
    );

    app.get(
      '/tables/:id/search',
      {
        schema: {
          tags,
          summary: `Records whose cells contain a text, with the fields it is in (at most ${MAX_SEARCH_MATCHES.toLocaleString('en')} records, in creation order)`,
          response: { 200: searchResultSchema },
          params: idParams,
          querystring: searchQuery,
        },
      },
      async (request) => {
        const { q, fields } = request.query;
        const fieldIds = fields === undefined ? undefined : fields.split(',').filter((id) => id !== '');
        if (fieldIds?.some((id) => !z.uuid().safeParse(id).success)) throw errors.invalid('fields must be field ids separated by commas.', { field: 'fields' });
        return records.search(requireAuth(request), request.params.id, q, fieldIds);
      },
    );

    app.post(
      '/tables/:id/records',
      {
        schema: {
          tags,
          summary: `Create a record, or with an array up to ${MAX_BATCH_RECORDS} records in one transaction, all or nothing (editor)`,
          response: { 201: z.union([recordInfoSchema, recordBatchSchema]) },
          params: idParams,
          body: z.union([createBody, z.array(createBody).describe('Many records; answered with {records}')]),
        },
      },
      async (request, reply) => {
        const auth = requireAuth(request);
        const body = request.body;
        if (Array.isArray(body)) {
          const created = await records.createMany(
            auth,
            request.params.id,
            body.map((item) => item.values),
          );
          return reply.status(201).send({ records: created });
        }
        const record = await records.create(auth, request.params.id, body.values);
        return reply.status(201).header('etag', `"${record.version}"`).send(record);
      },
    );

    app.patch(
      '/tables/:id/records',
      {
        schema: {
          tags,
          summary: `Write fields of up to ${MAX_BATCH_RECORDS} records of the table in one transaction, all or nothing, each with its own expected_version (editor)`,
          response: {
            200: recordBatchSchema,
            409: documentedError('conflict: an item is based on an outdated version; details name each refused item by index'),
            423: documentedError('locked: another user holds a lock on a cell written'),
          },
          params: idParams,
          body: z.array(z.object({ id: z.uuid(), values, expected_version: z.number().int().min(1).optional() }).strict()),
        },
      },
      async (request) => {
        const writes = request.body.map((item) => ({ id: item.id, values: item.values, expectedVersion: item.expected_version }));
        return { records: await records.updateMany(requireAuth(request), request.params.id, writes) };
      },
    );

    app.get('/records/:id', { schema: { tags, summary: 'One record', response: { 200: recordInfoSchema }, params: idParams } }, async (request, reply) => {
      const record = await records.get(requireAuth(request), request.params.id);
      return reply.header('etag', `"${record.version}"`).send(record);
    });

    app.patch(
      '/records/:id',
      {
        schema: {
          tags,
          summary: 'Write fields of a record (editor). With expected_version (or If-Match) fields changed since then answer 409; others merge',
          response: {
            200: recordInfoSchema,
            409: documentedError('conflict: a field written changed since expected_version; details.current is the record now'),
            423: documentedError('locked: another user holds a lock on a cell written'),
          },
          params: idParams,
          headers: ifMatch,
          body: z.object({ values, expected_version: z.number().int().min(1).optional() }),
        },
      },
      async (request, reply) => {
        const expected = expectedVersion(request.body.expected_version, request.headers['if-match']);
        const record = await records.update(requireAuth(request), request.params.id, request.body.values, expected);
        return reply.header('etag', `"${record.version}"`).send(record);
      },
    );

    app.delete(
      '/records/:id',
      {
        schema: {
          tags,
          summary: 'Delete a record (editor); with If-Match only at that version',
          response: { 204: noContent, 409: documentedError('conflict: the record is no longer at the If-Match version') },
          params: idParams,
          headers: ifMatch,
        },
      },
      async (request, reply) => {
        await records.delete(requireAuth(request), request.params.id, expectedVersion(undefined, request.headers['if-match']));
        return reply.status(204).send();
      },
    );
  };
}

/** The version a write is based on, from the body or an `If-Match` header (`3`, `"3"`, `W/"3"`; `*` = any). */
export function expectedVersion(fromBody: number | undefined, header: string | undefined): number | undefined {
  let fromHeader: number | undefined;
  if (header !== undefined && header.trim() !== '*') {
    const m = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(header);
    if (!m) throw errors.invalid('If-Match must be a record version, e.g. "3".', { field: 'if-match' });
    fromHeader = Number(m[1]);
  }
  if (fromBody !== undefined && fromHeader !== undefined && fromBody !== fromHeader) {
    throw errors.invalid('expected_version and If-Match disagree.', { field: 'expected_version' });
  }
  return fromBody ?? fromHeader;
}

/** The `filter` query parameter: a JSON array of conditions. */
export function parseFilters(raw: string): ViewFilter[] {
  const parsed = z.array(viewFilterSchema).max(50).safeParse(parseJson(raw, 'filter'));
  if (!parsed.success) throw errors.invalid('filter must be a JSON array of {field_id, op, value}.', { field: 'filter', issues: parsed.error.issues });
  return parsed.data;
}

/** The `sort` query parameter: a JSON array of sort keys, or `Field,-Other`. */
export function parseSorts(raw: string): ViewSort[] {
  const text = raw.trim();
  const input = text.startsWith('[')
    ? parseJson(text, 'sort')
    : text
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
        .map((s) => (s.startsWith('-') ? { field_id: s.slice(1), direction: 'desc' } : { field_id: s, direction: 'asc' }));
  const parsed = z.array(viewSortSchema).max(10).safeParse(input);
  if (!parsed.success)
    throw errors.invalid('sort must be a JSON array of {field_id, direction} or "field,-other".', { field: 'sort', issues: parsed.error.issues });
  return parsed.data;
}

function parseJson(raw: string, name: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    throw errors.invalid(`${name} is not valid JSON.`, { field: name });
  }
}
