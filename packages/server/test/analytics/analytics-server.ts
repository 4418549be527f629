import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { registerAnalyticsJobs } from '../../src/analytics/analytics-jobs.ts';
import { analyticsQueryRoutes } from '../../src/analytics/analytics-query-routes.ts';
import { ANALYTICS_MIGRATIONS } from '../../src/analytics/migrations.ts';
import { ANALYTICS_ROLLUP_MIGRATIONS } from '../../src/analytics/rollup-migrations.ts';
import { AnalyticsRollups } from '../../src/analytics/rollups.ts';
import { SiteService } from '../../src/analytics/site-service.ts';
import { AuthService } from '../../src/auth/auth-service.ts';
import type { Database } from '../../src/db/database.ts';
import { migrate } from '../../src/db/migrate.ts';
import { installAuthentication } from '../../src/http/authenticate.ts';
import { installErrorHandler } from '../../src/http/error-handler.ts';
import { Access } from '../../src/workspaces/access.ts';
import { type DbKind, startServer, type TestServer } from '../support/server.ts';

/** A test server with analytics: its URL for the query routes, and its rollups. */
export interface AnalyticsTestServer {
  readonly server: TestServer;
  readonly db: Database;
  /** Base URL that serves `GET /api/v1/analytics/summary` and `POST /api/v1/analytics/funnel`. */
  readonly queryUrl: string;
  readonly rollups: AnalyticsRollups;
  close(): Promise<void>;
}

/**
 * Starts a real server with the scheduler off (tests run the jobs with `ctx.jobs.tick()`), and the
 * analytics schema and jobs. Where the composition does not serve the query routes yet, they are
 * mounted on a second Fastify instance over the same database with the server's own
 * authentication and site access checks.
 */
export async function startAnalyticsServer(db: DbKind, overrides: Record<string, unknown> = {}): Promise<AnalyticsTestServer> {
  const server = await startServer({ db, overrides: { jobsPollMs: 0, ...overrides } });
  const ctx = server.tandem.ctx;
  await migrate(ctx.db, [...ANALYTICS_MIGRATIONS, ...ANALYTICS_ROLLUP_MIGRATIONS]);
  const rollups = new AnalyticsRollups(ctx.db);
  if (!ctx.jobs.names().includes('analytics-rollup')) registerAnalyticsJobs(ctx, rollups);
  let side: FastifyInstance | null = null;
  let queryUrl = server.url;
  if (!server.tandem.app.hasRoute({ method: 'GET', url: '/api/v1/analytics/summary' })) {
    side = Fastify();
    side.setValidatorCompiler(validatorCompiler);
    side.setSerializerCompiler(serializerCompiler);
    installErrorHandler(side);
    installAuthentication(side, new AuthService(ctx), () => true);
    const sites = new SiteService(ctx.db, new Access(ctx.db, 0));
    await side.register(analyticsQueryRoutes({ db: ctx.db, rollups, requireReader: (auth, siteId) => sites.requireReader(auth, siteId) }), {
      prefix: '/api/v1',
    });
    queryUrl = await side.listen({ port: 0, host: '127.0.0.1' });
  }
  return {
    server,
    db: ctx.db,
    queryUrl,
    rollups,
    async close() {
      await side?.close();
      await server.close();
    },
  };
}
