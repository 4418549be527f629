import { roleSchema } from '@tandem/protocol';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireAuth } from '../http/authenticate.ts';
import type { WorkspaceService } from './workspace-service.ts';

const workspaceParams = z.object({ id: z.uuid() });
const memberParams = z.object({ id: z.uuid(), userId: z.uuid() });

/** Workspace and membership routes. */
export function workspaceRoutes(service: WorkspaceService) {
  return async (fastify: FastifyInstance) => {
    const app = fastify.withTypeProvider<ZodTypeProvider>();
    const tags = ['workspaces'];

    app.get('/workspaces', { schema: { tags, summary: 'Workspaces I am a member of' } }, async (request) => ({
      workspaces: await service.list(requireAuth(request)),
    }));

    app.post(
      '/workspaces',
      { schema: { tags, summary: 'Create a workspace (you become its owner)', body: z.object({ name: z.string().trim().min(1).max(100) }) } },
      async (request, reply) => reply.status(201).send(await service.create(requireAuth(request), request.body.name)),
    );

    app.get('/workspaces/:id', { schema: { tags, summary: 'One workspace', params: workspaceParams } }, async (request) =>
      service.get(requireAuth(request), request.params.id),
    );

    app.get('/workspaces/:id/members', { schema: { tags, summary: 'Members and their roles', params: workspaceParams } }, async (request) => ({
      members: await service.members(requireAuth(request), request.params.id),
    }));

    app.post(
      '/workspaces/:id/members',
      {
        schema: {
          tags,
          summary: 'Add a registered user by email (admin)',
          params: workspaceParams,
          body: z.object({ email: z.email(), role: roleSchema.default('editor') }),
        },
      },
      async (request, reply) => reply.status(201).send(await service.addMember(requireAuth(request), request.params.id, request.body.email, request.body.role)),
    );

    app.patch(
      '/workspaces/:id/members/:userId',
      { schema: { tags, summary: "Change a member's role (admin; owner for owners)", params: memberParams, body: z.object({ role: roleSchema }) } },
      async (request) => service.changeRole(requireAuth(request), request.params.id, request.params.userId, request.body.role),
    );

    app.delete('/workspaces/:id/members/:userId', { schema: { tags, summary: 'Remove a member, or leave', params: memberParams } }, async (request, reply) => {
      await service.removeMember(requireAuth(request), request.params.id, request.params.userId);
      return reply.status(204).send();
    });
  };
}
