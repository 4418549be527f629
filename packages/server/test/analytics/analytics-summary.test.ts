import type { AnalyticsSummary, FunnelResult } from '@tandem/protocol';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../support/each-database.ts';
import { ApiClient, newTeam, type Team } from '../support/http-client.ts';
import { FIXTURE, FIXTURE_RANGE, insertSessions, insertSite } from './analytics-fixture.ts';
import { type AnalyticsTestServer, startAnalyticsServer } from './analytics-server.ts';

describeEachDatabase('analytics summaries and funnels', (db) => {
  let t: AnalyticsTestServer;
  let team: Team<'admin' | 'editor'>;
  let other: Team<never>;
  let siteId: string;
  let otherSiteId: string;
  /** The caller acting on the query routes' server. */
  const at = (client: ApiClient) => new ApiClient(t.queryUrl, client.token, client.user);
  const summary = (client: ApiClient, query: Record<string, string>) => at(client).get(`/analytics/summary?${new URLSearchParams(query)}`);
  const ok = async (query: Record<string, string>, client = team.owner) => {
    const res = await summary(client, { site: siteId, ...FIXTURE_RANGE, ...query });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body as AnalyticsSummary;
  };
  const rows = (s: AnalyticsSummary, dimension: keyof AnalyticsSummary['breakdowns']) =>
    Object.fromEntries(s.breakdowns[dimension].map((r) => [r.value, { visitors: r.visitors, pageviews: r.pageviews, count: r.count }]));

  beforeAll(async () => {
    t = await startAnalyticsServer(db);
    team = await newTeam(t.server.url, { admin: ['Ada Admin', 'admin'], editor: ['Eddie Editor', 'editor'] });
    other = await newTeam(t.server.url, {});
    siteId = await insertSite(t.db, team.workspaceId, 'Ours');
    otherSiteId = await insertSite(t.db, other.workspaceId, 'Theirs');
    await insertSessions(t.db, siteId, FIXTURE);
    // Another workspace's site with traffic on the same days and the same pages.
    await insertSessions(t.db, otherSiteId, [
      ...FIXTURE,
      { visitor: 'w1', country: 'DE', device: 'mobile', pages: [['/pricing', '2026-03-02T13:00:00Z']], events: [['signup', '2026-03-02T13:01:00Z']] },
    ]);
  }, 180_000);
  afterAll(async () => {
    await t?.close();
  });

  it('counts visitors per day, sessions, page views, events, bounce rate and session length of the fixture', async () => {
    const s = await ok({});
    // Visitors: v1, v2, v3 on 2 March (v1's two visits count once), v4 and v5 on 3 March.
    expect(s.totals).toEqual({ visitors: 5, sessions: 6, pageviews: 10, events: 2, bounce_rate: 0.3333, avg_session_s: 370, pageviews_per_session: 1.67 });
    expect(s.series).toEqual([
      { t: '2026-03-02T00:00:00.000Z', visitors: 3, pageviews: 7 },
      { t: '2026-03-03T00:00:00.000Z', visitors: 2, pageviews: 3 },
    ]);
    expect(rows(s, 'page')).toEqual({
      '/pricing': { visitors: 4, pageviews: 5, count: 5 },
      '/': { visitors: 3, pageviews: 3, count: 3 },
      '/signup': { visitors: 2, pageviews: 2, count: 2 },
    });
    expect(rows(s, 'entry_page')).toEqual({ '/': { visitors: 3, pageviews: 6, count: 3 }, '/pricing': { visitors: 3, pageviews: 4, count: 3 } });
    expect(rows(s, 'exit_page')['/signup']).toEqual({ visitors: 2, pageviews: 5, count: 2 });
    // Direct traffic is the '' source; it is listed (and only for source).
    expect(rows(s, 'source')).toEqual({
      '': { visitors: 3, pageviews: 4, count: 3 },
      'google.com': { visitors: 2, pageviews: 4, count: 2 },
      'twitter.com': { visitors: 1, pageviews: 2, count: 1 },
    });
    expect(rows(s, 'utm_source')).toEqual({ newsletter: { visitors: 1, pageviews: 3, count: 1 } });
    expect(rows(s, 'country')).toEqual({
      DE: { visitors: 3, pageviews: 7, count: 4 },
      FR: { visitors: 1, pageviews: 2, count: 1 },
      US: { visitors: 1, pageviews: 1, count: 1 },
    });
    expect(rows(s, 'device')).toEqual({ mobile: { visitors: 3, pageviews: 8, count: 4 }, desktop: { visitors: 2, pageviews: 2, count: 2 } });
    expect(rows(s, 'event')).toEqual({ signup: { visitors: 1, pageviews: 4, count: 2 } });
    expect(s.event_properties).toEqual([
      { event: 'signup', key: 'plan', value: 'free', count: 1 },
      { event: 'signup', key: 'plan', value: 'pro', count: 1 },
    ]);
    expect(s.previous).toBeNull();
  });

  it('one day of the fixture: bounce rate 1 in 4, mean session 255 s', async () => {
    const s = await ok({ to: '2026-03-03T00:00:00.000Z' });
    expect(s.totals).toEqual({ visitors: 3, sessions: 4, pageviews: 7, events: 2, bounce_rate: 0.25, avg_session_s: 255, pageviews_per_session: 1.75 });
  });

  it('filters combine: page views of /pricing by mobile visitors in DE, and the sessions behind them', async () => {
    const s = await ok({ filters: JSON.stringify({ page: '/pricing', device: 'mobile', country: 'DE' }) });
    // Sessions that viewed /pricing, on mobile, from DE: v1's two visits and v5's.
    expect(s.totals).toMatchObject({ visitors: 2, sessions: 3, pageviews: 3, events: 2, bounce_rate: 0 });
    expect(rows(s, 'page')).toEqual({ '/pricing': { visitors: 2, pageviews: 3, count: 3 } });
    expect(Object.keys(rows(s, 'country'))).toEqual(['DE']);
    expect(Object.keys(rows(s, 'device'))).toEqual(['mobile']);

    const mobileDe = await ok({ filters: JSON.stringify({ device: 'mobile', country: 'DE' }) });
    expect(mobileDe.totals).toMatchObject({ visitors: 2, sessions: 3, pageviews: 6 });
    expect(rows(mobileDe, 'page')).toEqual({
      '/pricing': { visitors: 2, pageviews: 3, count: 3 },
      '/signup': { visitors: 2, pageviews: 2, count: 2 },
      '/': { visitors: 1, pageviews: 1, count: 1 },
    });

    const fr = await ok({ filters: JSON.stringify({ country: 'FR' }) });
    expect(fr.totals).toMatchObject({ visitors: 1, sessions: 1, pageviews: 2, bounce_rate: 0, avg_session_s: 600 });
    const nobody = await ok({ filters: JSON.stringify({ country: 'FR', device: 'desktop' }) });
    expect(nobody.totals).toMatchObject({ visitors: 0, sessions: 0, pageviews: 0 });

    const signedUp = await ok({ filters: JSON.stringify({ event: 'signup' }) });
    expect(signedUp.totals).toMatchObject({ visitors: 1, sessions: 2, pageviews: 4, events: 2 });
  });

  it('compares with the previous period of the same length', async () => {
    const s = await ok({ from: '2026-03-03T00:00:00.000Z', to: '2026-03-04T00:00:00.000Z', compare: 'previous' });
    expect(s.totals).toMatchObject({ visitors: 2, sessions: 2, pageviews: 3 });
    expect(s.previous).toMatchObject({ visitors: 3, sessions: 4, pageviews: 7, bounce_rate: 0.25 });
  });

  it("a summary of one workspace's site never includes another's, and other workspaces cannot read it", async () => {
    const theirs = await summary(other.owner, { site: otherSiteId, ...FIXTURE_RANGE });
    expect(theirs.status).toBe(200);
    expect(theirs.body.totals).toMatchObject({ visitors: 6, sessions: 7, pageviews: 11, events: 3 });
    const ours = await ok({});
    expect(ours.totals).toMatchObject({ visitors: 5, sessions: 6, pageviews: 10, events: 2 });

    expect((await summary(other.owner, { site: siteId, ...FIXTURE_RANGE })).status).toBe(404);
    expect((await summary(team.owner, { site: otherSiteId, ...FIXTURE_RANGE })).status).toBe(404);
    expect((await summary(team.editor, { site: siteId, ...FIXTURE_RANGE })).status).toBe(403);
    expect((await summary(team.admin, { site: siteId, ...FIXTURE_RANGE })).status).toBe(200);
    const anonymous = await new ApiClient(t.queryUrl).get(`/analytics/summary?${new URLSearchParams({ site: siteId, ...FIXTURE_RANGE })}`);
    expect(anonymous.status).toBe(401);
    const funnel = await at(other.owner).post('/analytics/funnel', {
      site: siteId,
      ...FIXTURE_RANGE,
      steps: [
        { type: 'page', value: '/' },
        { type: 'page', value: '/pricing' },
      ],
    });
    expect(funnel.status).toBe(404);
  });

  it('refuses bad filters, reversed and too long ranges with invalid_input', async () => {
    for (const filters of ['{not json', '{"planet":"mars"}', '["page"]', '{"page":""}']) {
      const res = await summary(team.owner, { site: siteId, ...FIXTURE_RANGE, filters });
      expect(res.status, filters).toBe(400);
      expect(res.body.error.code).toBe('invalid_input');
    }
    const reversed = await summary(team.owner, { site: siteId, from: FIXTURE_RANGE.to, to: FIXTURE_RANGE.from });
    expect(reversed.body.error.code).toBe('invalid_input');
    const long = await summary(team.owner, { site: siteId, from: '2020-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z' });
    expect(long.body.error.code).toBe('invalid_input');
    const hourly = await summary(team.owner, { site: siteId, from: '2026-01-01T00:00:00Z', to: '2026-06-01T00:00:00Z', interval: 'hour' });
    expect(hourly.body.error.code).toBe('invalid_input');
    const funnel = await at(team.owner).post('/analytics/funnel', { site: siteId, from: FIXTURE_RANGE.to, to: FIXTURE_RANGE.from, steps: [] });
    expect(funnel.status).toBe(400);
  });

  it('funnel: visitors, conversion and drop-off per step, in order and within the window', async () => {
    const steps = [
      { type: 'page', value: '/' },
      { type: 'page', value: '/pricing' },
      { type: 'event', value: 'signup' },
    ];
    const run = async (body: Record<string, unknown>) => {
      const res = await at(team.owner).post<FunnelResult>('/analytics/funnel', { site: siteId, ...FIXTURE_RANGE, steps, ...body });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body.steps.map((s) => [s.visitors, s.conversion, s.drop_off]);
    };
    // v1, v3 and v4 view /; v1 and v3 go on to /pricing; only v1 signs up after that.
    expect(await run({ window_minutes: 30 })).toEqual([
      [3, 1, 0],
      [2, 0.6667, 0.3333],
      [1, 0.3333, 0.5],
    ]);
    // Within 5 minutes of /: v1 reaches /pricing (2 min) but signs up at 6 min; v3's /pricing is 10 minutes later.
    expect(await run({ window_minutes: 5 })).toEqual([
      [3, 1, 0],
      [1, 0.3333, 0.6667],
      [0, 0, 1],
    ]);
    // Order matters: nobody viewed / after /pricing (v1, v2, v3 and v5 viewed /pricing).
    expect(
      await run({
        steps: [
          { type: 'page', value: '/pricing' },
          { type: 'page', value: '/' },
        ],
      }),
    ).toEqual([
      [4, 1, 0],
      [0, 0, 1],
    ]);
    // Filters: mobile visitors from DE (v1 and v5).
    expect(
      await run({
        steps: [
          { type: 'page', value: '/pricing' },
          { type: 'page', value: '/signup' },
        ],
        filters: { device: 'mobile', country: 'DE' },
      }),
    ).toEqual([
      [2, 1, 0],
      [2, 1, 0],
    ]);
  });
});
