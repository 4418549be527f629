import { randomUUID } from 'node:crypto';
import { createDocumentSchema, createVersionSchema, MAX_DOC_MESSAGE_BASE64, updateDocumentSchema } from '@tandem/protocol';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireAuth } from '../http/authenticate.ts';
import { described, noContent, shape } from '../http/openapi.ts';
import type { DocumentAccess } from './document-access.ts';
import type { DocumentHub } from './document-hub.ts';
import { documentInfoSchema, documentVersionPreviewSchema, documentVersionSchema, syncAnswerSchema } from './document-schemas.ts';
import type { DocumentService } from './document-service.ts';

const idParams = z.object({ id: z.uuid() });
const versionParams = z.object({ id: z.uuid(), versionId: z.uuid() });
const messageBody = z.object({ data: z.base64().max(MAX_DOC_MESSAGE_BASE64) }).strict();

/** Collaborative documents under `/docs`: canvases, rich text field documents, versions. */
export function documentRoutes(service: DocumentService, hub: DocumentHub, docs: DocumentAccess) {
  return async (fastify: FastifyInstance) => {
    const app = fastify.withTypeProvider<ZodTypeProvider>();
    const tags = ['documents'];

    app.post(
      '/docs',
      {
        schema: {
          tags,
          summary: "Create a canvas, or open a rich text field's document (made on first open)",
          response: { 200: described(documentInfoSchema, 'The rich text document that already existed'), 201: documentInfoSchema },
          body: createDocumentSchema,
        },
      },
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
          response: { 200: shape({ documents: z.array(documentInfoSchema) }) },
          querystring: z.object({ workspace_id: z.uuid(), record_id: z.uuid().optional() }),
        },
      },
      async (request) => ({ documents: await service.listCanvases(requireAuth(request), request.query.workspace_id, request.query.record_id) }),
    );
    app.get('/docs/:id', { schema: { tags, summary: 'One document', response: { 200: documentInfoSchema }, params: idParams } }, (request) =>
      service.get(requireAuth(request), request.params.id),
    );
    app.patch(
      '/docs/:id',
      { schema: { tags, summary: 'Rename a canvas', response: { 200: documentInfoSchema }, params: idParams, body: updateDocumentSchema } },
      (request) => service.rename(requireAuth(request), request.params.id, request.body.name),
    );
    app.delete('/docs/:id', { schema: { tags, summary: 'Delete a canvas', response: { 204: noContent }, params: idParams } }, async (request, reply) => {
      await service.remove(requireAuth(request), request.params.id);
      return reply.status(204).send();
    });
    // The SSE fallback's way in: the same messages as `doc_sync` and `doc_awareness` over a socket.
    app.post(
      '/docs/:id/sync',
      {
        schema: {
          tags,
          summary: 'A y-protocols sync message (base64), as `doc_sync` over the socket; answers as its ack',
          response: { 200: syncAnswerSchema },
          params: idParams,
          body: messageBody,
        },
      },
      async (request) => {
        const auth = requireAuth(request);
        const doc = await docs.require(auth, request.params.id, 'viewer');
        return hub.sync({ id: `rest:${randomUUID()}`, userId: auth.user.id, auth }, doc, request.body.data);
      },
    );
    app.post(
      '/docs/:id/awareness',
      {
        schema: {
          tags,
          summary: 'A y-protocols awareness update (base64), as `doc_awareness` over the socket',
          response: { 204: noContent },
          params: idParams,
          body: messageBody,
        },
      },
      async (request, reply) => {
        const auth = requireAuth(request);
        const doc = await docs.require(auth, request.params.id, 'viewer');
        await hub.awareness({ id: `rest:${auth.credentialId}`, userId: auth.user.id, auth }, doc, request.body.data);
        return reply.status(204).send();
      },
    );
    app.get(
      '/docs/:id/versions',
      {
        schema: {
          tags,
          summary: 'Versions, newest first, with who changed the document since each',
          response: { 200: shape({ versions: z.array(documentVersionSchema) }) },
          params: idParams,
        },
      },
      async (request) => ({
        versions: await service.versions(requireAuth(request), request.params.id),
      }),
    );
    app.post(
      '/docs/:id/versions',
      {
        schema: {
          tags,
          summary: 'Take a named version of the document as it is now',
          response: { 201: documentVersionSchema },
          params: idParams,
          body: createVersionSchema,
        },
      },
      async (request, reply) => {
        reply.status(201);
        return service.createVersion(requireAuth(request), request.params.id, request.body.name);
      },
    );
    app.get(
      '/docs/:id/versions/:versionId',
      {
        schema: {
          tags,
          summary: 'A version with its state, its plain text and what changed since it',
          response: { 200: documentVersionPreviewSchema },
          params: versionParams,
        },
      },
      (request) => service.preview(requireAuth(request), request.params.id, request.params.versionId),
    );
    app.post(
      '/docs/:id/versions/:versionId/restore',
      {
        schema: {
          tags,
          summary: 'Restore a version (a new update every collaborator follows), saving what it replaces as a version first',
          response: { 200: shape({ saved_version: documentVersionSchema.nullable() }) },
          params: versionParams,
        },
      },
      (request) => service.restore(requireAuth(request), request.params.id, request.params.versionId),
    );
  };
}
