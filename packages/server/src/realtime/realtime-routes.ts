import { PRESENCE_STATUSES, ROOM_KINDS } from '@tandem/protocol';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ONLINE_ROOM, type PresenceStore } from '../backends/presence-store.ts';
import type { AppContext } from '../context.ts';
import { AppError } from '../errors/app-error.ts';
import { requireAuth } from '../http/authenticate.ts';
import { id, shape, timestamp } from '../http/openapi.ts';
import type { Access } from '../workspaces/access.ts';
import { issueConnectToken } from './connect-token.ts';
import type { Gateway } from './gateway.ts';

/** `POST /realtime/token`, `GET /presence`, `GET /realtime/online-users`, `POST /realtime/presence`. */
export function realtimeRoutes(ctx: AppContext, gateway: Gateway, access: Access, store: PresenceStore) {
  return async (fastify: FastifyInstance) => {
    const app = fastify.withTypeProvider<ZodTypeProvider>();
    const tags = ['realtime'];

    app.post(
      '/realtime/token',
      {
        schema: {
          tags,
          summary: 'A connect token (valid 60 s) for `/ws?token=` or `/events?token=`',
          response: { 200: shape({ token: z.string(), expires_at: timestamp }) },
        },
      },
      async (request) => {
        const { token, expiresAt } = issueConnectToken(requireAuth(request), ctx.secrets.sessionSecret);
        return { token, expires_at: expiresAt.toISOString() };
      },
    );

    app.get(
      '/presence',
      {
        schema: {
          tags,
          summary: 'Who is in a room (one entry per user)',
          response: { 200: shape({ room: z.string(), users: z.array(shape({ user_id: id, name: z.string() })) }) },
          querystring: z.object({ resource_type: z.enum([...ROOM_KINDS, 'system']), resource_id: z.string().optional() }),
        },
      },
      async (request) => {
        const { user } = requireAuth(request);
        const { resource_type, resource_id } = request.query;
        const room = resource_type === 'system' ? 'system' : `${resource_type}:${resource_id ?? ''}`;
        if (!(await gateway.canRead(user.id, room))) throw new AppError('not_found', 'Resource not found.');
        return { room, users: await gateway.presence.list(room) };
      },
    );

    app.get(
      '/realtime/online-users',
      {
        schema: {
          tags,
          summary: 'Members of a workspace with an open connection',
          response: { 200: shape({ users: z.array(shape({ user_id: id, name: z.string(), color: z.string(), status: z.enum(PRESENCE_STATUSES) })) }) },
          querystring: z.object({ workspace_id: z.uuid() }),
        },
      },
      async (request) => {
        const scope = await access.require(requireAuth(request), 'workspace', request.query.workspace_id, 'viewer');
        const online = await store.list(ONLINE_ROOM);
        if (online.length === 0) return { users: [] };
        const members = await ctx.db.query<{ user_id: string }>('SELECT user_id FROM members WHERE workspace_id = $1 AND user_id = ANY($2::uuid[])', [
          scope.workspaceId,
          online.map((e) => e.user_id),
        ]);
        const ids = new Set(members.map((m) => m.user_id));
        return {
          users: online.filter((e) => ids.has(e.user_id)).map((e) => ({ user_id: e.user_id, name: e.name, color: e.color, status: e.status, since: e.since })),
        };
      },
    );

    app.post(
      '/realtime/presence',
      {
        schema: {
          tags,
          summary: 'Set my status in every room I am present in',
          response: { 200: shape({ status: z.enum(PRESENCE_STATUSES) }) },
          body: z.object({ status: z.enum(PRESENCE_STATUSES) }),
        },
      },
      async (request) => {
        const { user } = requireAuth(request);
        await gateway.presence.setStatus(user.id, request.body.status, gateway.connections());
        return { status: request.body.status };
      },
    );
  };
}
