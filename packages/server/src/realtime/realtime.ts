import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { AuthService } from '../auth/auth-service.ts';
import type { PresenceStore } from '../backends/presence-store.ts';
import type { AppContext } from '../context.ts';
import type { Access } from '../workspaces/access.ts';
import { Gateway } from './gateway.ts';
import { type RealtimeWindow, registerRealtimeMetrics } from './realtime-metrics.ts';
import { realtimeRoutes } from './realtime-routes.ts';
import { sseRoutes } from './sse-route.ts';
import { attachWebSocketServer, type WsServer } from './ws-server.ts';

/** What {@link createRealtime} needs. */
export interface RealtimeDeps {
  readonly ctx: AppContext;
  readonly app: FastifyInstance;
  readonly auth: AuthService;
  readonly access: Access;
  readonly presence: PresenceStore;
  /** This process's id in the cluster (default: a random one). */
  readonly nodeId?: string;
  /** Same allow-list as the CSRF check (public origin + ALLOWED_ORIGINS). */
  readonly isAllowedOrigin: (origin: string) => boolean;
}

/** The realtime module once composed. */
export interface Realtime {
  readonly gateway: Gateway;
  /** This node's realtime figures per window (frames, deliveries, latencies), for the operations sampler. */
  readonly window: RealtimeWindow;
  /** REST routes to register under `/api/v1` (SSE stream, connect token, presence). */
  routes(): (app: FastifyInstance) => Promise<void>;
  /** Graceful shutdown: clients get close `server_shutdown` (reconnect elsewhere), timers stop. */
  close(): Promise<void>;
}

/**
 * Builds the realtime gateway and attaches `/ws` to the HTTP server. Domains then register their
 * client messages and room checks on `gateway` (see `GatewayApi`). Event history is trimmed by the cluster-wide
 * `event-history-trim` job (EVENT_HISTORY_COUNT / EVENT_HISTORY_HOURS), not here.
 */
export function createRealtime(deps: RealtimeDeps): Realtime {
  const { ctx } = deps;
  let current: Gateway | null = null;
  const counters = registerRealtimeMetrics(ctx.metrics, () => current);
  const gateway = new Gateway({ ctx, access: deps.access, presence: deps.presence, nodeId: deps.nodeId ?? randomUUID(), counters });
  current = gateway;
  const ws: WsServer = attachWebSocketServer(deps.app.server, {
    ctx,
    gateway,
    auth: deps.auth,
    isAllowedOrigin: deps.isAllowedOrigin,
    // The cookie plugin is registered before the realtime module, so its parser is there.
    parseCookie: (header) => deps.app.parseCookie(header),
  });
  return {
    gateway,
    window: counters,
    routes() {
      return async (app) => {
        await app.register(sseRoutes(ctx, gateway));
        await app.register(realtimeRoutes(ctx, gateway, deps.access, deps.presence));
      };
    },
    async close() {
      await gateway.close();
      await ws.close();
    },
  };
}
