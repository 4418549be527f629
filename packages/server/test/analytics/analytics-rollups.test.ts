import type { AnalyticsSummary } from '@tandem/protocol';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ROLLUP_DAYS_PER_RUN } from '../../src/analytics/rollups.ts';
import { describeEachDatabase } from '../support/each-database.ts';
import { ApiClient, newTeam, type Team } from '../support/http-client.ts';
import { FIXTURE, FIXTURE_RANGE, insertSessions, insertSite } from './analytics-fixture.ts';
import { type AnalyticsTestServer, startAnalyticsServer } from './analytics-server.ts';

describeEachDatabase('analytics rollups and retention', (db) => {
  let t: AnalyticsTestServer;
  let team: Team<never>;
  let siteId: string;
  const summary = async (query: Record<string, string> = {}) => {
    const client = new ApiClient(t.queryUrl, team.owner.token, team.owner.user);
    const res = await client.get<AnalyticsSummary>(`/analytics/summary?${new URLSearchParams({ site: siteId, ...FIXTURE_RANGE, ...query })}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body;
  };
  const count = async (table: string) =>
    Number((await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE site_id = $1`, [siteId]))[0]?.n);
  /** Every shape of unfiltered summary a dashboard asks for. */
  const shapes: Record<string, string>[] = [
    {},
    { interval: 'hour', to: '2026-03-03T00:00:00.000Z' },
    { interval: 'month', compare: 'previous' },
    // Partial days at both ends are read from raw rows even when the days are rolled up.
    { from: '2026-03-02T10:01:00.000Z', to: '2026-03-03T20:10:00.000Z' },
    { limit: '1' },
    // Whole months answer from their monthly sums.
    { from: '2026-03-01T00:00:00.000Z', to: '2026-05-01T00:00:00.000Z', interval: 'month' },
  ];

  beforeAll(async () => {
    t = await startAnalyticsServer(db, { analyticsRetentionDays: 90 });
    team = await newTeam(t.server.url, {});
    siteId = await insertSite(t.db, team.workspaceId);
    await insertSessions(t.db, siteId, FIXTURE);
  }, 180_000);
  afterAll(async () => {
    await t?.close();
  });

  it('a rolled-up day and the same day from raw rows give identical summaries', async () => {
    const fromRaw = await Promise.all(shapes.map((q) => summary(q)));
    expect(fromRaw[0]?.totals.pageviews).toBe(10);
    expect(fromRaw[3]?.totals.pageviews).toBe(8);

    // What the rollup job does each run: roll up every day from the site's first on, until the one that ended over an hour ago.
    expect(await t.rollups.rollUpDue(new Date())).toBe(ROLLUP_DAYS_PER_RUN);
    expect(await t.rollups.rolledDays(siteId, '2026-03-01', '2026-03-05')).toEqual(['2026-03-01', '2026-03-02', '2026-03-03', '2026-03-04']);
    expect(await count('analytics_rollups')).toBeGreaterThan(20);
    expect(await count('analytics_rollup_months')).toBeGreaterThan(10);

    const fromRollups = await Promise.all(shapes.map((q) => summary(q)));
    expect(fromRollups).toEqual(fromRaw);
  });

  it('the retention job deletes raw rows of rolled days past the retention and leaves the rollups, which still answer', async () => {
    const before = await summary();
    const rollupRows = await count('analytics_rollups');
    // Rows of today are neither rolled up nor old; those of 20 August are old, but the job's next
    // run rolls up the two months after 1 May only, so they must stay until their day is rolled up.
    await insertSessions(t.db, siteId, [
      { visitor: 'today', pages: [['/', new Date().toISOString()]] },
      { visitor: 'august', pages: [['/', '2026-08-20T12:00:00Z']] },
    ]);
    expect(await count('analytics_pageviews')).toBe(12);

    const now = new Date();
    t.server.tandem.ctx.jobs.clock = () => now;
    expect(await t.server.tandem.ctx.jobs.tick()).toEqual(expect.arrayContaining(['analytics-rollup', 'analytics-retention']));
    expect(await t.rollups.rolledDays(siteId, '2026-08-20', '2026-08-21')).toEqual([]);
    expect(await count('analytics_pageviews')).toBe(2);
    expect(await count('analytics_events')).toBe(0);
    expect(await count('analytics_sessions')).toBe(2);
    expect(await count('analytics_rollups')).toBe(rollupRows);
    expect(await summary()).toEqual(before);
    // A filtered summary reads raw rows, which are gone for these days.
    expect((await summary({ filters: JSON.stringify({ country: 'DE' }) })).totals.sessions).toBe(0);
  });
});
