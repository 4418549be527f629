import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { errors } from '../errors/app-error.ts';
import { requireAuth } from '../http/authenticate.ts';
import { noContent, shape } from '../http/openapi.ts';
import type { NotificationInbox } from './notification-inbox.ts';
import { notificationPageSchema, preferencesSchema, unreadCountSchema } from './notification-schemas.ts';
import { loadPreferences, preferencesPatchSchema, updatePreferences } from './preferences.ts';
import { hasUsableKeys, type PushSender } from './push-sender.ts';

const idParams = z.object({ id: z.uuid() });
const flag = z.enum(['true', 'false']).transform((v) => v === 'true');
const subscription = z
  .object({
    endpoint: z.url().max(2000),
    keys: z
      .object({ p256dh: z.string().min(1).max(200), auth: z.string().min(1).max(100) })
      // Keys that cannot encrypt would fail every delivery; refuse them up front.
      .refine(hasUsableKeys, 'p256dh must be a base64url P-256 public key (65 bytes) and auth a base64url secret of at least 16 bytes'),
    expirationTime: z.number().nullable().optional(),
  })
  .strict();

/** The inbox, preferences and browser push subscriptions of the logged-in user. */
export function notificationRoutes(ctx: AppContext, inbox: NotificationInbox, push: PushSender | null, now: () => Date) {
  return async (fastify: FastifyInstance) => {
    const app = fastify.withTypeProvider<ZodTypeProvider>();
    const tags = ['notifications'];

    app.get(
      '/notifications',
      {
        schema: {
          tags,
          summary: 'My notifications, newest first',
          response: { 200: notificationPageSchema },
          querystring: z.object({
            unread: flag.optional(),
            archived: flag.optional(),
            cursor: z.coerce.number().int().min(0).optional(),
            limit: z.coerce.number().int().min(1).max(200).default(50),
          }),
        },
      },
      async (request) => inbox.list(requireAuth(request).user.id, request.query),
    );

    app.get(
      '/notifications/unread-count',
      { schema: { tags, summary: 'How many unread notifications I have', response: { 200: unreadCountSchema } } },
      async (request) => ({
        unread_count: await inbox.unreadCount(requireAuth(request).user.id),
      }),
    );

    app.post(
      '/notifications/read',
      { schema: { tags, summary: 'Mark all my notifications read', response: { 200: shape({ marked: z.number().int(), unread_count: z.number().int() }) } } },
      async (request) => inbox.markAllRead(requireAuth(request).user.id),
    );

    app.post(
      '/notifications/:id/read',
      { schema: { tags, summary: 'Mark one notification read', response: { 200: unreadCountSchema }, params: idParams } },
      async (request) => inbox.markRead(requireAuth(request).user.id, request.params.id),
    );

    app.post(
      '/notifications/:id/archive',
      { schema: { tags, summary: 'Archive one notification', response: { 200: unreadCountSchema }, params: idParams } },
      async (request) => inbox.archive(requireAuth(request).user.id, request.params.id),
    );

    app.get(
      '/notifications/preferences',
      { schema: { tags, summary: 'My notification preferences', response: { 200: preferencesSchema } } },
      async (request) => {
        const userId = requireAuth(request).user.id;
        return (await loadPreferences(ctx.db, [userId])).get(userId);
      },
    );

    app.put(
      '/notifications/preferences',
      {
        schema: {
          tags,
          summary: 'Change my preferences (parts not given stay as they are)',
          response: { 200: preferencesSchema },
          body: preferencesPatchSchema,
        },
      },
      async (request) => updatePreferences(ctx.db, requireAuth(request).user.id, request.body, now()),
    );

    app.get(
      '/notifications/push-key',
      { schema: { tags, summary: 'VAPID public key for PushManager.subscribe', response: { 200: shape({ public_key: z.string() }) } } },
      async (request) => {
        requireAuth(request);
        if (!push) throw errors.notFound('Push configuration');
        return { public_key: push.publicKey };
      },
    );

    app.post(
      '/notifications/push-subscriptions',
      {
        schema: {
          tags,
          summary: "Register this browser's push subscription",
          response: { 201: shape({ endpoint: z.string(), subscribed: z.boolean() }) },
          body: subscription,
        },
      },
      async (request, reply) => {
        const userId = requireAuth(request).user.id;
        const { endpoint, keys } = request.body;
        // An endpoint belongs to one browser; re-subscribing moves it to whoever is logged in now.
        await ctx.db.query(
          `INSERT INTO push_subscriptions (id, user_id, endpoint, p256dh, auth, user_agent) VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (endpoint) DO UPDATE SET user_id = EXCLUDED.user_id, p256dh = EXCLUDED.p256dh, auth = EXCLUDED.auth, user_agent = EXCLUDED.user_agent`,
          [randomUUID(), userId, endpoint, keys.p256dh, keys.auth, request.headers['user-agent'] ?? null],
        );
        return reply.status(201).send({ endpoint, subscribed: true });
      },
    );

    app.delete(
      '/notifications/push-subscriptions',
      { schema: { tags, summary: 'Remove a push subscription', response: { 204: noContent }, body: z.object({ endpoint: z.string().min(1).max(2000) }) } },
      async (request, reply) => {
        const userId = requireAuth(request).user.id;
        await ctx.db.query('DELETE FROM push_subscriptions WHERE user_id = $1 AND endpoint = $2', [userId, request.body.endpoint]);
        return reply.status(204).send();
      },
    );
  };
}
