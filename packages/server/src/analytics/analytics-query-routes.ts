import {
  ANALYTICS_DIMENSIONS,
  ANALYTICS_INTERVALS,
  type AnalyticsFilters,
  type AnalyticsSite,
  type AnalyticsSummary,
  analyticsFiltersSchema,
  type FunnelResult,
  funnelQuerySchema,
  funnelStepSchema,
  summaryQuerySchema,
} from '@tandem/protocol';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AuthInfo } from '../auth/auth-service.ts';
import type { Database } from '../db/database.ts';
import { errors } from '../errors/app-error.ts';
import { requireAuth } from '../http/authenticate.ts';
import { funnel } from './funnel-query.ts';
import type { AnalyticsRollups } from './rollups.ts';
import { SummaryQuery } from './summary-query.ts';

const count = z.number().int().min(0);
const share = z.number().min(0).max(1);

const totalsSchema = z.object({
  visitors: count,
  sessions: count,
  pageviews: count,
  events: count,
  bounce_rate: share,
  avg_session_s: z.number().min(0),
  pageviews_per_session: z.number().min(0),
});

const breakdownRowSchema = z.object({ value: z.string(), visitors: count, pageviews: count, count });

/** Response of `GET /analytics/summary`, checked against the contract's type. */
export const summaryResponseSchema = z.object({
  site_id: z.uuid(),
  from: z.string(),
  to: z.string(),
  interval: z.enum(ANALYTICS_INTERVALS),
  filters: analyticsFiltersSchema,
  totals: totalsSchema,
  previous: totalsSchema.nullable(),
  series: z.array(z.object({ t: z.string(), visitors: count, pageviews: count })).readonly(),
  breakdowns: z.record(z.enum(ANALYTICS_DIMENSIONS), z.array(breakdownRowSchema).readonly()),
  event_properties: z.array(z.object({ event: z.string(), key: z.string(), value: z.string(), count })).readonly(),
}) satisfies z.ZodType<AnalyticsSummary>;

/** Response of `POST /analytics/funnel`. */
export const funnelResponseSchema = z.object({
  site_id: z.uuid(),
  from: z.string(),
  to: z.string(),
  window_minutes: z.number().int(),
  steps: z.array(z.object({ step: funnelStepSchema, visitors: count, conversion: share, drop_off: share })).readonly(),
}) satisfies z.ZodType<FunnelResult>;

/** What the analytics query routes call. */
export interface AnalyticsQueryRouteDeps {
  readonly db: Database;
  readonly rollups: AnalyticsRollups;
  /** The site, when the caller may read its analytics (admin of its workspace or granted access); throws not_found or forbidden otherwise. */
  readonly requireReader: (auth: AuthInfo, siteId: string) => Promise<AnalyticsSite>;
}

/** Parses the `filters` query parameter (JSON of {@link analyticsFiltersSchema}); `invalid_input` when it is not. */
export function parseFilters(text: string | undefined): AnalyticsFilters {
  if (text === undefined || text.trim() === '') return {};
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw errors.invalid('`filters` is not JSON.', { filters: text.slice(0, 200) });
  }
  const parsed = analyticsFiltersSchema.safeParse(json);
  if (!parsed.success) {
    throw errors.invalid('`filters` must be an object of dimension → value.', {
      issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    });
  }
  return parsed.data;
}

/** Summaries and funnels of a site's visitor analytics; readers of the site only. */
export function analyticsQueryRoutes({ db, rollups, requireReader }: AnalyticsQueryRouteDeps) {
  const summaries = new SummaryQuery(db, rollups);
  return async (fastify: FastifyInstance) => {
    const app = fastify.withTypeProvider<ZodTypeProvider>();
    const tags = ['analytics'];

    app.get(
      '/analytics/summary',
      {
        schema: {
          tags,
          summary: "A site's visitors, sessions, page views, bounce rate, series and breakdowns over a range, optionally filtered",
          description:
            '`from` inclusive, `to` exclusive (at most three years; an hourly series at most 93 days). `filters` is JSON such as ' +
            '`{"page":"/pricing","device":"mobile","country":"DE"}`; every filter must hold. Filtered summaries read raw rows, which are kept for ANALYTICS_RETENTION_DAYS.',
          querystring: summaryQuerySchema,
          response: { 200: summaryResponseSchema },
        },
      },
      async (request) => {
        const q = request.query;
        const filters = parseFilters(q.filters);
        const site = await requireReader(requireAuth(request), q.site);
        return summaries.summary({
          siteId: site.id,
          from: new Date(q.from),
          to: new Date(q.to),
          interval: q.interval,
          filters,
          compare: q.compare,
          limit: q.limit,
        });
      },
    );

    app.post(
      '/analytics/funnel',
      {
        schema: {
          tags,
          summary: 'Visitors and conversion per step of an ordered list of pages and events, within a window of the first step',
          body: funnelQuerySchema,
          response: { 200: funnelResponseSchema },
        },
      },
      async (request) => {
        const body = request.body;
        const site = await requireReader(requireAuth(request), body.site);
        return funnel(db, {
          siteId: site.id,
          from: new Date(body.from),
          to: new Date(body.to),
          steps: body.steps,
          windowMinutes: body.window_minutes,
          filters: body.filters ?? {},
        });
      },
    );
  };
}
