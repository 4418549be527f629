import { fieldTypeSchema, viewFilterSchema, viewSortSchema } from '@tandem/protocol';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireAuth } from '../http/authenticate.ts';
import { noContent, shape } from '../http/openapi.ts';
import type { FieldService } from './field-service.ts';
import {
  conversionPreviewSchema,
  fieldInfoSchema,
  fieldUpdateSchema,
  recordsChanged,
  tableDetailSchema,
  tableInfoSchema,
  viewInfoSchema,
} from './table-schemas.ts';
import type { TableService } from './table-service.ts';
import type { ViewService } from './view-service.ts';

const idParams = z.object({ id: z.uuid() });
const name = z.string().trim().min(1).max(100);
const position = z.number().int().min(0).max(1_000_000);
const options = z.record(z.string(), z.unknown()).describe('Type-specific options; see docs/api.md');
const description = z.string().max(2000).describe("What the field is for, shown next to its name; '' removes it");
const newField = z.object({ name, description: description.optional(), type: fieldTypeSchema, options: options.optional() });
const viewBody = z.object({
  name,
  filters: z.array(viewFilterSchema).max(50).optional(),
  sorts: z.array(viewSortSchema).max(10).optional(),
  hidden_fields: z.array(z.string()).max(500).optional(),
  position: position.optional(),
});

/** The services behind the schema routes. */
export interface SchemaServices {
  readonly tables: TableService;
  readonly fields: FieldService;
  readonly views: ViewService;
}

/** Tables, fields and views: `/workspaces/{id}/tables`, `/tables/{id}`, `/fields/{id}`, `/views/{id}`. */
export function tableRoutes(services: SchemaServices) {
  return async (fastify: FastifyInstance) => {
    const app = fastify.withTypeProvider<ZodTypeProvider>();
    const { tables, fields, views } = services;

    app.get(
      '/workspaces/:id/tables',
      { schema: { tags: ['tables'], summary: 'Tables of a workspace', response: { 200: shape({ tables: z.array(tableInfoSchema) }) }, params: idParams } },
      async (request) => ({
        tables: await tables.list(requireAuth(request), request.params.id),
      }),
    );

    app.post(
      '/workspaces/:id/tables',
      {
        schema: {
          tags: ['tables'],
          summary: 'Create a table (admin); without fields it gets a text field "Name"',
          response: { 201: tableDetailSchema },
          params: idParams,
          body: z.object({ name, description: z.string().max(10_000).optional(), fields: z.array(newField).max(200).optional() }),
        },
      },
      async (request, reply) => reply.status(201).send(await tables.create(requireAuth(request), request.params.id, request.body)),
    );

    app.get(
      '/tables/:id',
      { schema: { tags: ['tables'], summary: 'A table with its fields and views', response: { 200: tableDetailSchema }, params: idParams } },
      async (request) => tables.get(requireAuth(request), request.params.id),
    );

    app.patch(
      '/tables/:id',
      {
        schema: {
          tags: ['tables'],
          summary: 'Rename, describe or move a table (admin)',
          response: { 200: tableInfoSchema },
          params: idParams,
          body: z.object({ name: name.optional(), description: z.string().max(10_000).optional(), position: position.optional() }),
        },
      },
      async (request) => tables.update(requireAuth(request), request.params.id, request.body),
    );

    app.delete(
      '/tables/:id',
      {
        schema: {
          tags: ['tables'],
          summary: 'Delete a table with its records (admin); link fields pointing at it go too',
          response: { 204: noContent },
          params: idParams,
        },
      },
      async (request, reply) => {
        await tables.delete(requireAuth(request), request.params.id);
        return reply.status(204).send();
      },
    );

    app.post(
      '/tables/:id/fields',
      {
        schema: {
          tags: ['fields'],
          summary: 'Add a field (admin)',
          response: { 201: fieldInfoSchema },
          params: idParams,
          body: newField.extend({ position: position.optional() }),
        },
      },
      async (request, reply) => reply.status(201).send(await fields.create(requireAuth(request), request.params.id, request.body)),
    );

    app.patch(
      '/fields/:id',
      {
        schema: {
          tags: ['fields'],
          summary: 'Rename, move, retype or re-option a field (admin); stored values are converted or cleared',
          response: { 200: fieldUpdateSchema },
          params: idParams,
          body: z.object({
            name: name.optional(),
            description: description.optional(),
            type: fieldTypeSchema.optional(),
            options: options.optional(),
            position: position.optional(),
          }),
        },
      },
      async (request) => fields.update(requireAuth(request), request.params.id, request.body),
    );

    app.post(
      '/fields/:id/conversion-preview',
      {
        schema: {
          tags: ['fields'],
          summary: 'How many records a type or options change would convert or clear, without changing anything (admin)',
          response: { 200: conversionPreviewSchema },
          params: idParams,
          body: z.object({ type: fieldTypeSchema.optional(), options: options.optional() }),
        },
      },
      async (request) => fields.previewConversion(requireAuth(request), request.params.id, request.body),
    );

    app.delete(
      '/fields/:id',
      {
        schema: {
          tags: ['fields'],
          summary: 'Delete a field and its values in every record (admin)',
          response: { 200: shape({ records_changed: recordsChanged }) },
          params: idParams,
        },
      },
      async (request) => fields.delete(requireAuth(request), request.params.id),
    );

    app.get(
      '/tables/:id/views',
      { schema: { tags: ['views'], summary: 'Saved views of a table', response: { 200: shape({ views: z.array(viewInfoSchema) }) }, params: idParams } },
      async (request) => ({
        views: await views.list(requireAuth(request), request.params.id),
      }),
    );

    app.post(
      '/tables/:id/views',
      {
        schema: {
          tags: ['views'],
          summary: 'Save a view: filters, sorts, hidden fields (editor)',
          response: { 201: viewInfoSchema },
          params: idParams,
          body: viewBody,
        },
      },
      async (request, reply) => reply.status(201).send(await views.create(requireAuth(request), request.params.id, request.body)),
    );

    app.patch(
      '/views/:id',
      { schema: { tags: ['views'], summary: 'Change a view (editor)', response: { 200: viewInfoSchema }, params: idParams, body: viewBody.partial() } },
      async (request) => views.update(requireAuth(request), request.params.id, request.body),
    );

    app.delete(
      '/views/:id',
      { schema: { tags: ['views'], summary: 'Delete a view (editor)', response: { 204: noContent }, params: idParams } },
      async (request, reply) => {
        await views.delete(requireAuth(request), request.params.id);
        return reply.status(204).send();
      },
    );
  };
}
