import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../packages/server/test/support/http-client.ts';
import type { TestServer } from '../packages/server/test/support/server.ts';
import { apiAs } from './support/api.ts';
import { buildWebApp, DEMO, RESULTS_DIR, startAppServer } from './support/app-server.ts';
import { chromiumAvailable, launchChromium, logIn, type UserTab } from './support/chromium.ts';

/** An iPhone-sized screen: 390 × 844 CSS pixels, touch, twice the pixels per CSS pixel. */
const PHONE = { width: 390, height: 844 } as const;

/** What these checks read of the page's window (the e2e project has no DOM types). */
interface PageWindow {
  readonly innerWidth: number;
  readonly scrollX: number;
  readonly document: { readonly documentElement: { readonly scrollWidth: number } };
}
/** What they read and set of a scrolling element. */
interface ScrollBox {
  scrollLeft: number;
  readonly scrollWidth: number;
  readonly clientWidth: number;
}

/** How far the page itself reaches past the screen's right edge (0 when nothing overflows). */
const pageOverflow = (page: Page) =>
  page.evaluate(() => {
    const w = globalThis as unknown as PageWindow;
    return w.document.documentElement.scrollWidth - w.innerWidth;
  });

describe.runIf(chromiumAvailable())('Tandem on a 390 px phone', () => {
  let server: TestServer;
  let browser: Browser;
  let api: ApiClient;
  let phone: UserTab;
  let workspaceId: string;
  let tableId: string;
  let recordId: string;

  beforeAll(async () => {
    buildWebApp();
    server = await startAppServer();
    browser = await launchChromium();
    api = await apiAs(server.url, DEMO.alice, DEMO.password);
    workspaceId = (await api.get('/me')).body.workspaces[0].id;
    const tables = (await api.get(`/workspaces/${workspaceId}/tables`)).body.tables as { id: string; name: string }[];
    tableId = tables.find((t) => t.name === 'Work Orders')?.id ?? tables[0]?.id ?? '';
    recordId = (await api.get(`/tables/${tableId}/records?limit=1`)).body.records[0].id;
    const context = await browser.newContext({ baseURL: server.url, viewport: PHONE, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    page.setDefaultTimeout(10_000);
    phone = { context, page, errors };
    await logIn(phone, DEMO.alice, DEMO.password);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('the header fits: brand, a menu button, the connection and the bell in one row; the menu holds the navigation', async () => {
    const { page } = phone;
    await page.goto(`/w/${workspaceId}`);
    await page.locator('.connection[data-status="connected"]').waitFor();
    const menu = page.getByRole('button', { name: 'Menu' });
    await menu.waitFor();
    const nav = page.getByRole('navigation', { name: 'Workspace pages' });
    expect(await nav.isVisible()).toBe(false);
    for (const item of [menu, page.getByRole('button', { name: /^Notifications/ }), page.getByRole('button', { name: 'Log out' })]) {
      const box = await item.boundingBox();
      expect(box).not.toBeNull();
      expect((box?.x ?? -1) >= 0 && (box?.x ?? 0) + (box?.width ?? 0) <= PHONE.width).toBe(true);
      expect((box?.y ?? 99) + (box?.height ?? 0) <= 52).toBe(true);
    }
    expect(await pageOverflow(page)).toBe(0);

    // The bell's panel stays on the screen.
    await page.getByRole('button', { name: /^Notifications/ }).click();
    const panel = await page.locator('.notification-menu').boundingBox();
    expect((panel?.x ?? -1) >= 0 && (panel?.x ?? 0) + (panel?.width ?? 0) <= PHONE.width).toBe(true);
    await page.screenshot({ path: join(RESULTS_DIR, 'mobile-bell.png') });
    await page.keyboard.press('Escape');

    await menu.click();
    expect(await menu.getAttribute('aria-expanded')).toBe('true');
    await nav.getByRole('link', { name: 'Activity' }).waitFor();
    await page.screenshot({ path: join(RESULTS_DIR, 'mobile-menu.png') });
    await nav.getByRole('link', { name: 'Activity' }).click();
    await page.getByRole('heading', { name: 'Activity' }).waitFor();
    expect(await nav.isVisible()).toBe(false);
    // The page already shown closes the menu too.
    await menu.click();
    await nav.getByRole('link', { name: 'Activity' }).click();
    expect(await nav.isVisible()).toBe(false);
    expect(await pageOverflow(page)).toBe(0);
    await page.screenshot({ path: join(RESULTS_DIR, 'mobile-activity.png') });
  });

  it('the grid scrolls inside itself, never the page', async () => {
    const { page } = phone;
    await page.goto(`/w/${workspaceId}/t/${tableId}`);
    const scroller = page.locator('.grid-scroll');
    await page.locator('.grid-row').first().waitFor();
    const sizes = await scroller.evaluate((el) => ({ scroll: (el as unknown as ScrollBox).scrollWidth, client: (el as unknown as ScrollBox).clientWidth }));
    expect(sizes.scroll).toBeGreaterThan(sizes.client);
    expect(sizes.client).toBeLessThanOrEqual(PHONE.width);
    await scroller.evaluate((el) => {
      (el as unknown as ScrollBox).scrollLeft = 240;
    });
    expect(await scroller.evaluate((el) => (el as unknown as ScrollBox).scrollLeft)).toBe(240);
    expect(await page.evaluate(() => (globalThis as unknown as PageWindow).scrollX)).toBe(0);
    expect(await pageOverflow(page)).toBe(0);
    await scroller.evaluate((el) => {
      (el as unknown as ScrollBox).scrollLeft = 0;
    });
    await page.screenshot({ path: join(RESULTS_DIR, 'mobile-grid.png') });
  });

  it('the record drawer is a full-screen sheet that closes back to the grid', async () => {
    const { page } = phone;
    await page.goto(`/w/${workspaceId}/t/${tableId}?record=${recordId}`);
    const drawer = page.locator('.drawer');
    await drawer.locator('.drawer-head h2').waitFor();
    const box = await drawer.boundingBox();
    expect(box).toEqual({ x: 0, y: 0, width: PHONE.width, height: PHONE.height });
    expect(await pageOverflow(page)).toBe(0);
    await page.screenshot({ path: join(RESULTS_DIR, 'mobile-drawer.png') });
    await page.getByRole('button', { name: 'Close record' }).click();
    await drawer.waitFor({ state: 'detached' });
    await page.locator('.grid-row').first().waitFor();
    expect(phone.errors).toEqual([]);
  });
});
