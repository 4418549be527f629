import './support/dom.ts';
import type { AnalyticsSite } from '@tandem/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, newUser, workspaceWith } from '../../server/test/support/http-client.ts';
import { startServer, type TestServer } from '../../server/test/support/server.ts';
import { useAnalyticsLive } from '../src/use-analytics-live.ts';
import { hookClient, waitFor } from './support/real-server.ts';
import { renderHook } from './support/render-hook.ts';

/** A desktop browser, so the beacon is not dropped as a bot's. */
const CHROME_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

let server: TestServer;
let owner: ApiClient;
let viewer: ApiClient;
let workspaceId: string;
let site: AnalyticsSite;

/** Sends a page view the way `/t.js` does (text/plain JSON from the site's origin). */
async function pageview(path: string): Promise<void> {
  const res = await fetch(`${server.url}/api/v1/analytics/pageview`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain', origin: 'https://shop.example.test', 'user-agent': CHROME_UA },
    body: JSON.stringify({ site: site.site_key, url: `https://shop.example.test${path}`, title: path, width: 1280 }),
  });
  expect(res.status).toBe(202);
}

beforeAll(async () => {
  server = await startServer({ db: 'pglite' });
  [owner, viewer] = await Promise.all([newUser(server.url, 'Owner'), newUser(server.url, 'Viewer')]);
  workspaceId = await workspaceWith(owner, [[viewer, 'viewer']]);
  const created = await owner.post(`/workspaces/${workspaceId}/analytics/sites`, { name: 'Shop', domains: ['shop.example.test'] });
  expect(created.status).toBe(201);
  site = created.body.site;
});
afterAll(async () => {
  await server?.close();
});

describe('useAnalyticsLive', () => {
  it("gives an admin the workspace's live visitors and newest page views as they happen, and a member without access a refusal", async () => {
    const ownerClient = hookClient(owner, server.url);
    const live = renderHook(() => useAnalyticsLive(workspaceId), ownerClient);
    await waitFor('subscribed', () => live.current().state === 'subscribed');
    expect(live.current().latest?.sites.find((s) => s.site_id === site.id)).toBeUndefined();

    await pageview('/pricing');
    await waitFor('the page view arrives live', () => live.current().latest?.recent.some((p) => p.site_id === site.id && p.path === '/pricing') ?? false);
    const figures = live.current().latest?.sites.find((s) => s.site_id === site.id);
    expect(figures?.visitors_now).toBe(1);
    expect(live.current().latest?.workspace_id).toBe(workspaceId);

    await pageview('/checkout');
    await waitFor('the next one comes first', () => live.current().latest?.recent[0]?.path === '/checkout');
    expect(live.current().latest?.recent.map((p) => p.path)).toEqual(['/checkout', '/pricing']);
    // The same browser on a second page is still one visitor.
    expect(live.current().latest?.sites.find((s) => s.site_id === site.id)?.visitors_now).toBe(1);

    const viewerClient = hookClient(viewer, server.url);
    const refused = renderHook(() => useAnalyticsLive(workspaceId), viewerClient);
    await waitFor('refused', () => refused.current().state === 'error');
    expect(refused.current().error?.code).toBe('forbidden');
    expect(refused.current().latest).toBeNull();

    // Following nothing: no room, no figures.
    const none = renderHook(() => useAnalyticsLive(null), ownerClient);
    expect(none.current()).toEqual({ latest: null, state: 'unsubscribed', error: null });

    live.unmount();
    expect(ownerClient.room(`analytics:${workspaceId}`).held).toBe(false);
    expect(live.errors).toEqual([]);
    refused.unmount();
    none.unmount();
    ownerClient.close();
    viewerClient.close();
  });
});
