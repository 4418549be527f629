import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import { AppError } from '../errors/app-error.ts';

/** The server's Prometheus registry with process metrics and HTTP request counters. */
export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'tandem_' });
  return registry;
}

/**
 * Counts the HTTP requests of `app` by route and status into `registry`. Labels use the route
 * pattern, never the raw URL, so ids do not explode the series count.
 */
export function countRequests(app: FastifyInstance, registry: Registry): void {
  const requests = new Counter({
    name: 'tandem_http_requests_total',
    help: 'HTTP requests by method, route and status.',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'tandem_http_request_duration_seconds',
    help: 'HTTP request duration by route.',
    labelNames: ['route'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    requests.inc({ method: request.method, route, status: String(reply.statusCode) });
    duration.observe({ route }, reply.elapsedTime / 1000);
  });
}

/**
 * Serves `GET /metrics` (Prometheus text format) on `app`. With a `token`, only a request carrying
 * `Authorization: Bearer <token>` (what Prometheus' `authorization` scrape setting sends) is served;
 * any other gets `401 unauthenticated`.
 */
export function serveMetrics(app: FastifyInstance, registry: Registry, token: string | undefined): void {
  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    if (token !== undefined && !carriesToken(request, token)) refuse(reply);
    reply.header('content-type', registry.contentType);
    return registry.metrics();
  });
}

function refuse(reply: FastifyReply): never {
  reply.header('www-authenticate', 'Bearer realm="metrics"');
  throw new AppError('unauthenticated', 'GET /metrics needs Authorization: Bearer <METRICS_TOKEN>.');
}

/** Whether the request's bearer token is `token`, compared in constant time. */
function carriesToken(request: FastifyRequest, token: string): boolean {
  const header = request.headers.authorization;
  if (!header?.startsWith('Bearer ')) return false;
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(header.slice(7).trim()), digest(token));
}

/** Where `/metrics` is served and whether it needs a token, as {@link metricsExposureWarning} reads it. */
export interface MetricsExposure {
  /** The interface the listener serving `/metrics` is bound to. */
  readonly host: string;
  readonly token: string | undefined;
}

/**
 * A warning for the start-up log when `/metrics` can be read without a token from other machines
 * (its listener is bound to a non-loopback interface); null when it cannot.
 */
export function metricsExposureWarning(exposure: MetricsExposure): string | null {
  if (exposure.token !== undefined || isLoopback(exposure.host)) return null;
  return `/metrics is readable by anyone who can reach ${exposure.host}: set METRICS_TOKEN, or serve it on a loopback METRICS_HOST with METRICS_PORT.`;
}

function isLoopback(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || h === '::ffff:127.0.0.1';
}
