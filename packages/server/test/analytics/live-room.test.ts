import type { AnalyticsUpdate } from '@tandem/protocol';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../support/each-database.ts';
import { type ApiClient, newTeam } from '../support/http-client.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { connectWs, type WireMessage } from '../support/ws-client.ts';

const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0';

describeEachDatabase('the live analytics room', (db) => {
  let server: TestServer;
  let owner: ApiClient;
  let viewer: ApiClient;
  let workspaceId: string;
  let siteId: string;
  let siteKey: string;
  const room = () => `analytics:${workspaceId}`;

  const pageview = (path: string, ip: string) =>
    fetch(`${server.url}/api/v1/analytics/pageview`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', 'user-agent': FIREFOX, 'x-forwarded-for': ip },
      body: JSON.stringify({ site: siteKey, url: `https://live.example.com${path}` }),
    });

  beforeAll(async () => {
    server = await startServer({ db });
    const team = await newTeam(server.url, { viewer: ['Vera', 'viewer'] });
    owner = team.owner;
    viewer = team.viewer;
    workspaceId = team.workspaceId;
    const site = (await owner.post(`/workspaces/${workspaceId}/analytics/sites`, { name: 'Live', domains: ['live.example.com'] })).body.site;
    siteId = site.id;
    siteKey = site.site_key;
  });
  afterAll(() => server?.close());

  it('an admin sees visitors now, the page views of the last seconds and the newest pages, without asking', async () => {
    const ws = await connectWs(server.url, owner);
    await ws.subscribe(room());
    const initial = await ws.waitFor((m) => m.type === 'analytics_update' && m.room === room());
    expect((initial.data as AnalyticsUpdate).sites).toEqual([]);

    for (const [path, ip] of [
      ['/', '192.0.2.1'],
      ['/pricing', '192.0.2.1'],
      ['/', '198.51.100.7'],
    ] as const) {
      expect((await pageview(path, ip)).status).toBe(202);
    }
    const isComplete = (m: WireMessage) => {
      if (m.type !== 'analytics_update') return false;
      const data = m.data as AnalyticsUpdate;
      return data.recent.length === 3 && data.sites[0]?.visitors_now === 2;
    };
    const update = (await ws.waitFor(isComplete)).data as AnalyticsUpdate;
    expect(update.workspace_id).toBe(workspaceId);
    expect(update.sites[0]?.site_id).toBe(siteId);
    expect(update.recent.map((r) => r.path)).toEqual(['/', '/pricing', '/']);
    expect(update.recent[0]).toMatchObject({ site_id: siteId, device: 'desktop', browser: 'Firefox', country: null });
    expect(update.sites[0]?.pageviews_last_minute).toHaveLength(60);
    // Sent about once a second while there is traffic: the last second's views then show in the history.
    const later = (
      await ws.waitFor(
        (m) => m.type === 'analytics_update' && ((m.data as AnalyticsUpdate).sites[0]?.pageviews_last_minute.reduce((a, b) => a + b, 0) ?? 0) === 3,
      )
    ).data as AnalyticsUpdate;
    expect(later.sites[0]?.pageviews_per_s).toBeCloseTo(0.3, 5);
    await ws.close();
  });

  it('a member without analytics access cannot subscribe, and loses the room when a grant is revoked', async () => {
    const ws = await connectWs(server.url, viewer);
    const refused = await ws.request({ type: 'subscribe', room: room() });
    expect(refused.type).toBe('error');
    expect(refused.code).toBe('forbidden');

    expect((await owner.put(`/workspaces/${workspaceId}/analytics/access/${viewer.user?.id}`, {})).status).toBe(204);
    await ws.subscribe(room());
    await ws.waitFor((m) => m.type === 'analytics_update' && m.room === room());
    expect((await owner.delete(`/workspaces/${workspaceId}/analytics/access/${viewer.user?.id}`)).status).toBe(204);
    const dropped = await ws.waitFor((m) => m.type === 'unsubscribed' && m.room === room());
    expect(dropped.reason).toBe('forbidden');
    await ws.close();
  });

  it('a user of another workspace cannot subscribe to the room', async () => {
    const stranger = (await newTeam(server.url, {})).owner;
    const ws = await connectWs(server.url, stranger);
    const refused = await ws.request({ type: 'subscribe', room: room() });
    expect(refused.type).toBe('error');
    expect(['forbidden', 'not_found']).toContain(refused.code);
    await ws.close();
  });
});
