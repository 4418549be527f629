import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { requireAuth } from '../http/authenticate.ts';
import { noContent } from '../http/openapi.ts';
import type { Access } from '../workspaces/access.ts';
import { commentListSchema, commentSchema, followersSchema, followingSchema } from './comment-schemas.ts';
import type { CommentService } from './comment-service.ts';
import { followersOf, setFollowing } from './followers.ts';

const idParams = z.object({ id: z.uuid() });
const commentBody = z.string().trim().min(1, 'must not be empty').max(20_000);
const createBody = z.object({ body: commentBody, parent_id: z.uuid().optional() }).strict();

/** Comments on records and activity entries, and following records. */
export function commentRoutes(ctx: AppContext, access: Access, service: CommentService) {
  return async (fastify: FastifyInstance) => {
    const app = fastify.withTypeProvider<ZodTypeProvider>();
    const tags = ['comments'];

    app.get(
      '/records/:id/comments',
      { schema: { tags, summary: 'Comments on a record, oldest first', response: { 200: commentListSchema }, params: idParams } },
      async (request) => ({
        comments: await service.listForRecord(requireAuth(request), request.params.id),
      }),
    );

    app.post(
      '/records/:id/comments',
      {
        schema: {
          tags,
          summary: 'Comment on a record, or reply with parent_id (commenter+)',
          response: { 201: commentSchema },
          params: idParams,
          body: createBody,
        },
      },
      async (request, reply) =>
        reply.status(201).send(await service.createOnRecord(requireAuth(request), request.params.id, request.body.body, request.body.parent_id)),
    );

    app.get(
      '/activity/:id/comments',
      { schema: { tags, summary: 'Comments on an activity entry', response: { 200: commentListSchema }, params: idParams } },
      async (request) => ({
        comments: await service.listForActivity(requireAuth(request), request.params.id),
      }),
    );

    app.post(
      '/activity/:id/comments',
      { schema: { tags, summary: 'Comment on an activity entry (commenter+)', response: { 201: commentSchema }, params: idParams, body: createBody } },
      async (request, reply) =>
        reply.status(201).send(await service.createOnActivity(requireAuth(request), request.params.id, request.body.body, request.body.parent_id)),
    );

    app.patch(
      '/comments/:id',
      {
        schema: {
          tags,
          summary: 'Edit a comment (author or admin) and/or resolve or reopen its thread',
          response: { 200: commentSchema },
          params: idParams,
          body: z
            .object({ body: commentBody.optional(), resolved: z.boolean().optional() })
            .strict()
            .refine((b) => b.body !== undefined || b.resolved !== undefined, 'give body or resolved'),
        },
      },
      async (request) => {
        const auth = requireAuth(request);
        let comment = request.body.body !== undefined ? await service.update(auth, request.params.id, request.body.body) : undefined;
        if (request.body.resolved !== undefined) {
          const thread = await service.setResolved(auth, request.params.id, request.body.resolved);
          if (!comment || thread.id === comment.id) comment = thread;
        }
        return comment;
      },
    );

    app.post(
      '/comments/:id/resolve',
      { schema: { tags, summary: "Resolve the comment's thread", response: { 200: commentSchema }, params: idParams } },
      async (request) => service.setResolved(requireAuth(request), request.params.id, true),
    );

    app.post(
      '/comments/:id/reopen',
      { schema: { tags, summary: "Reopen the comment's thread", response: { 200: commentSchema }, params: idParams } },
      async (request) => service.setResolved(requireAuth(request), request.params.id, false),
    );

    app.delete(
      '/comments/:id',
      { schema: { tags, summary: 'Delete a comment (author or admin); replies stay', response: { 204: noContent }, params: idParams } },
      async (request, reply) => {
        await service.remove(requireAuth(request), request.params.id);
        return reply.status(204).send();
      },
    );

    app.get(
      '/records/:id/followers',
      { schema: { tags, summary: 'Who follows a record, and whether I do', response: { 200: followersSchema }, params: idParams } },
      async (request) => {
        const auth = requireAuth(request);
        await access.require(auth, 'record', request.params.id, 'viewer');
        const followers = await followersOf(ctx.db, request.params.id);
        return { following: followers.includes(auth.user.id), followers };
      },
    );

    app.post('/records/:id/follow', { schema: { tags, summary: 'Follow a record', response: { 200: followingSchema }, params: idParams } }, async (request) => {
      const auth = requireAuth(request);
      await access.require(auth, 'record', request.params.id, 'viewer');
      await setFollowing(ctx.db, request.params.id, auth.user.id, true);
      return { following: true };
    });

    app.delete(
      '/records/:id/follow',
      { schema: { tags, summary: 'Unfollow a record', response: { 200: followingSchema }, params: idParams } },
      async (request) => {
        const auth = requireAuth(request);
        await access.require(auth, 'record', request.params.id, 'viewer');
        await setFollowing(ctx.db, request.params.id, auth.user.id, false);
        return { following: false };
      },
    );
  };
}
