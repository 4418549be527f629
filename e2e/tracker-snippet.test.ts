import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newUser, workspaceWith } from '../packages/server/test/support/http-client.ts';
import { startServer, type TestServer } from '../packages/server/test/support/server.ts';
import { RESULTS_DIR } from './support/app-server.ts';
import { chromiumAvailable, launchChromium } from './support/chromium.ts';
import { eventually } from './support/eventually.ts';

/** A desktop Chrome; the headless one names itself HeadlessChrome, which the server drops as a bot. */
const CHROME_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

/** What the tests touch of the page's window (the e2e project has no DOM types). */
interface PageWindow {
  readonly tandem?: { readonly q?: unknown[]; track(name: string, props?: Record<string, unknown>): void };
  readonly history: { pushState(state: unknown, unused: string, url: string): void; replaceState(state: unknown, unused: string, url: string): void };
  readonly navigator: object;
}

/** The customer's own site: any path answers a page embedding the snippet, the way the install instructions say. */
function sitePage(tandemUrl: string, siteKey: string, outboundUrl: string): string {
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>Shop home</title>
<script>window.tandem = window.tandem || {q: [], track: function () { tandem.q.push(arguments) }}; tandem.track('Queued before load', {early: true});</script>
<script async src="${tandemUrl}/t.js" data-site="${siteKey}"></script>
</head><body style="font: 16px sans-serif; padding: 2rem">
<h1>Shop</h1><p>A page of a site that Tandem tracks.</p>
<p><a id="outbound" href="${outboundUrl}">A partner's site</a></p>
</body></html>`;
}

describe.runIf(chromiumAvailable())('the /t.js snippet on a site of its own', () => {
  let server: TestServer;
  let site: Server;
  let siteUrl: string;
  let siteId: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const errors: string[] = [];

  const stored = async () => ({
    pageviews: (await server.tandem.ctx.db.query<{ path: string }>('SELECT path FROM analytics_pageviews WHERE site_id = $1 ORDER BY id', [siteId])).map(
      (r) => r.path,
    ),
    events: await server.tandem.ctx.db.query<{ name: string; path: string; props: Record<string, unknown> }>(
      'SELECT name, path, props FROM analytics_events WHERE site_id = $1 ORDER BY id',
      [siteId],
    ),
  });

  beforeAll(async () => {
    server = await startServer({ db: 'pglite', overrides: { analyticsFlushMs: 50 } });
    const owner = await newUser(server.url, 'Owner');
    const workspaceId = await workspaceWith(owner);
    const created = await owner.post(`/workspaces/${workspaceId}/analytics/sites`, { name: 'Shop', domains: ['localhost'] });
    expect(created.status).toBe(201);
    siteId = created.body.site.id;

    // The site lives on localhost, Tandem on 127.0.0.1: another origin, as on the web.
    let outboundUrl = '';
    site = createServer((req, res) => {
      res.setHeader('content-type', 'text/html; charset=utf-8');
      if (req.headers.host?.startsWith('127.0.0.1')) res.end('<!doctype html><title>Partner</title><h1>Partner site</h1>');
      else res.end(sitePage(server.url, created.body.site.site_key, outboundUrl));
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    const port = (site.address() as AddressInfo).port;
    siteUrl = `http://localhost:${port}`;
    outboundUrl = `http://127.0.0.1:${port}/partner`;

    browser = await launchChromium();
    context = await browser.newContext({ userAgent: CHROME_UA, viewport: { width: 1280, height: 720 } });
    page = await context.newPage();
    page.on('pageerror', (err) => errors.push(err.message));
    page.on('console', (msg) => {
      if (msg.type() === 'error') errors.push(msg.text());
    });
    // A server start and a browser launch on a busy two-core machine.
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    site?.closeAllConnections();
    if (site) await new Promise((resolve) => site.close(resolve));
    await server?.close();
  });

  it('counts the landing page without its query secrets, then the queued call made before the script loaded', async () => {
    await page.goto(`${siteUrl}/?utm_source=newsletter&email=ann%40example.com#top`);
    await page.waitForFunction(() => typeof (globalThis as unknown as PageWindow).tandem?.q === 'undefined');
    await eventually(async () => (await stored()).events.map((e) => e.name)).toEqual(['Queued before load']);
    const { pageviews, events } = await stored();
    expect(pageviews).toEqual(['/']);
    expect(events[0]?.props).toEqual({ early: true });
    const sessions = await server.tandem.ctx.db.query('SELECT utm_source, browser, device FROM analytics_sessions WHERE site_id = $1', [siteId]);
    expect(sessions).toEqual([{ utm_source: 'newsletter', browser: 'Chrome', device: 'desktop' }]);
    await page.screenshot({ path: join(RESULTS_DIR, 'tracker-snippet-landing.png') });
  });

  it('counts single-page-app navigation through pushState and the back button, once per path', async () => {
    await page.evaluate(() => {
      const { history } = globalThis as unknown as PageWindow;
      history.pushState({}, '', '/docs');
      history.replaceState({ scrolled: true }, '', '/docs');
      history.pushState({}, '', '/pricing?plan=pro');
    });
    await eventually(async () => (await stored()).pageviews).toEqual(['/', '/docs', '/pricing']);
    await page.goBack();
    await eventually(async () => (await stored()).pageviews).toEqual(['/', '/docs', '/pricing', '/docs']);
  });

  it('sends custom events from tandem.track and an outbound link click as the page leaves', async () => {
    await page.evaluate(() => (globalThis as unknown as PageWindow).tandem?.track('Signup', { plan: 'pro', seats: 3 }));
    await eventually(async () => (await stored()).events.map((e) => e.name)).toEqual(['Queued before load', 'Signup']);

    await page.click('#outbound');
    await page.waitForURL(/\/partner$/);
    await eventually(async () => (await stored()).events.map((e) => e.name)).toEqual(['Queued before load', 'Signup', 'Outbound Link: Click']);
    const { events, pageviews } = await stored();
    expect(events[1]).toEqual({ name: 'Signup', path: '/docs', props: { plan: 'pro', seats: 3 } });
    expect(events[2]).toEqual({ name: 'Outbound Link: Click', path: '/docs', props: { url: page.url() } });
    // The partner page has no snippet: nothing more was counted.
    expect(pageviews).toEqual(['/', '/docs', '/pricing', '/docs']);
    await page.screenshot({ path: join(RESULTS_DIR, 'tracker-snippet-outbound.png') });
    expect(errors).toEqual([]);
  });

  it('falls back to fetch with keepalive in a browser without sendBeacon', async () => {
    const bare = await browser.newContext({ userAgent: CHROME_UA });
    await bare.addInitScript(() => {
      // Gone, not undefined: the snippet tests for the method.
      delete (globalThis as any).Navigator.prototype.sendBeacon;
    });
    const tab = await bare.newPage();
    const beacons: string[] = [];
    tab.on('request', (request) => {
      if (request.url().includes('/api/v1/analytics/')) beacons.push(`${request.resourceType()} ${new URL(request.url()).pathname}`);
    });
    await tab.goto(`${siteUrl}/no-beacon`);
    await eventually(async () => (await stored()).pageviews.filter((p) => p === '/no-beacon')).toEqual(['/no-beacon']);
    expect(await tab.evaluate(() => 'sendBeacon' in (globalThis as unknown as PageWindow).navigator)).toBe(false);
    // The page view, then the call the page queued before the script loaded.
    expect(beacons).toEqual(['fetch /api/v1/analytics/pageview', 'fetch /api/v1/analytics/event']);
    await bare.close();
  });
});
