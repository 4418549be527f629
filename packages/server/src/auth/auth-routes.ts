import type { WorkspaceSummary } from '@tandem/protocol';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { requireAuth, SESSION_COOKIE } from '../http/authenticate.ts';
import { noContent, shape } from '../http/openapi.ts';
import { apiTokenSchema, loginSchema, meSchema, sessionSchema, userInfoSchema } from './account-schemas.ts';
import type { AuthService } from './auth-service.ts';

const email = z.email().max(254);
const password = z.string().min(8, 'must be at least 8 characters').max(512);

/** `POST /auth/register`, `/auth/login`, `/auth/logout`, `/auth/tokens` and `GET /me`. */
export function authRoutes(ctx: AppContext, auth: AuthService) {
  return async (fastify: FastifyInstance) => {
    const app = fastify.withTypeProvider<ZodTypeProvider>();
    const secure = (ctx.config.publicUrl ?? '').startsWith('https:');

    app.post(
      '/auth/register',
      {
        schema: {
          tags: ['auth'],
          summary: 'Create an account',
          response: { 201: shape({ user: userInfoSchema }) },
          body: z.object({ email, name: z.string().trim().min(1).max(100), password }),
        },
        config: { rateLimit: { max: ctx.config.loginRateLimit, timeWindow: 60_000 } },
      },
      async (request, reply) => {
        const user = await auth.register(request.body);
        return reply.status(201).send({ user });
      },
    );

    app.post(
      '/auth/login',
      {
        schema: {
          tags: ['auth'],
          summary: 'Log in; sets the session cookie and returns a bearer token',
          response: { 200: loginSchema },
          body: z.object({ email: z.string().max(254), password: z.string().max(512) }),
        },
        config: { rateLimit: { max: ctx.config.loginRateLimit, timeWindow: 60_000 } },
      },
      async (request, reply) => {
        const { user, token, expiresAt } = await auth.login(request.body.email, request.body.password);
        reply.setCookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'lax', secure, path: '/', expires: expiresAt });
        return { user, token, expires_at: expiresAt.toISOString() };
      },
    );

    app.post('/auth/logout', { schema: { tags: ['auth'], summary: 'End the current session', response: { 204: noContent } } }, async (request, reply) => {
      await auth.logout(requireAuth(request));
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send();
    });

    const workspacesOf = (userId: string) =>
      ctx.db.query<WorkspaceSummary>(
        `SELECT w.id, w.name, m.role FROM members m JOIN workspaces w ON w.id = m.workspace_id WHERE m.user_id = $1 ORDER BY w.created_at`,
        [userId],
      );

    app.get('/me', { schema: { tags: ['auth'], summary: 'The logged-in user and their workspaces', response: { 200: meSchema } } }, async (request) => {
      const { user } = requireAuth(request);
      return { user, workspaces: await workspacesOf(user.id) };
    });

    // The web app asks this on start: "logged out" is an answer here, not a 401 error.
    app.get(
      '/auth/session',
      { schema: { tags: ['auth'], summary: 'Like GET /me, but answers {user: null} instead of 401 when logged out', response: { 200: sessionSchema } } },
      async (request) => {
        if (!request.auth) return { user: null, workspaces: [] };
        return { user: request.auth.user, workspaces: await workspacesOf(request.auth.user.id) };
      },
    );

    app.post(
      '/auth/tokens',
      {
        schema: {
          tags: ['auth'],
          summary: 'Create an API token (shown once) for Authorization: Bearer',
          response: { 201: apiTokenSchema },
          body: z.object({ name: z.string().trim().min(1).max(100), expires_in_days: z.number().int().min(1).max(3650).optional() }),
        },
      },
      async (request, reply) => {
        const { user } = requireAuth(request);
        const token = await auth.createApiToken(user.id, request.body.name, request.body.expires_in_days);
        return reply.status(201).send(token);
      },
    );
  };
}
