import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, newUser, workspaceWith } from '../../server/test/support/http-client.ts';
import { startServer, type TestServer } from '../../server/test/support/server.ts';
import { createTracker, type FetchLike, isTandemError, type Tracker } from '../src/index.ts';

const FIREFOX = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0';

let server: TestServer;
let owner: ApiClient;
let siteId: string;
let siteKey: string;
/** Requests the tracker under test actually sent. */
const sent: string[] = [];
let tracker: Tracker;

beforeAll(async () => {
  server = await startServer({ db: 'pglite', overrides: { analyticsFlushMs: 50 } });
  owner = await newUser(server.url, 'Owner');
  const workspaceId = await workspaceWith(owner);
  const res = await owner.post(`/workspaces/${workspaceId}/analytics/sites`, { name: 'Shop', domains: ['shop.example.com'] });
  expect(res.status).toBe(201);
  siteId = res.body.site.id;
  siteKey = res.body.site.site_key;
  const counting: FetchLike = (input, init) => {
    sent.push(input);
    return fetch(input, init);
  };
  tracker = createTracker({ apiUrl: `${server.url}/`, siteKey, userAgent: FIREFOX, fetch: counting });
});

afterAll(async () => {
  await server?.close();
});

/** Polls until `read` returns a value (the server writes beacons in batches, every 50 ms here). */
async function waitFor<T>(what: string, read: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function rows<T>(sql: string): Promise<T[]> {
  return server.tandem.ctx.db.query<T>(sql, [siteId]);
}

describe('SDK analytics tracker', () => {
  it('a page view and a custom event sent from Node are stored for the site, without the query secrets', async () => {
    await tracker.trackPageView({
      pageUrl: 'https://shop.example.com/pricing?utm_source=newsletter&reset_token=s3cret#plans',
      pageTitle: 'Pricing',
      referrer: 'https://www.google.com/search?q=tandem',
      width: 1280,
    });
    await tracker.trackEvent('signup', { plan: 'pro', seats: 3 }, { pageUrl: 'https://shop.example.com/pricing' });

    const pageviews = await waitFor('the page view is stored', async () => {
      const found = await rows<{ path: string; title: string; hostname: string }>('SELECT path, title, hostname FROM analytics_pageviews WHERE site_id = $1');
      return found.length > 0 ? found : undefined;
    });
    expect(pageviews).toEqual([{ path: '/pricing', title: 'Pricing', hostname: 'shop.example.com' }]);
    const events = await waitFor('the event is stored', async () => {
      const found = await rows<{ name: string; path: string; props: unknown }>('SELECT name, path, props FROM analytics_events WHERE site_id = $1');
      return found.length > 0 ? found : undefined;
    });
    expect(events).toEqual([{ name: 'signup', path: '/pricing', props: { plan: 'pro', seats: 3 } }]);
    const sessions = await rows<Record<string, unknown>>('SELECT source, utm_source, browser, pageviews, events FROM analytics_sessions WHERE site_id = $1');
    expect(sessions).toEqual([{ source: 'google.com', utm_source: 'newsletter', browser: 'Firefox', pageviews: 1, events: 1 }]);
    expect(sent.every((url) => url.startsWith(`${server.url}/api/v1/analytics/`) && !url.includes('//api'))).toBe(true);
  });

  it('refuses a beacon the server would refuse before sending anything', async () => {
    const before = sent.length;
    for (const attempt of [
      () => tracker.trackPageView(),
      () => tracker.trackEvent('', {}, { pageUrl: 'https://shop.example.com/' }),
      () => tracker.trackEvent('nested', { deep: { no: 1 } } as never, { pageUrl: 'https://shop.example.com/' }),
      () => tracker.trackPageView({ pageUrl: 'not a url' }),
    ]) {
      const error = await attempt().catch((err: unknown) => err);
      expect(isTandemError(error, 'invalid_input')).toBe(true);
    }
    expect(sent.length).toBe(before);
  });

  it('rejects with the server’s error code for an unknown site key and for a page on another host', async () => {
    const stranger = createTracker({ apiUrl: server.url, siteKey: 'no-such-site', userAgent: FIREFOX });
    const unknown = await stranger.trackPageView({ pageUrl: 'https://shop.example.com/' }).catch((err: unknown) => err);
    expect(isTandemError(unknown, 'not_found')).toBe(true);
    const elsewhere = await tracker.trackPageView({ pageUrl: 'https://evil.example.net/' }).catch((err: unknown) => err);
    expect(isTandemError(elsewhere, 'forbidden')).toBe(true);
    const unreachable = createTracker({ apiUrl: 'http://127.0.0.1:9', siteKey, userAgent: FIREFOX });
    const down = await unreachable.trackPageView({ pageUrl: 'https://shop.example.com/' }).catch((err: unknown) => err);
    expect(isTandemError(down, 'unavailable')).toBe(true);
  });
});
