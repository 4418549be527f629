import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AuthInfo } from '../auth/auth-service.ts';
import type { Queryable } from '../db/database.ts';
import { requireAuth } from '../http/authenticate.ts';
import type { Access } from '../workspaces/access.ts';
import { ACTIVITY_TYPE_FILTERS, queryActivity } from './activity-query.ts';
import { activityPageSchema } from './activity-schemas.ts';

/** Entries per page when `limit` is not given. */
export const DEFAULT_ACTIVITY_PAGE = 50;

const idParams = z.object({ id: z.uuid() });
const activityQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(DEFAULT_ACTIVITY_PAGE),
  cursor: z.string().max(1000).optional().describe('`next_cursor` of the previous page'),
  type: z.enum(ACTIVITY_TYPE_FILTERS).optional().describe('changes, comments, approvals, or one entity type'),
  user: z
    .union([z.uuid(), z.literal('me')])
    .optional()
    .describe('Only entries by this user id (or `me`)'),
  before: z.iso.datetime({ offset: true }).optional().describe('Only entries before this instant'),
  after: z.iso.datetime({ offset: true }).optional().describe('Only entries after this instant'),
});
type ActivityParams = z.infer<typeof activityQuery>;

/** The audit trail: `/workspaces/{id}/activity`, `/tables/{id}/activity`, `/records/{id}/activity`, newest first. */
export function activityRoutes(db: Queryable, access: Access) {
  const read = (auth: AuthInfo, q: ActivityParams, where: { workspaceId: string; tableId?: string; recordId?: string }) =>
    queryActivity(db, {
      ...where,
      type: q.type,
      actorId: q.user === 'me' ? auth.user.id : q.user,
      before: q.before ? new Date(q.before) : undefined,
      after: q.after ? new Date(q.after) : undefined,
      limit: q.limit,
      cursor: q.cursor,
    });

  return async (fastify: FastifyInstance) => {
    const app = fastify.withTypeProvider<ZodTypeProvider>();
    const tags = ['activity'];

    app.get(
      '/workspaces/:id/activity',
      {
        schema: { tags, summary: 'Activity of a workspace, newest first', response: { 200: activityPageSchema }, params: idParams, querystring: activityQuery },
      },
      async (request) => {
        const auth = requireAuth(request);
        const scope = await access.require(auth, 'workspace', request.params.id, 'viewer');
        return read(auth, request.query, { workspaceId: scope.workspaceId });
      },
    );

    app.get(
      '/tables/:id/activity',
      {
        schema: {
          tags,
          summary: 'Activity of a table and its fields, views and records, newest first',
          response: { 200: activityPageSchema },
          params: idParams,
          querystring: activityQuery,
        },
      },
      async (request) => {
        const auth = requireAuth(request);
        const scope = await access.require(auth, 'table', request.params.id, 'viewer');
        return read(auth, request.query, { workspaceId: scope.workspaceId, tableId: request.params.id });
      },
    );

    app.get(
      '/records/:id/activity',
      { schema: { tags, summary: 'Activity of a record, newest first', response: { 200: activityPageSchema }, params: idParams, querystring: activityQuery } },
      async (request) => {
        const auth = requireAuth(request);
        const scope = await access.require(auth, 'record', request.params.id, 'viewer');
        return read(auth, request.query, { workspaceId: scope.workspaceId, recordId: request.params.id });
      },
    );
  };
}
