import { roleSchema } from '@tandem/protocol';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { userInfoSchema } from '../auth/account-schemas.ts';
import type { AppContext } from '../context.ts';
import { requireAuth } from '../http/authenticate.ts';
import { noContent, shape } from '../http/openapi.ts';
import type { InvitationService } from './invitation-service.ts';
import { invitationPreviewSchema, invitationSchema, inviteResultSchema, memberSchema } from './workspace-schemas.ts';

const workspaceParams = z.object({ id: z.uuid() });
const invitationParams = z.object({ id: z.uuid(), invitationId: z.uuid() });
const tokenParams = z.object({ token: z.string().min(1).max(200) });

/** Invitations by email: invite, list and revoke (admins); preview, register through and accept a link. */
export function invitationRoutes(ctx: AppContext, service: InvitationService) {
  return async (fastify: FastifyInstance) => {
    const app = fastify.withTypeProvider<ZodTypeProvider>();
    const tags = ['workspaces'];
    const rateLimit = { max: ctx.config.loginRateLimit, timeWindow: 60_000 };

    app.post(
      '/workspaces/:id/invitations',
      {
        schema: {
          tags,
          summary: 'Invite an email address (admin): an existing account is added at once, any other address gets a link by email',
          params: workspaceParams,
          body: z.object({ email: z.email().max(254), role: roleSchema.default('editor') }),
          response: { 201: inviteResultSchema },
        },
      },
      async (request, reply) => reply.status(201).send(await service.invite(requireAuth(request), request.params.id, request.body.email, request.body.role)),
    );

    app.get(
      '/workspaces/:id/invitations',
      {
        schema: { tags, summary: 'Pending invitations (admin)', params: workspaceParams, response: { 200: shape({ invitations: z.array(invitationSchema) }) } },
      },
      async (request) => ({
        invitations: await service.pending(requireAuth(request), request.params.id),
      }),
    );

    app.delete(
      '/workspaces/:id/invitations/:invitationId',
      { schema: { tags, summary: 'Revoke a pending invitation (admin); its link stops working', params: invitationParams, response: { 204: noContent } } },
      async (request, reply) => {
        await service.revoke(requireAuth(request), request.params.id, request.params.invitationId);
        return reply.status(204).send();
      },
    );

    app.get(
      '/invitations/:token',
      {
        schema: { tags, summary: 'What an invitation link is for (no login needed)', params: tokenParams, response: { 200: invitationPreviewSchema } },
        config: { rateLimit },
      },
      async (request) => service.preview(request.params.token),
    );

    app.post(
      '/invitations/:token/register',
      {
        schema: {
          tags,
          summary: 'Create an account for the invited address and join the workspace with the invited role',
          params: tokenParams,
          body: z.object({ name: z.string().trim().min(1).max(100), password: z.string().min(8, 'must be at least 8 characters').max(512) }),
          response: { 201: shape({ user: userInfoSchema, member: memberSchema }) },
        },
        config: { rateLimit },
      },
      async (request, reply) => reply.status(201).send(await service.register(request.params.token, request.body)),
    );

    app.post(
      '/invitations/:token/accept',
      {
        schema: {
          tags,
          summary: 'Join the workspace as the logged-in user the invitation was sent to',
          params: tokenParams,
          response: { 200: shape({ member: memberSchema }) },
        },
        config: { rateLimit },
      },
      async (request) => ({ member: await service.accept(requireAuth(request), request.params.token) }),
    );
  };
}
