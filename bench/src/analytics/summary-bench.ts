import type { AnalyticsSummary } from '../../../packages/protocol/src/index.ts';
import { insertSite } from '../../../packages/server/test/analytics/analytics-fixture.ts';
import { startAnalyticsServer } from '../../../packages/server/test/analytics/analytics-server.ts';
import { ApiClient, newTeam } from '../../../packages/server/test/support/http-client.ts';
import { seedYear } from './summary-seed.ts';

const DAY_MS = 86_400_000;

/** Options of {@link runSummaryBench}. */
export interface SummaryBenchOptions {
  readonly database: 'pglite' | 'postgres';
  /** Page views seeded over the year (2.5 per session on average). */
  readonly pageviews: number;
  /** Timed one-year summaries (after {@link WARM_UP} untimed ones). */
  readonly runs: number;
  readonly log: (message: string) => void;
}

/** Latency percentiles in milliseconds. */
export interface Percentiles {
  readonly p50: number;
  readonly p95: number;
  readonly max: number;
}

/** What one database's summary benchmark measured. */
export interface SummaryBenchResult {
  readonly database: 'pglite' | 'postgres';
  readonly pageviews: number;
  readonly sessions: number;
  readonly events: number;
  readonly seedSec: number;
  readonly rolledDays: number;
  readonly rollupSec: number;
  readonly rollupRows: number;
  readonly runs: number;
  /** `GET /analytics/summary` over the last 365 days and today, unfiltered, through HTTP. */
  readonly yearMs: Percentiles;
  /** The same with `compare=previous` (the previous year has no data, so this adds the rollup scan of its totals). */
  readonly yearCompareMs: Percentiles;
  /** The last 30 days filtered by country and device: raw rows only. */
  readonly filteredMonthMs: Percentiles;
  /** Totals of the year as answered, to show the summary covered the whole seed. */
  readonly yearTotals: AnalyticsSummary['totals'];
}

const WARM_UP = 3;

/**
 * Seeds one site with `pageviews` page views spread over the last 365 days (generate_series in
 * SQL: sessions of 1–4 page views, one in five with a custom event, 200 pages, 30 sources, 50
 * countries), rolls up every complete day as the rollup job would, then times summaries through
 * the real HTTP route.
 */
export async function runSummaryBench(options: SummaryBenchOptions): Promise<SummaryBenchResult> {
  const { log } = options;
  const t = await startAnalyticsServer(options.database);
  try {
    const owner = await newTeam(t.server.url, {});
    const siteId = await insertSite(t.db, owner.workspaceId, 'Benchmark');
    const today = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate());
    const start = new Date(today - 365 * DAY_MS);
    await t.db.query('UPDATE analytics_sites SET created_at = $2 WHERE id = $1', [siteId, start]);

    const seedStarted = Date.now();
    const sessions = Math.round(options.pageviews / 2.5);
    log(`  seeding ${sessions.toLocaleString('en-US')} sessions and ${options.pageviews.toLocaleString('en-US')} page views on ${options.database}`);
    const counts = await seedYear(t.db, siteId, start, new Date(), sessions);
    const seedSec = round1((Date.now() - seedStarted) / 1000);
    log(`  seeded in ${seedSec} s: ${counts.pageviews} page views, ${counts.events} events`);

    const rollupStarted = Date.now();
    const rolledDays = await t.rollups.rollUpSite(siteId, start, new Date(), 400);
    const rollupSec = round1((Date.now() - rollupStarted) / 1000);
    const [rollupCount] = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM analytics_rollups WHERE site_id = $1', [siteId]);
    log(`  rolled up ${rolledDays} days in ${rollupSec} s (${rollupCount?.n} rollup rows)`);

    // PGlite runs in this process and its statements do not yield to the event loop: seeding and
    // rolling up held it for minutes, past the server's 72 s keep-alive timeout, so the timer that
    // closes the connection the sign-up requests left open is overdue. Run without a pause, the
    // first summary went out on that connection as the timer fired and ended in ECONNRESET
    // ("fetch failed"); a turn of the loop lets the server close it first, and fetch opens a new one.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const client = new ApiClient(t.queryUrl, owner.owner.token, owner.owner.user);
    const year = { site: siteId, from: start.toISOString(), to: new Date(today + DAY_MS).toISOString() };
    const time = async (query: Record<string, string>, runs: number): Promise<{ ms: Percentiles; body: AnalyticsSummary }> => {
      const samples: number[] = [];
      let body: AnalyticsSummary | null = null;
      for (let i = 0; i < WARM_UP + runs; i++) {
        const began = performance.now();
        const res = await client.get<AnalyticsSummary>(`/analytics/summary?${new URLSearchParams(query)}`);
        const ms = performance.now() - began;
        if (res.status !== 200) throw new Error(`summary answered ${res.status}: ${JSON.stringify(res.body)}`);
        if (i >= WARM_UP) samples.push(ms);
        body = res.body;
      }
      return { ms: percentiles(samples), body: body as AnalyticsSummary };
    };
    const yearRun = await time(year, options.runs);
    log(`  one-year summary: p50 ${yearRun.ms.p50} ms, p95 ${yearRun.ms.p95} ms (${yearRun.body.totals.pageviews} page views)`);
    if (yearRun.body.totals.pageviews !== counts.pageviews)
      throw new Error(`the summary counted ${yearRun.body.totals.pageviews} of ${counts.pageviews} page views`);
    const compare = await time({ ...year, compare: 'previous' }, options.runs);
    log(`  with compare=previous: p50 ${compare.ms.p50} ms, p95 ${compare.ms.p95} ms`);
    const filtered = await time(
      {
        site: siteId,
        from: new Date(today - 29 * DAY_MS).toISOString(),
        to: new Date(today + DAY_MS).toISOString(),
        filters: JSON.stringify({ country: 'DE', device: 'mobile' }),
      },
      Math.max(5, Math.round(options.runs / 4)),
    );
    log(`  30 days filtered by country and device: p50 ${filtered.ms.p50} ms, p95 ${filtered.ms.p95} ms`);
    return {
      database: options.database,
      pageviews: counts.pageviews,
      sessions: counts.sessions,
      events: counts.events,
      seedSec,
      rolledDays,
      rollupSec,
      rollupRows: rollupCount?.n ?? 0,
      runs: options.runs,
      yearMs: yearRun.ms,
      yearCompareMs: compare.ms,
      filteredMonthMs: filtered.ms,
      yearTotals: yearRun.body.totals,
    };
  } finally {
    await t.close();
  }
}

function percentiles(samples: readonly number[]): Percentiles {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;
  return { p50: round1(at(0.5)), p95: round1(at(0.95)), max: round1(sorted[sorted.length - 1] ?? 0) };
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
