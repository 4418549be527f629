import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, newUser } from '../packages/server/test/support/http-client.ts';
import type { TestServer } from '../packages/server/test/support/server.ts';
import { apiAs } from './support/api.ts';
import { buildWebApp, DEMO, RESULTS_DIR, startAppServer } from './support/app-server.ts';
import { chromiumAvailable, launchChromium, logIn, openTab, type UserTab } from './support/chromium.ts';
import { eventually } from './support/eventually.ts';

/** A desktop Chrome; headless Chromium names itself HeadlessChrome, which the server drops as a bot. */
const CHROME_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

/** What the tests read of an element inside the page (the e2e project has no DOM types). */
type Attributes = { getAttribute(name: string): string | null };
/** The page's `window`, as far as the tests touch it. */
type PageWindow = { scrollTo(x: number, y: number): void; tandem?: { track?: unknown } };

/** The pages of the tracked site: plain HTML loading the snippet from the Tandem server, linked to each other. */
const SITE_PAGES: Readonly<Record<string, string>> = {
  '/': 'Home',
  '/pricing': 'Pricing',
  '/signup': 'Sign up',
};

function sitePage(tandemUrl: string, siteKey: string, path: string): string {
  const links = Object.entries(SITE_PAGES)
    .map(([href, title]) => `<a href="${href}">${title}</a>`)
    .join(' · ');
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>${SITE_PAGES[path]} – Shop</title>
<script async src="${tandemUrl}/t.js" data-site="${siteKey}"></script>
</head><body style="font: 16px sans-serif; padding: 2rem">
<nav>${links}</nav><h1>${SITE_PAGES[path]}</h1>
${path === '/signup' ? `<button id="signup" onclick="tandem.track('signup', {plan: 'pro'})">Start the pro plan</button>` : ''}
</body></html>`;
}

describe.runIf(chromiumAvailable())('visitor analytics: a tracked site seen live and in the summary', () => {
  let server: TestServer;
  let site: Server;
  let siteUrl: string;
  let browser: Browser;
  let alice: UserTab;
  let visitor: BrowserContext;
  let visitorPage: Page;
  let aliceApi: ApiClient;
  let workspaceId: string;
  let siteId: string;
  const visitorErrors: string[] = [];

  const figure = (name: string) => alice.page.locator(`.ops-figure[data-figure="${name}"]`);
  const figureValue = async (name: string) => Number((await figure(name).getAttribute('data-value')) || Number.NaN);
  /** A full-page picture from the top (the sticky header would otherwise sit mid-page). */
  const fullShot = async (page: Page, name: string) => {
    await page.evaluate(() => (globalThis as unknown as PageWindow).scrollTo(0, 0));
    await page.screenshot({ path: join(RESULTS_DIR, name), fullPage: true });
  };
  const liveValue = async (name: string) => Number((await alice.page.locator(`[data-live="${name}"]`).getAttribute('data-value')) ?? Number.NaN);

  beforeAll(async () => {
    buildWebApp();
    server = await startAppServer();
    aliceApi = await apiAs(server.url, DEMO.alice, DEMO.password);
    workspaceId = (await aliceApi.get('/me')).body.workspaces[0].id;

    // The shop is served from localhost, Tandem from 127.0.0.1: two origins, as on the web.
    let siteKey = '';
    site = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      if (!(path in SITE_PAGES)) {
        // The browser asks for /favicon.ico; the shop has none.
        res.statusCode = path === '/favicon.ico' ? 204 : 404;
        res.end();
        return;
      }
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.end(sitePage(server.url, siteKey, path));
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    const port = (site.address() as AddressInfo).port;
    siteUrl = `http://localhost:${port}`;
    const created = await aliceApi.post(`/workspaces/${workspaceId}/analytics/sites`, { name: 'Shop', domains: [`localhost:${port}`] });
    expect(created.status).toBe(201);
    siteId = created.body.site.id;
    siteKey = created.body.site.site_key;

    browser = await launchChromium();
    alice = await openTab(browser, server.url);
    await logIn(alice, DEMO.alice, DEMO.password);
    visitor = await browser.newContext({ userAgent: CHROME_UA, viewport: { width: 1024, height: 640 } });
    visitorPage = await visitor.newPage();
    visitorPage.on('pageerror', (err) => visitorErrors.push(err.message));
    visitorPage.on('console', (msg) => {
      if (msg.type() === 'error') visitorErrors.push(msg.text());
    });
    // Building the web app takes a while on a busy machine.
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    if (site) await new Promise((resolve) => site.close(resolve));
    await server?.close();
  });

  it('an admin finds the site through the navigation, with its install snippet', async () => {
    await alice.page.getByRole('link', { name: 'Analytics', exact: true }).click();
    await alice.page.getByRole('heading', { name: 'Analytics', exact: true }).waitFor();
    const row = alice.page.locator(`.an-site[data-site-id="${siteId}"]`);
    await row.getByText('Install snippet').click();
    const snippet = await row.locator('code[title="Tracking snippet"]').textContent();
    expect(snippet).toContain(`${server.url}/t.js`);
    expect(snippet).toContain('data-site="ts_');
    await fullShot(alice.page, 'analytics-sites.png');

    await row.getByRole('link', { name: 'Shop' }).click();
    await alice.page.getByRole('heading', { name: 'Shop' }).waitFor();
    // Nothing counted yet: the dashboard says how to install the snippet.
    await alice.page.getByText('No page views yet').waitFor();
    await alice.page.locator('.an-live-dot.an-live-on').waitFor();
    expect(await alice.page.locator('.state-empty code[title="Tracking snippet"]').textContent()).toBe(snippet);
    await fullShot(alice.page, 'analytics-empty.png');
    expect(alice.errors).toEqual([]);
  });

  it('shows a visitor browsing three pages and signing up live, without a reload', async () => {
    await visitorPage.goto(`${siteUrl}/`);
    await visitorPage.getByRole('link', { name: 'Pricing' }).click();
    await visitorPage.getByRole('heading', { name: 'Pricing' }).waitFor();
    await visitorPage.getByRole('link', { name: 'Sign up' }).click();
    await visitorPage.getByRole('heading', { name: 'Sign up' }).waitFor();
    await visitorPage.waitForFunction(() => typeof (globalThis as unknown as PageWindow).tandem?.track === 'function');
    await visitorPage.getByRole('button', { name: 'Start the pro plan' }).click();

    const feed = alice.page.getByRole('list', { name: 'Latest page views' });
    await eventually(() => feed.locator('.an-feed-path').allTextContents()).toEqual(['/signup', '/pricing', '/']);
    await eventually(() => liveValue('visitors_now')).toBe(1);
    await visitorPage.screenshot({ path: join(RESULTS_DIR, 'analytics-visitor-site.png') });
    await fullShot(alice.page, 'analytics-live.png');
    expect(visitorErrors).toEqual([]);
  });

  it('after a reload the summary counts the three page views, the event with its property, and filters by a click', async () => {
    await server.tandem.analytics.flush();
    await alice.page.reload();
    await eventually(() => figureValue('pageviews')).toBe(3);
    expect(await figureValue('visitors')).toBe(1);
    expect(await figureValue('sessions')).toBe(1);
    expect(await figureValue('bounce_rate')).toBe(0);
    expect(await figureValue('pageviews_per_session')).toBe(3);

    const pages = alice.page.getByRole('region', { name: 'Pages' });
    expect(await pages.locator('tbody tr').evaluateAll((rows) => rows.map((r) => (r as unknown as Attributes).getAttribute('data-value')).sort())).toEqual([
      '/',
      '/pricing',
      '/signup',
    ]);
    const events = alice.page.getByRole('region', { name: 'Custom events' });
    const signup = events.locator('tr[data-value="signup"]');
    await signup.waitFor();
    await signup.getByRole('button', { name: 'Properties' }).click();
    await events.locator('tr[data-prop="plan=pro"]').waitFor();
    expect(await events.locator('tr[data-prop="plan=pro"] td.num').textContent()).toBe('1');

    // The entry page tab and a click on a row: every figure follows the filter until its chip is removed.
    await pages.getByRole('button', { name: 'Entry page' }).click();
    expect(await pages.locator('tbody tr').evaluateAll((rows) => rows.map((r) => (r as unknown as Attributes).getAttribute('data-value')))).toEqual(['/']);
    await pages.getByRole('button', { name: 'Page', exact: true }).click();
    await pages.locator('tr[data-value="/pricing"] button').click();
    const chip = alice.page.locator('.an-filter-chip[data-dimension="page"]');
    await chip.waitFor();
    expect(await chip.textContent()).toContain('/pricing');
    await eventually(() => figureValue('pageviews')).toBe(1);
    await fullShot(alice.page, 'analytics-summary-filtered.png');
    await chip.getByRole('button', { name: 'Remove filter Page' }).click();
    await eventually(() => figureValue('pageviews')).toBe(3);
    expect(await chip.count()).toBe(0);

    // A funnel from the home page to the sign-up event: the one visitor went all the way.
    const funnel = alice.page.getByRole('region', { name: 'Funnel' });
    await funnel.getByLabel('Step 1 path').fill('/');
    await funnel.getByLabel('Step 2 kind').selectOption('event');
    await funnel.getByLabel('Step 2 event name').fill('signup');
    await funnel.getByRole('button', { name: 'Show funnel' }).click();
    const bars = funnel.locator('.an-funnel-bar');
    await eventually(() => bars.count()).toBe(2);
    expect(await bars.evaluateAll((els) => els.map((e) => (e as unknown as Attributes).getAttribute('data-visitors')))).toEqual(['1', '1']);
    expect(await bars.nth(1).textContent()).toContain('100 %');
    await fullShot(alice.page, 'analytics-summary.png');

    // Today and a custom period of today alone count the same visit, in hourly buckets.
    const period = alice.page.getByRole('toolbar', { name: 'Period' });
    await period.getByRole('button', { name: 'Today' }).click();
    await eventually(() => alice.page.getByTestId('range-text').textContent()).toMatch(/compared with/);
    await eventually(() => figureValue('pageviews')).toBe(3);
    await period.getByRole('button', { name: 'Custom' }).click();
    const today = await alice.page.getByLabel('From').inputValue();
    await alice.page.getByLabel('to', { exact: true }).fill(today);
    await eventually(() => figureValue('pageviews')).toBe(3);
    // The last day first: a first day years back with today as the last would ask for too long a period.
    await alice.page.getByLabel('to', { exact: true }).fill('2020-01-31');
    await alice.page.getByLabel('From').fill('2020-01-01');
    await eventually(() => figureValue('pageviews')).toBe(0);
    await period.getByRole('button', { name: '7 days' }).click();
    await eventually(() => figureValue('pageviews')).toBe(3);
    expect(alice.errors).toEqual([]);
  });

  it('a viewer without access has no analytics link and is refused; once granted, the link appears', async () => {
    const viewerApi = await newUser(server.url, 'Vera Viewer');
    expect((await aliceApi.post(`/workspaces/${workspaceId}/members`, { email: viewerApi.user?.email, role: 'viewer' })).status).toBe(201);
    const vera = await openTab(browser, server.url);
    await logIn(vera, viewerApi.user?.email ?? '', 'correct horse battery');
    await vera.page.goto(`/w/${workspaceId}`);
    await vera.page.locator('.connection[data-status="connected"]').waitFor();
    await vera.page.getByRole('link', { name: 'Canvases' }).waitFor();
    // The link follows the server's answer to joining the analytics room; give it that moment.
    await vera.page.waitForTimeout(1_000);
    expect(await vera.page.getByRole('link', { name: 'Analytics', exact: true }).count()).toBe(0);
    expect((await viewerApi.get(`/workspaces/${workspaceId}/analytics/sites`)).status).toBe(403);
    const summary = await viewerApi.get(`/analytics/summary?site=${siteId}&from=2026-01-01T00:00:00Z&to=2027-01-01T00:00:00Z`);
    expect(summary.status).toBe(403);

    await vera.page.goto(`/w/${workspaceId}/analytics/${siteId}`);
    await vera.page.getByText('Analytics are for admins and members they chose').waitFor();
    await vera.page.screenshot({ path: join(RESULTS_DIR, 'analytics-refused.png') });

    // The owner grants her access on the sites page; on her next visit the link is there.
    await alice.page.goto(`/w/${workspaceId}/analytics`);
    const grant = alice.page.getByRole('checkbox', { name: /Vera Viewer/ });
    await grant.check();
    await eventually(async () => (await aliceApi.get(`/workspaces/${workspaceId}/analytics/access`)).body.user_ids).toEqual([viewerApi.user?.id]);
    await vera.page.goto(`/w/${workspaceId}`);
    await vera.page.getByRole('link', { name: 'Analytics', exact: true }).click();
    await vera.page.locator(`.an-site[data-site-id="${siteId}"]`).waitFor();
    // A reader who is not an admin sees the sites but cannot change them.
    expect(await vera.page.getByRole('button', { name: 'Edit' }).count()).toBe(0);
    expect(vera.errors.filter((e) => !e.includes('403'))).toEqual([]);
    await vera.context.close();
  });

  it('the web app tracks itself into the site an admin chose for it, navigation included', async () => {
    const host = new URL(server.url).host;
    const created = await aliceApi.post(`/workspaces/${workspaceId}/analytics/sites`, { name: 'Tandem app', domains: [host], tracks_app: true });
    expect(created.status).toBe(201);
    const appSite = created.body.site.id as string;
    const context = await browser.newContext({ baseURL: server.url, userAgent: CHROME_UA, viewport: { width: 1366, height: 800 } });
    const tab: UserTab = { context, page: await context.newPage(), errors: [] };
    await logIn(tab, DEMO.bob, DEMO.password);
    await tab.page.locator('script#tandem-app-tracking').waitFor({ state: 'attached' });
    await tab.page.waitForFunction(() => typeof (globalThis as unknown as PageWindow).tandem?.track === 'function');
    await tab.page.getByRole('link', { name: 'Members' }).click();
    await tab.page.getByRole('link', { name: 'Canvases' }).click();
    await tab.page.getByRole('heading', { name: 'Canvases' }).waitFor();

    const paths = async () => {
      await server.tandem.analytics.flush();
      const rows = await server.tandem.ctx.db.query<{ path: string }>('SELECT path FROM analytics_pageviews WHERE site_id = $1 ORDER BY id', [appSite]);
      return rows.map((r) => r.path);
    };
    await eventually(paths).toEqual([`/w/${workspaceId}`, `/w/${workspaceId}/members`, `/w/${workspaceId}/canvases`]);
    await context.close();
  });

  it("the demo storefront's two months of visits read as a dashboard: 30 days against the 30 before, countries with their flags", async () => {
    const sites = (await aliceApi.get(`/workspaces/${workspaceId}/analytics/sites`)).body.sites as { id: string; name: string }[];
    const store = sites.find((s) => s.name === 'Northwind storefront');
    expect(store).toBeDefined();
    await alice.page.goto(`/w/${workspaceId}/analytics/${store?.id}`);
    await alice.page.getByRole('toolbar', { name: 'Period' }).getByRole('button', { name: '30 days' }).click();
    await eventually(() => figureValue('visitors')).toBeGreaterThan(0);
    const countries = alice.page.getByRole('region', { name: 'Countries' });
    await countries.locator('tbody tr').first().waitFor();
    // A country is named with its flag: two regional indicator symbols before the name.
    expect(await countries.locator('tbody tr .an-row-text').first().textContent()).toMatch(/^[\u{1F1E6}-\u{1F1FF}]{2} \S/u);
    expect(await figure('visitors').locator('.an-delta').count()).toBe(1);
    await alice.page.waitForTimeout(500); // the chart draws on the next frame
    await fullShot(alice.page, 'analytics-demo-storefront.png');
    expect(alice.errors).toEqual([]);
  });
});
