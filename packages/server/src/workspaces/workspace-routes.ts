import { roleSchema } from '@tandem/protocol';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireAuth } from '../http/authenticate.ts';
import { noContent, shape } from '../http/openapi.ts';
import { memberSchema, workspaceSchema } from './workspace-schemas.ts';
import type { WorkspaceService } from './workspace-service.ts';

const workspaceParams = z.object({ id: z.uuid() });
const memberParams = z.object({ id: z.uuid(), userId: z.uuid() });

/** Workspace and membership routes. */
export function workspaceRoutes(service: WorkspaceService) {
  return async (fastify: FastifyInstance) => {
    const app = fastify.withTypeProvider<ZodTypeProvider>();
    const tags = ['workspaces'];

    app.get(
      '/workspaces',
      { schema: { tags, summary: 'Workspaces I am a member of', response: { 200: shape({ workspaces: z.array(workspaceSchema) }) } } },
      async (request) => ({
        workspaces: await service.list(requireAuth(request)),
      }),
    );

    app.post(
      '/workspaces',
      {
        schema: {
          tags,
          summary: 'Create a workspace (you become its owner)',
          response: { 201: workspaceSchema },
          body: z.object({ name: z.string().trim().min(1).max(100) }),
        },
      },
      async (request, reply) => reply.status(201).send(await service.create(requireAuth(request), request.body.name)),
    );

    app.get('/workspaces/:id', { schema: { tags, summary: 'One workspace', response: { 200: workspaceSchema }, params: workspaceParams } }, async (request) =>
      service.get(requireAuth(request), request.params.id),
    );

    app.get(
      '/workspaces/:id/members',
      { schema: { tags, summary: 'Members and their roles', response: { 200: shape({ members: z.array(memberSchema) }) }, params: workspaceParams } },
      async (request) => ({
        members: await service.members(requireAuth(request), request.params.id),
      }),
    );

    app.post(
      '/workspaces/:id/members',
      {
        schema: {
          tags,
          summary: 'Add a registered user by email (admin)',
          response: { 201: memberSchema },
          params: workspaceParams,
          body: z.object({ email: z.email(), role: roleSchema.default('editor') }),
        },
      },
      async (request, reply) => reply.status(201).send(await service.addMember(requireAuth(request), request.params.id, request.body.email, request.body.role)),
    );

    app.patch(
      '/workspaces/:id/members/:userId',
      {
        schema: {
          tags,
          summary: "Change a member's role (admin; owner for owners)",
          response: { 200: memberSchema },
          params: memberParams,
          body: z.object({ role: roleSchema }),
        },
      },
      async (request) => service.changeRole(requireAuth(request), request.params.id, request.params.userId, request.body.role),
    );

    app.delete(
      '/workspaces/:id/members/:userId',
      { schema: { tags, summary: 'Remove a member, or leave', response: { 204: noContent }, params: memberParams } },
      async (request, reply) => {
        await service.removeMember(requireAuth(request), request.params.id, request.params.userId);
        return reply.status(204).send();
      },
    );
  };
}
