import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import pino, { type Logger } from 'pino';
import { activityRoutes } from './activity/activity-routes.ts';
import { type Analytics, installAnalytics } from './analytics/analytics-module.ts';
import { ANALYTICS_MIGRATIONS } from './analytics/migrations.ts';
import { ANALYTICS_ROLLUP_MIGRATIONS } from './analytics/rollup-migrations.ts';
import { authRoutes } from './auth/auth-routes.ts';
import { AuthService } from './auth/auth-service.ts';
import { createBackends } from './backends/create-backends.ts';
import { installChat } from './chat/chat-module.ts';
import { CHAT_MIGRATIONS } from './chat/migrations.ts';
import { installCollaboration } from './collaboration/collaboration-module.ts';
import { COLLABORATION_MIGRATIONS } from './collaboration/migrations.ts';
import type { Config } from './config/schema.ts';
import { loadOrCreateSecrets } from './config/secrets.ts';
import type { AppContext } from './context.ts';
import { CsvImporter } from './csv/csv-import.ts';
import { csvRoutes } from './csv/csv-routes.ts';
import type { Database } from './db/database.ts';
import { FOUNDATION_MIGRATION } from './db/foundation-migration.ts';
import { type Migration, migrate } from './db/migrate.ts';
import { openDatabase } from './db/open.ts';
import { type Documents, installDocuments } from './documents/documents-module.ts';
import { DOCUMENT_MIGRATIONS } from './documents/migrations.ts';
import { EventLog } from './events/event-log.ts';
import { EVENT_MIGRATIONS } from './events/migrations.ts';
import { installFiles } from './files/files-module.ts';
import { FILE_MIGRATIONS } from './files/migrations.ts';
import { installAuthentication } from './http/authenticate.ts';
import { installErrorHandler } from './http/error-handler.ts';
import { answerFrameworkError } from './http/framework-errors.ts';
import { openApiDocumentTransform, openApiTransform } from './http/openapi.ts';
import { installUnstorableTextGuard } from './http/unstorable-text.ts';
import { setWebAssetHeaders } from './http/web-asset-headers.ts';
import { JobRunner } from './jobs/job-runner.ts';
import { installLocks } from './locks/lock-module.ts';
import { ensureVapidKeys, type PushSenderOptions } from './notifications/push-sender.ts';
import { countRequests, createMetricsRegistry, metricsExposureWarning, serveMetrics } from './observability/metrics.ts';
import { OPERATIONS_MIGRATIONS } from './operations/migrations.ts';
import { installOperations, type Operations } from './operations/operations-module.ts';
import { createRealtime, type Realtime } from './realtime/realtime.ts';
import { RECORD_MIGRATIONS } from './records/migrations.ts';
import { recordRoutes } from './records/record-routes.ts';
import { RecordService } from './records/record-service.ts';
import { RecordWriteHooks } from './records/record-write-hooks.ts';
import { FieldService } from './tables/field-service.ts';
import { TABLE_MIGRATIONS } from './tables/migrations.ts';
import { tableRoutes } from './tables/table-routes.ts';
import { TableService } from './tables/table-service.ts';
import { ViewService } from './tables/view-service.ts';
import { Access } from './workspaces/access.ts';
import { installInvitations } from './workspaces/invitations-module.ts';
import { WORKSPACE_MIGRATIONS } from './workspaces/migrations.ts';
import { workspaceRoutes } from './workspaces/workspace-routes.ts';
import { WorkspaceService } from './workspaces/workspace-service.ts';

/** A running Tandem server. */
export interface Tandem {
  readonly app: FastifyInstance;
  readonly ctx: AppContext;
  /** The realtime gateway (WebSocket, SSE, presence, locks) of this node. */
  readonly realtime: Realtime;
  /** The operations dashboard's metrics and the alert rules of this node. */
  readonly operations: Operations;
  /** Collaborative documents loaded on this node, their store and compaction. */
  readonly documents: Documents;
  /** Visitor analytics: sites, beacon ingestion and the live analytics room of this node. */
  readonly analytics: Analytics;
  /** The base URL once listening, e.g. `http://127.0.0.1:3000`. */
  url(): string;
  /** The base URL of the `/metrics` listener of its own (`METRICS_PORT`) once listening; null without one. */
  metricsUrl(): string | null;
  listen(): Promise<string>;
  close(): Promise<void>;
}

/** Options for {@link createTandem} beyond the configuration (used by tests). */
export interface CreateOptions {
  /** Use this already opened database instead of opening one from the configuration. */
  readonly database?: Database;
  readonly logger?: Logger;
  /** How Web Push requests reach push services (e.g. an HTTPS agent trusting a test CA). Default: Node's global agent. */
  readonly push?: PushSenderOptions;
}

/**
 * Every schema change of every domain. Each domain keeps its migrations beside its code and
 * takes ids from its own range (foundation 1, records 2–9, events 10–19, collaboration 20–29, chat 30–39, files 40–49, operations 50–59, documents 60–69, analytics 70–79, workspace invitations 80–89, tables 90–99);
 * `migrate` applies them in id order and refuses an id used twice.
 */
export const MIGRATIONS: readonly Migration[] = [
  FOUNDATION_MIGRATION,
  ...RECORD_MIGRATIONS,
  ...EVENT_MIGRATIONS,
  ...COLLABORATION_MIGRATIONS,
  ...CHAT_MIGRATIONS,
  ...FILE_MIGRATIONS,
  ...OPERATIONS_MIGRATIONS,
  ...DOCUMENT_MIGRATIONS,
  ...ANALYTICS_MIGRATIONS,
  ...ANALYTICS_ROLLUP_MIGRATIONS,
  ...WORKSPACE_MIGRATIONS,
  ...TABLE_MIGRATIONS,
];

const WEB_DIST = fileURLToPath(new URL('../../../apps/web/dist/', import.meta.url));

/**
 * Composes the whole server from configuration: storage, backends, services, HTTP routes and
 * the realtime gateway. Nothing listens until `listen()`.
 */
export async function createTandem(config: Config, options: CreateOptions = {}): Promise<Tandem> {
  const log = options.logger ?? pino({ level: config.logLevel, redact: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.token'] });
  const secrets = await loadOrCreateSecrets(config.dataDir === ':memory:' ? `${process.cwd()}/.tmp/memory-secrets` : config.dataDir, ensureVapidKeys, {
    sessionSecret: config.sessionSecret,
  });
  const onCallbackError = (err: unknown) => log.error({ err }, 'after-commit callback failed');
  const db = options.database ?? (await openDatabase(config, onCallbackError));
  await migrate(db, MIGRATIONS);
  const backends = await createBackends(config, log);
  const events = new EventLog(backends.bus, db, backends.nodeId, (err) => log.error({ err }, 'numbering events failed'));

  let baseUrl = '';
  const ctx: AppContext = {
    config,
    secrets,
    db,
    bus: backends.bus,
    events,
    log,
    metrics: createMetricsRegistry(),
    publicOrigin: () => new URL(config.publicUrl ?? baseUrl).origin,
    hooks: new RecordWriteHooks(),
    jobs: new JobRunner(db, log),
  };

  const app = Fastify({
    loggerInstance: log as unknown as FastifyBaseLogger,
    bodyLimit: config.bodyLimitBytes,
    trustProxy: true,
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: () => crypto.randomUUID(),
    frameworkErrors: answerFrameworkError,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandler(app);
  installUnstorableTextGuard(app);

  await app.register(fastifyCookie);
  await app.register(fastifyRateLimit, { global: false });
  await app.register(fastifySwagger, {
    openapi: {
      info: { title: 'Tandem API', version: '1', description: 'Real-time collaboration for team data. Errors: `{error: {code, message, details}}`.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' }, cookie: { type: 'apiKey', in: 'cookie', name: 'tandem_session' } } },
      security: [{ bearer: [] }, { cookie: [] }],
    },
    transform: openApiTransform,
    transformObject: openApiDocumentTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });

  const isAllowedOrigin = (origin: string) => origin === ctx.publicOrigin() || config.allowedOrigins.includes(origin);
  const auth = new AuthService(ctx);
  installAuthentication(app, auth, isAllowedOrigin);
  const access = new Access(db, config.authCacheMs);
  // Every node forgets a changed membership (this one also does so right after the change).
  ctx.bus.onMessage((message) => {
    if (message.kind === 'control' && message.control.type === 'membership_changed') access.forgetMember(message.control.workspace_id, message.control.user_id);
  });
  const collaboration = installCollaboration(ctx, access, { push: options.push });
  const realtime = createRealtime({ ctx, app, auth, access, presence: backends.presence, nodeId: backends.nodeId, isAllowedOrigin });
  // Record writes ask the lock domain before writing, so it is composed before the record routes.
  const locks = installLocks(ctx, access, backends.locks, realtime.gateway);
  const files = await installFiles(ctx, access);
  const chat = installChat(ctx, access, realtime.gateway, files.service);
  const records = new RecordService(ctx, access, locks);
  const documents = installDocuments(ctx, access, realtime.gateway, records, backends.nodeId);
  const operations = await installOperations(ctx, {
    access,
    gateway: realtime.gateway,
    realtime: realtime.window,
    nodeId: backends.nodeId,
    ping: backends.ping,
  });
  const analytics = await installAnalytics(ctx, access, realtime.gateway);
  const invitations = installInvitations(ctx, access, auth);

  countRequests(app, ctx.metrics);
  // With METRICS_PORT, /metrics is served only by a listener of its own (e.g. on a private interface).
  const metricsApp =
    config.metricsPort === undefined
      ? null
      : Fastify({
          loggerInstance: log as unknown as FastifyBaseLogger,
          logController: new LogController({ disableRequestLogging: true }),
          frameworkErrors: answerFrameworkError,
        });
  if (metricsApp) {
    installErrorHandler(metricsApp);
    serveMetrics(metricsApp, ctx.metrics, config.metricsToken);
  } else serveMetrics(app, ctx.metrics, config.metricsToken);
  let metricsUrl: string | null = null;
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok', database: db.kind, bus: config.redisUrl ? 'redis' : 'memory' }));

  await app.register(
    async (api) => {
      await api.register(authRoutes(ctx, auth));
      await api.register(workspaceRoutes(new WorkspaceService(ctx, access)));
      await api.register(invitations.routes);
      await api.register(realtime.routes());
      await api.register(tableRoutes({ tables: new TableService(ctx, access), fields: new FieldService(ctx, access), views: new ViewService(ctx, access) }));
      await api.register(recordRoutes(records));
      await api.register(csvRoutes(ctx, access, new CsvImporter(ctx, access, records)));
      await api.register(activityRoutes(db, access));
      await api.register(collaboration.routes);
      await api.register(chat.routes);
      await api.register(files.routes);
      await api.register(operations.routes);
      await api.register(documents.routes);
      await api.register(analytics.routes);
    },
    { prefix: '/api/v1' },
  );
  await app.register(analytics.tracker);

  if (existsSync(WEB_DIST)) {
    // The build writes .br and .gz beside each file (scripts/vite-precompress.ts): sent as they are.
    await app.register(fastifyStatic, { root: WEB_DIST, wildcard: false, preCompressed: true, cacheControl: false, setHeaders: setWebAssetHeaders });
    // Client-side routes fall back to the app shell; API and docs keep their JSON 404s. A catch-all
    // route rather than a second not-found handler (the error handler already owns that one).
    app.get('/*', { schema: { hide: true } }, (request, reply) => {
      const path = request.url.split('?')[0] ?? '';
      if (path.startsWith('/api/') || path.startsWith('/docs') || path === '/metrics') {
        return reply.status(404).send({ error: { code: 'not_found', message: `No route ${request.method} ${path}.` } });
      }
      return reply.sendFile('index.html');
    });
  }

  ctx.jobs.start(config.jobsPollMs);

  return {
    app,
    ctx,
    realtime,
    operations,
    documents,
    analytics,
    url: () => baseUrl,
    metricsUrl: () => metricsUrl,
    async listen() {
      baseUrl = await listenAt(app, config.host, config.port);
      const metricsHost = config.metricsHost ?? config.host;
      if (metricsApp) metricsUrl = await listenAt(metricsApp, metricsHost, config.metricsPort ?? 0);
      const warning = metricsExposureWarning({ host: metricsApp ? metricsHost : config.host, token: config.metricsToken });
      if (warning) log.warn(warning);
      return baseUrl;
    },
    async close() {
      await ctx.jobs.stop();
      await operations.close();
      await analytics.close();
      await documents.close();
      await chat.close();
      collaboration.close();
      invitations.close();
      await realtime.close();
      await app.close();
      await metricsApp?.close();
      await files.close();
      await events.close();
      await backends.close();
      if (!options.database) await db.close();
    },
  };
}

/** Starts `app` listening on `host`:`port` (0: any free port) and returns its base URL. */
async function listenAt(app: FastifyInstance, host: string, port: number): Promise<string> {
  await app.listen({ port, host });
  const address = app.server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  return `http://${host.includes(':') ? `[${host}]` : host}:${bound}`;
}
