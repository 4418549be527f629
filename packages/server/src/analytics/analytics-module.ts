import { roomName } from '@tandem/protocol';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.ts';
import type { GatewayApi } from '../gateway-api.ts';
import type { Access } from '../workspaces/access.ts';
import { registerAnalyticsJobs } from './analytics-jobs.ts';
import { analyticsQueryRoutes } from './analytics-query-routes.ts';
import { analyticsRoutes } from './analytics-routes.ts';
import { BeaconIngest } from './beacon-ingest.ts';
import { BeaconWriter, type FlushResult } from './beacon-writer.ts';
import { GeoLookup } from './geo-lookup.ts';
import { LiveAnalytics, type LiveHit } from './live-analytics.ts';
import { AnalyticsRollups } from './rollups.ts';
import { SessionTracker } from './session-tracker.ts';
import { SiteService } from './site-service.ts';
import { trackerRoutes } from './tracker-route.ts';
import { VisitorIds } from './visitor-id.ts';

/** How often nodes share their hits and send `analytics_update` to the room's subscribers. */
export const LIVE_TICK_MS = 1_000;

/** How often salts older than yesterday are deleted. */
const SALT_CLEANUP_EVERY_MS = 3_600_000;

/** The analytics domain wired into a server. */
export interface Analytics {
  readonly routes: (api: FastifyInstance) => Promise<void>;
  /** `GET /t.js`, the tracking snippet, registered at the root. */
  readonly tracker: (app: FastifyInstance) => Promise<void>;
  readonly sites: SiteService;
  readonly rollups: AnalyticsRollups;
  /** Writes every waiting page view and event now (tests and benchmarks; a timer does it every ANALYTICS_FLUSH_MS). */
  flush(): Promise<FlushResult>;
  close(): Promise<void>;
}

/**
 * Visitor analytics: sites and who may read them, the public beacons (enriched, reduced and
 * written in batches), and the `analytics:{workspace}` room with live figures built on every node
 * from the hits all nodes share each second.
 */
export async function installAnalytics(ctx: AppContext, access: Access, gateway: GatewayApi): Promise<Analytics> {
  const sites = new SiteService(ctx.db, access);
  const geo = await GeoLookup.open((err) => ctx.log.warn({ err }, 'analytics: the IP country database is missing; countries stay unknown'));
  const sessions = new SessionTracker();
  const writer = new BeaconWriter(ctx.db, sessions, ctx.log, ctx.config.analyticsFlushMs);
  const live = new LiveAnalytics();
  let outgoing: LiveHit[] = [];
  const visitors = new VisitorIds(ctx.db);
  const ingest = new BeaconIngest({ sites, geo, visitors, sessions, writer, live: (hit) => outgoing.push(hit) });
  const rollups = new AnalyticsRollups(ctx.db);
  registerAnalyticsJobs(ctx, rollups);
  ctx.jobs.register('analytics-salts', SALT_CLEANUP_EVERY_MS, (now) => visitors.forgetOld(now));

  gateway.registerRoomCheck('analytics', (userId, _kind, workspaceId) => sites.canRead(userId, workspaceId));
  gateway.registerRoomState('analytics', async (workspaceId, room) => ({ type: 'analytics_update', room, data: live.figuresOf(workspaceId) }));
  ctx.bus.onMessage((message) => {
    if (message.kind === 'control' && message.control.type === 'analytics_hits') live.add(message.control.hits);
  });

  const tick = () => {
    if (outgoing.length > 0) {
      const hits = outgoing;
      outgoing = [];
      void ctx.bus
        .publish({ kind: 'control', control: { type: 'analytics_hits', hits } })
        .catch((err) => ctx.log.warn({ err }, 'analytics: sharing live hits failed'));
    }
    live.prune();
    sessions.sweep(new Date());
    for (const workspaceId of live.takeChanged()) {
      const room = roomName('analytics', workspaceId);
      if (gateway.localSubscribers(room).length === 0) continue;
      gateway.sendToLocalSubscribers(room, { type: 'analytics_update', room, data: live.figuresOf(workspaceId) }, () => true);
    }
  };
  const ticker = setInterval(tick, LIVE_TICK_MS);
  ticker.unref();
  writer.start();

  const accessChanged = async (workspaceId: string, userId: string) => {
    // The gateway checks the user's subscriptions in the workspace again, the analytics room included.
    await ctx.bus.publish({ kind: 'control', control: { type: 'membership_changed', workspace_id: workspaceId, user_id: userId } });
  };

  return {
    async routes(api) {
      await api.register(analyticsRoutes({ ctx, sites, ingest, accessChanged }));
      await api.register(analyticsQueryRoutes({ db: ctx.db, rollups, requireReader: (auth, siteId) => sites.requireReader(auth, siteId) }));
    },
    tracker: trackerRoutes(),
    sites,
    rollups,
    flush: () => writer.flush(),
    async close() {
      clearInterval(ticker);
      await writer.close();
    },
  };
}
