import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { dropSchema } from '../support/databases.ts';
import { describeEachDatabase } from '../support/each-database.ts';
import { type ApiClient, newTeam } from '../support/http-client.ts';
import { startServer, type TestServer } from '../support/server.ts';

const CHROME = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1';
const GOOGLEBOT = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';

/** Sends a beacon the way the snippet does: JSON as text/plain, from the page's origin. */
async function beacon(
  server: TestServer,
  kind: 'pageview' | 'event',
  body: unknown,
  options: { ip?: string; ua?: string; origin?: string; headers?: Record<string, string>; raw?: string } = {},
) {
  const res = await fetch(`${server.url}/api/v1/analytics/${kind}`, {
    method: 'POST',
    headers: {
      'content-type': 'text/plain;charset=UTF-8',
      'user-agent': options.ua ?? CHROME,
      'x-forwarded-for': options.ip ?? '8.8.8.8',
      ...(options.origin === undefined ? { origin: 'https://shop.example.com' } : options.origin ? { origin: options.origin } : {}),
      ...options.headers,
    },
    body: options.raw ?? JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
}

describeEachDatabase('analytics ingestion', (db) => {
  let server: TestServer;
  let owner: ApiClient;
  let editor: ApiClient;
  let workspaceId: string;
  let siteId: string;
  let siteKey: string;

  const rows = <T = Record<string, unknown>>(sql: string, params: string[] = []) => server.tandem.ctx.db.query<T>(sql, params);

  beforeAll(async () => {
    server = await startServer({ db, keep: true, overrides: { analyticsFlushMs: 60_000 } });
    const team = await newTeam(server.url, { editor: ['Eddie', 'editor'] });
    owner = team.owner;
    editor = team.editor;
    workspaceId = team.workspaceId;
    const created = await owner.post(`/workspaces/${workspaceId}/analytics/sites`, { name: 'Shop', domains: ['shop.example.com'] });
    expect(created.status).toBe(201);
    siteId = created.body.site.id;
    siteKey = created.body.site.site_key;
  });
  afterAll(async () => {
    await server?.close();
    await rm(server.dataDir, { recursive: true, force: true });
    if (server.config.databaseSchema) await dropSchema(server.config.databaseSchema);
  });

  it('only admins register sites, and readers of another workspace do not see them', async () => {
    const refused = await editor.post(`/workspaces/${workspaceId}/analytics/sites`, { name: 'Mine', domains: ['x.test'] });
    expect(refused.status).toBe(403);
    expect((await editor.get(`/workspaces/${workspaceId}/analytics/sites`)).status).toBe(403);
    const stranger = (await newTeam(server.url, {})).owner;
    expect((await stranger.get(`/workspaces/${workspaceId}/analytics/sites`)).status).toBe(404);
    expect((await stranger.patch(`/analytics/sites/${siteId}`, { name: 'Taken' })).status).toBe(404);
    const listed = await owner.get(`/workspaces/${workspaceId}/analytics/sites`);
    expect(listed.body.sites.map((s: { id: string }) => s.id)).toEqual([siteId]);
  });

  it('a granted member reads the analytics, and loses them when the grant is revoked', async () => {
    expect((await owner.put(`/workspaces/${workspaceId}/analytics/access/${editor.user?.id}`, {})).status).toBe(204);
    expect((await editor.get(`/workspaces/${workspaceId}/analytics/sites`)).status).toBe(200);
    expect((await owner.get(`/workspaces/${workspaceId}/analytics/access`)).body.user_ids).toEqual([editor.user?.id]);
    expect((await owner.delete(`/workspaces/${workspaceId}/analytics/access/${editor.user?.id}`)).status).toBe(204);
    expect((await editor.get(`/workspaces/${workspaceId}/analytics/sites`)).status).toBe(403);
  });

  it('stores a page view with country, device, UTM and referrer source, and never the IP address or User-Agent', async () => {
    const res = await beacon(
      server,
      'pageview',
      {
        site: siteKey,
        url: 'https://shop.example.com/pricing?utm_source=Newsletter&utm_medium=email&utm_campaign=winter&token=secret-reset-token',
        title: 'Pricing',
        referrer: 'https://www.news.example.org/article/1',
        width: 390,
      },
      { ip: '81.2.69.160', ua: IPHONE },
    );
    expect(res.status).toBe(202);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://shop.example.com');
    await server.tandem.analytics.flush();
    const [session] = await rows<Record<string, unknown>>(`SELECT * FROM analytics_sessions WHERE site_id = $1 AND utm_campaign = 'winter'`, [siteId]);
    expect(session).toMatchObject({
      entry_page: '/pricing',
      source: 'news.example.org',
      utm_source: 'newsletter',
      utm_medium: 'email',
      country: 'GB',
      device: 'mobile',
      browser: 'Safari',
      os: 'iOS',
      pageviews: 1,
    });
    const [view] = await rows<Record<string, unknown>>('SELECT * FROM analytics_pageviews WHERE session_id = $1', [String(session?.id)]);
    expect(view).toMatchObject({ path: '/pricing', hostname: 'shop.example.com', title: 'Pricing' });
    // Nothing anywhere in the analytics tables holds the address, its /24, the User-Agent or the query secret.
    const dump = JSON.stringify(
      await rows(
        `SELECT (SELECT json_agg(s) FROM analytics_sessions s) AS s, (SELECT json_agg(p) FROM analytics_pageviews p) AS p, (SELECT json_agg(e) FROM analytics_events e) AS e`,
      ),
    );
    expect(dump).not.toContain('81.2.69');
    expect(dump).not.toContain('iPhone OS');
    expect(dump).not.toContain('secret-reset-token');
    expect(String(session?.visitor_id)).toMatch(/^[0-9a-f]{32}$/);
  });

  it('drops page views from bots and, when the site asks, from browsers that opted out', async () => {
    const before = await rows<{ n: number }>('SELECT count(*)::int AS n FROM analytics_pageviews WHERE site_id = $1', [siteId]);
    expect((await beacon(server, 'pageview', { site: siteKey, url: 'https://shop.example.com/bot' }, { ua: GOOGLEBOT })).status).toBe(202);
    expect((await beacon(server, 'pageview', { site: siteKey, url: 'https://shop.example.com/bot' }, { ua: '' })).status).toBe(202);
    await owner.patch(`/analytics/sites/${siteId}`, { respect_dnt: true });
    expect((await beacon(server, 'pageview', { site: siteKey, url: 'https://shop.example.com/dnt' }, { headers: { dnt: '1' } })).status).toBe(202);
    expect((await beacon(server, 'pageview', { site: siteKey, url: 'https://shop.example.com/gpc' }, { headers: { 'sec-gpc': '1' } })).status).toBe(202);
    await owner.patch(`/analytics/sites/${siteId}`, { respect_dnt: false });
    await server.tandem.analytics.flush();
    const after = await rows<{ n: number }>('SELECT count(*)::int AS n FROM analytics_pageviews WHERE site_id = $1', [siteId]);
    expect(after[0]?.n).toBe(before[0]?.n);
  });

  it('refuses beacons from a domain or origin the site does not list, for unknown sites, and malformed or oversized ones, changing nothing', async () => {
    const before = await rows<{ n: number }>('SELECT count(*)::int AS n FROM analytics_pageviews');
    const otherDomain = await beacon(server, 'pageview', { site: siteKey, url: 'https://evil.example.net/' });
    expect(otherDomain.status).toBe(403);
    expect(otherDomain.body.error.code).toBe('forbidden');
    const otherOrigin = await beacon(server, 'pageview', { site: siteKey, url: 'https://shop.example.com/' }, { origin: 'https://evil.example.net' });
    expect(otherOrigin.status).toBe(403);
    const unknown = await beacon(server, 'pageview', { site: 'ts_nope', url: 'https://shop.example.com/' });
    expect(unknown.status).toBe(404);
    const malformed = await beacon(server, 'pageview', null, { raw: '{"site": ' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe('invalid_input');
    const wrongShape = await beacon(server, 'pageview', { site: siteKey, url: 'javascript:alert(1)' });
    expect(wrongShape.status).toBe(400);
    const extraField = await beacon(server, 'pageview', { site: siteKey, url: 'https://shop.example.com/', ip: '1.2.3.4' });
    expect(extraField.status).toBe(400);
    const oversized = await beacon(
      server,
      'event',
      { site: siteKey, name: 'big', url: 'https://shop.example.com/', props: { a: 'x'.repeat(200) } },
      {
        raw: JSON.stringify({ site: siteKey, name: 'big', url: `https://shop.example.com/${'x'.repeat(9000)}` }),
      },
    );
    expect(oversized.status).toBe(400);
    const tooManyProps = await beacon(server, 'event', {
      site: siteKey,
      name: 'props',
      url: 'https://shop.example.com/',
      props: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, i])),
    });
    expect(tooManyProps.status).toBe(400);
    await server.tandem.analytics.flush();
    expect((await rows<{ n: number }>('SELECT count(*)::int AS n FROM analytics_pageviews'))[0]?.n).toBe(before[0]?.n);
    expect((await rows<{ n: number }>('SELECT count(*)::int AS n FROM analytics_events WHERE name IN ($1, $2)', ['big', 'props']))[0]?.n).toBe(0);
  });

  it('counts three page views and an event of one visitor within 30 minutes as one visit', async () => {
    const ip = '203.0.113.9';
    for (const path of ['/', '/features', '/signup']) {
      expect((await beacon(server, 'pageview', { site: siteKey, url: `https://shop.example.com${path}` }, { ip })).status).toBe(202);
    }
    const event = await beacon(server, 'event', { site: siteKey, name: 'signup', url: 'https://shop.example.com/signup', props: { plan: 'pro' } }, { ip });
    expect(event.status).toBe(202);
    await server.tandem.analytics.flush();
    const sessions = await rows<{ id: string; pageviews: number; events: number; entry_page: string; exit_page: string }>(
      `SELECT s.id, s.pageviews, s.events, s.entry_page, s.exit_page FROM analytics_sessions s
       WHERE s.site_id = $1 AND s.id IN (SELECT session_id FROM analytics_pageviews WHERE path = '/features')`,
      [siteId],
    );
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({ pageviews: 3, events: 1, entry_page: '/', exit_page: '/signup' });
    const [stored] = await rows<{ name: string; props: unknown }>('SELECT name, props FROM analytics_events WHERE session_id = $1', [String(sessions[0]?.id)]);
    expect(stored).toEqual({ name: 'signup', props: { plan: 'pro' } });
  });

  it('a visitor returning after a restart continues a visit active within 30 minutes, and starts a new one after 31', async () => {
    const ip = '198.51.100.20';
    const visit = async (path: string) => {
      expect((await beacon(server, 'pageview', { site: siteKey, url: `https://shop.example.com${path}` }, { ip })).status).toBe(202);
      await server.tandem.analytics.flush();
    };
    const sessionsOf = () =>
      rows<{ id: string; pageviews: number }>(
        `SELECT DISTINCT s.id, s.pageviews, s.started_at FROM analytics_sessions s JOIN analytics_pageviews p ON p.session_id = s.id
         WHERE s.site_id = $1 AND p.path LIKE '/restart%' ORDER BY s.started_at`,
        [siteId],
      );
    await visit('/restart-1');
    // What a restart does to this node's memory of visits: a second server on the same storage knows nothing of them.
    const ageVisit = (minutes: number) =>
      rows(
        `UPDATE analytics_sessions SET started_at = started_at - make_interval(mins => ${minutes}), last_seen_at = last_seen_at - make_interval(mins => ${minutes})
         WHERE id IN (SELECT session_id FROM analytics_pageviews WHERE path LIKE '/restart%')`,
      );
    await ageVisit(29);
    await server.close();
    server = await startServer({ db, dataDir: server.dataDir, schema: server.config.databaseSchema, keep: true, overrides: { analyticsFlushMs: 60_000 } });
    await visit('/restart-2');
    let sessions = await sessionsOf();
    expect(sessions).toHaveLength(1);
    expect(sessions[0]?.pageviews).toBe(2);

    await ageVisit(31);
    await server.close();
    server = await startServer({ db, dataDir: server.dataDir, schema: server.config.databaseSchema, keep: true, overrides: { analyticsFlushMs: 60_000 } });
    await visit('/restart-3');
    sessions = await sessionsOf();
    expect(sessions.map((s) => s.pageviews)).toEqual([2, 1]);
  });
});
