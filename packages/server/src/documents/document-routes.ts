import { createDocumentSchema, createVersionSchema, updateDocumentSchema } from '@tandem/protocol';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireAuth } from '../http/authenticate.ts';
import type { DocumentService } from './document-service.ts';

const idParams = z.object({ id: z.uuid() });
const versionParams = z.object({ id: z.uuid(), versionId: z.uuid() });

/** Collaborative documents under `/docs`: canvases, rich text field documents, versions. */
export function documentRoutes(service: DocumentService) {
  return async (fastify: FastifyInstance) => {
    const app = fastify.withTypeProvider<ZodTypeProvider>();
    const tags = ['documents'];

    app.post(
      '/docs',
      { schema: { tags, summary: "Create a canvas, or open a rich text field's document (made on first open)", body: createDocumentSchema } },
      async (request, reply) => {
        const { doc, created } = await service.create(requireAuth(request), request.body);
        reply.status(created ? 201 : 200);
        return doc;
      },
    );
    app.get(
      '/docs',
      {
        schema: {
          tags,
          summary: 'Canvases of a workspace (or of one record)',
          querystring: z.object({ workspace_id: z.uuid(), record_id: z.uuid().optional() }),
        },
      },
      async (request) => ({ documents: await service.listCanvases(requireAuth(request), request.query.workspace_id, request.query.record_id) }),
    );
    app.get('/docs/:id', { schema: { tags, summary: 'One document', params: idParams } }, (request) => service.get(requireAuth(request), request.params.id));
    app.patch('/docs/:id', { schema: { tags, summary: 'Rename a canvas', params: idParams, body: updateDocumentSchema } }, (request) =>
      service.rename(requireAuth(request), request.params.id, request.body.name),
    );
    app.delete('/docs/:id', { schema: { tags, summary: 'Delete a canvas', params: idParams } }, async (request, reply) => {
      await service.remove(requireAuth(request), request.params.id);
      return reply.status(204).send();
    });
    app.get(
      '/docs/:id/versions',
      { schema: { tags, summary: 'Versions, newest first, with who changed the document since each', params: idParams } },
      async (request) => ({
        versions: await service.versions(requireAuth(request), request.params.id),
      }),
    );
    app.post(
      '/docs/:id/versions',
      { schema: { tags, summary: 'Take a named version of the document as it is now', params: idParams, body: createVersionSchema } },
      async (request, reply) => {
        reply.status(201);
        return service.createVersion(requireAuth(request), request.params.id, request.body.name);
      },
    );
    app.get('/docs/:id/versions/:versionId', { schema: { tags, summary: 'A version with its state and plain text', params: versionParams } }, (request) =>
      service.preview(requireAuth(request), request.params.id, request.params.versionId),
    );
    app.post(
      '/docs/:id/versions/:versionId/restore',
      { schema: { tags, summary: 'Restore a version (a new update every collaborator follows)', params: versionParams } },
      async (request, reply) => {
        await service.restore(requireAuth(request), request.params.id, request.params.versionId);
        return reply.status(204).send();
      },
    );
  };
}
