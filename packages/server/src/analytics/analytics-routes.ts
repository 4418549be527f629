import { createSiteSchema, eventBeaconSchema, MAX_BEACON_BYTES, pageviewBeaconSchema, updateSiteSchema } from '@tandem/protocol';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { errors } from '../errors/app-error.ts';
import { requireAuth } from '../http/authenticate.ts';
import type { BeaconIngest, BeaconRequest } from './beacon-ingest.ts';
import type { SiteService } from './site-service.ts';

/** An analytics site as the API returns it. */
export const siteResponseSchema = z.object({
  id: z.uuid(),
  workspace_id: z.uuid(),
  name: z.string(),
  domains: z.array(z.string()).readonly(),
  site_key: z.string(),
  respect_dnt: z.boolean(),
  tracks_app: z.boolean(),
  created_at: z.string(),
});

const workspaceParams = z.object({ id: z.uuid() });
const siteParams = z.object({ id: z.uuid() });
const grantParams = z.object({ id: z.uuid(), userId: z.uuid() });
/** Beacons larger than this are refused before parsing (and then again, as invalid, above MAX_BEACON_BYTES). */
const BEACON_BODY_LIMIT = 64 * 1024;

/** What the analytics routes call. */
export interface AnalyticsRouteDeps {
  readonly ctx: AppContext;
  readonly sites: SiteService;
  readonly ingest: BeaconIngest;
  /** After a grant was revoked: the user's analytics room subscriptions are checked again. */
  readonly accessChanged: (workspaceId: string, userId: string) => Promise<void>;
}

/** Sites and analytics access (admins manage, readers list), and the public beacon routes. */
export function analyticsRoutes({ ctx, sites, ingest, accessChanged }: AnalyticsRouteDeps) {
  return async (fastify: FastifyInstance) => {
    const app = fastify.withTypeProvider<ZodTypeProvider>();
    const tags = ['analytics'];

    app.get(
      '/workspaces/:id/analytics/sites',
      {
        schema: {
          tags,
          summary: "The workspace's tracked sites (admins and members granted analytics access)",
          params: workspaceParams,
          response: { 200: z.object({ sites: z.array(siteResponseSchema) }) },
        },
      },
      async (request) => ({ sites: await sites.list(requireAuth(request), request.params.id) }),
    );
    app.post(
      '/workspaces/:id/analytics/sites',
      {
        schema: {
          tags,
          summary: 'Registers a site to track; the answer holds its public site key (admins)',
          params: workspaceParams,
          body: createSiteSchema,
          response: { 201: z.object({ site: siteResponseSchema }) },
        },
      },
      async (request, reply) => {
        const site = await sites.create(requireAuth(request), request.params.id, request.body);
        return reply.status(201).send({ site });
      },
    );
    app.patch(
      '/analytics/sites/:id',
      {
        schema: {
          tags,
          summary: "Changes a site's name, domains or settings (admins)",
          params: siteParams,
          body: updateSiteSchema,
          response: { 200: z.object({ site: siteResponseSchema }) },
        },
      },
      async (request) => ({ site: await sites.update(requireAuth(request), request.params.id, request.body) }),
    );
    app.delete(
      '/analytics/sites/:id',
      { schema: { tags, summary: 'Deletes a site with all its data (admins)', params: siteParams, response: { 204: z.null() } } },
      async (request, reply) => {
        await sites.remove(requireAuth(request), request.params.id);
        return reply.status(204).send(null);
      },
    );

    app.get(
      '/workspaces/:id/analytics/access',
      {
        schema: {
          tags,
          summary: 'Members below admin who may read the analytics (admins)',
          params: workspaceParams,
          response: { 200: z.object({ user_ids: z.array(z.uuid()) }) },
        },
      },
      async (request) => ({ user_ids: await sites.grants(requireAuth(request), request.params.id) }),
    );
    app.put(
      '/workspaces/:id/analytics/access/:userId',
      { schema: { tags, summary: 'Lets a member read the analytics (admins)', params: grantParams, response: { 204: z.null() } } },
      async (request, reply) => {
        await sites.grant(requireAuth(request), request.params.id, request.params.userId);
        return reply.status(204).send(null);
      },
    );
    app.delete(
      '/workspaces/:id/analytics/access/:userId',
      { schema: { tags, summary: "Takes a member's analytics access away (admins)", params: grantParams, response: { 204: z.null() } } },
      async (request, reply) => {
        await sites.revoke(requireAuth(request), request.params.id, request.params.userId);
        await accessChanged(request.params.id, request.params.userId);
        return reply.status(204).send(null);
      },
    );
    app.get(
      '/workspaces/:id/analytics/app-site',
      {
        schema: {
          tags,
          summary: 'The site key the Tandem web app tracks itself with in this workspace, or null (any member)',
          params: workspaceParams,
          response: { 200: z.object({ site_key: z.string().nullable() }) },
        },
      },
      async (request) => ({ site_key: await sites.appSiteKey(requireAuth(request), request.params.id) }),
    );

    await app.register(beaconRoutes(ctx, ingest));
  };
}

/**
 * The public beacon routes, in a scope of their own: they take JSON sent as `text/plain` too (what
 * `navigator.sendBeacon` sends without a CORS preflight), answer CORS for any origin (the beacon
 * itself is then checked against the site's domains), ignore cookies, and are rate limited per IP.
 */
function beaconRoutes(ctx: AppContext, ingest: BeaconIngest) {
  return async (fastify: FastifyInstance) => {
    const app = fastify.withTypeProvider<ZodTypeProvider>();
    const parseBeacon = (_request: FastifyRequest, body: string | Buffer, done: (err: Error | null, body?: unknown) => void) => {
      const text = typeof body === 'string' ? body : body.toString('utf8');
      if (Buffer.byteLength(text) > MAX_BEACON_BYTES) {
        done(errors.invalid(`A beacon is at most ${MAX_BEACON_BYTES} bytes.`));
        return;
      }
      try {
        done(null, JSON.parse(text));
      } catch {
        done(errors.invalid('A beacon is a JSON object.'));
      }
    };
    app.removeAllContentTypeParsers();
    app.addContentTypeParser(['application/json', 'text/plain'], { parseAs: 'string', bodyLimit: BEACON_BODY_LIMIT }, parseBeacon);

    const cors = (request: FastifyRequest, reply: FastifyReply) => {
      const origin = request.headers.origin;
      if (origin) {
        reply.header('access-control-allow-origin', origin);
        reply.header('vary', 'Origin');
      }
    };
    app.addHook('onRequest', async (request, reply) => cors(request, reply));
    app.addHook('onError', async (request, reply) => cors(request, reply));

    const beaconRequest = (request: FastifyRequest): BeaconRequest => ({
      ip: request.ip,
      userAgent: request.headers['user-agent'],
      origin: request.headers.origin,
      optedOut: request.headers.dnt === '1' || request.headers['sec-gpc'] === '1',
      at: new Date(),
    });
    const limits = { rateLimit: { max: ctx.config.analyticsRateLimit, timeWindow: 60_000 }, ignoresCredentials: true };
    const accepted = { 202: z.null() };

    for (const path of ['/analytics/pageview', '/analytics/event']) {
      app.options(
        path,
        { schema: { tags: ['analytics'], summary: 'CORS preflight of a beacon', hide: true }, config: { ignoresCredentials: true } },
        async (_request, reply) => {
          reply.header('access-control-allow-methods', 'POST');
          reply.header('access-control-allow-headers', 'content-type');
          reply.header('access-control-max-age', '86400');
          return reply.status(204).send();
        },
      );
    }
    app.post(
      '/analytics/pageview',
      {
        config: limits,
        schema: {
          tags: ['analytics'],
          summary: 'Counts a page view (public, with the site key; sent by /t.js and the SDK)',
          security: [],
          body: pageviewBeaconSchema,
          response: accepted,
        },
      },
      async (request, reply) => {
        await ingest.pageview(request.body, beaconRequest(request));
        return reply.status(202).send(null);
      },
    );
    app.post(
      '/analytics/event',
      {
        config: limits,
        schema: {
          tags: ['analytics'],
          summary: 'Counts a custom event such as a sign-up (public, with the site key)',
          security: [],
          body: eventBeaconSchema,
          response: accepted,
        },
      },
      async (request, reply) => {
        await ingest.event(request.body, beaconRequest(request));
        return reply.status(202).send(null);
      },
    );
  };
}
