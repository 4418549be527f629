import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../packages/server/test/support/http-client.ts';
import type { TestServer } from '../packages/server/test/support/server.ts';
import { apiAs } from './support/api.ts';
import { buildWebApp, DEMO, RESULTS_DIR, startAppServer } from './support/app-server.ts';
import { chromiumAvailable, launchChromium, logIn, openTab, type UserTab } from './support/chromium.ts';
import { eventually } from './support/eventually.ts';

/** Where the header's fixed parts sit, rounded to whole pixels. */
interface HeaderLayout {
  readonly brand: string;
  readonly switcher: string;
  readonly navStart: string;
  readonly navRow: string;
}

function box(b: { x: number; y: number; width: number; height: number } | null): string {
  if (!b) return 'missing';
  return [b.x, b.y, b.width, b.height].map((n) => Math.round(n)).join(',');
}

async function headerLayout(page: Page): Promise<HeaderLayout> {
  const nav = page.getByRole('navigation', { name: 'Workspace pages' });
  await nav.waitFor();
  const navBox = await nav.boundingBox();
  return {
    brand: box(await page.locator('.topbar .brand').boundingBox()),
    switcher: box(await page.getByLabel('Workspace', { exact: true }).boundingBox()),
    navStart: box(await nav.getByRole('link', { name: 'Tables' }).boundingBox()),
    // The nav's width follows live unread badges; where it starts and its row must not move.
    navRow: navBox ? `${Math.round(navBox.x)},${Math.round(navBox.y)},${Math.round(navBox.height)}` : 'missing',
  };
}

/** Waits for a section's "Saved"-style confirmation (a live region), then for it to fade away. */
async function expectSaved(section: Locator, text: string | RegExp = 'Saved'): Promise<void> {
  const status = section.getByRole('status').filter({ hasText: text });
  await status.waitFor();
  expect(await section.getByRole('alert').count()).toBe(0);
}

describe.runIf(chromiumAvailable())('settings and secondary pages', () => {
  let server: TestServer;
  let browser: Browser;
  let alice: UserTab;
  let api: ApiClient;
  let workspaceId: string;
  let gridLayout: HeaderLayout;

  beforeAll(async () => {
    buildWebApp();
    server = await startAppServer();
    browser = await launchChromium();
    alice = await openTab(browser, server.url);
    await logIn(alice, DEMO.alice, DEMO.password);
    await alice.page.getByRole('heading', { name: 'Northwind Fabrication' }).waitFor();
    workspaceId = new URL(alice.page.url()).pathname.split('/')[2] ?? '';
    api = await apiAs(server.url, DEMO.alice, DEMO.password);
    // The grid's header is the reference every other page is held to.
    await alice.page.locator('.table-card').first().click();
    await alice.page.locator('[role=row][data-record-id]').first().waitFor();
    gridLayout = await headerLayout(alice.page);
  });

  afterAll(async () => {
    await alice?.context.close();
    await browser?.close();
    await server?.close();
  });

  const shot = (name: string) => alice.page.screenshot({ path: join(RESULTS_DIR, `settings-${name}.png`), fullPage: true });

  it('notification preferences save per section, say Saved, and keep the change after a reload', async () => {
    const { page } = alice;
    await page.goto('/settings/notifications');
    await page.getByRole('heading', { name: 'Notification preferences' }).waitFor();
    expect(await headerLayout(page)).toEqual(gridLayout);

    const email = page.getByRole('region', { name: 'Email', exact: true });
    await email.getByLabel('Email delivery').selectOption('weekly');
    await expectSaved(email);
    // The confirmation fades: its live region empties a few seconds later.
    await eventually(() => email.getByRole('status').textContent(), { timeout: 8000 }).toBe('');

    const channels = page.getByRole('region', { name: 'Channels' });
    await channels.getByRole('checkbox', { name: 'Approval requests by Email' }).uncheck();
    await expectSaved(channels);

    const quiet = page.getByRole('region', { name: 'Quiet hours' });
    await quiet.getByRole('checkbox', { name: 'Hold email and push during quiet hours' }).check();
    await expectSaved(quiet);
    await quiet.getByLabel('From').waitFor();
    // The zone shown is the browser's own, even one (UTC) missing from the browser's list of zones.
    const zone = await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone);
    expect(await quiet.getByLabel('Time zone').inputValue()).toBe(zone);
    await shot('preferences');

    await page.reload();
    await eventually(() => page.getByLabel('Email delivery').inputValue()).toBe('weekly');
    expect(await page.getByRole('checkbox', { name: 'Approval requests by Email' }).isChecked()).toBe(false);
    expect(await page.getByLabel('From').inputValue()).toBe('22:00');
    const stored = (await api.get('/notifications/preferences')).body;
    expect(stored.email_delivery).toBe('weekly');
    expect(stored.channels.approval_requested.email).toBe(false);
    expect(stored.quiet_hours).toMatchObject({ start: '22:00', end: '07:00' });
  });

  it('members: a new role says Saved and stays after a reload; a refused change shows the server’s reason in place', async () => {
    const { page } = alice;
    await page.getByRole('link', { name: 'Members' }).click();
    await page.getByRole('heading', { name: 'Members of Northwind Fabrication' }).waitFor();
    expect(await headerLayout(page)).toEqual(gridLayout);

    const members = page.getByRole('region', { name: 'Members', exact: true });
    await members.getByLabel('Role of Carol Lindqvist').selectOption('viewer');
    await expectSaved(members);
    await page.reload();
    await eventually(() => page.getByLabel('Role of Carol Lindqvist').inputValue()).toBe('viewer');

    // The only owner cannot step down: the server refuses, and says so inside the section.
    await members.getByLabel('Role of Alice Moreau').selectOption('admin');
    const refusal = members.getByRole('alert');
    await refusal.waitFor();
    expect(await refusal.textContent()).toMatch(/owner/i);
    await eventually(() => page.getByLabel('Role of Alice Moreau').inputValue()).toBe('owner');
    await shot('members');

    await members.getByLabel('Role of Carol Lindqvist').selectOption('commenter');
    await expectSaved(members);
    expect(await members.getByRole('alert').count()).toBe(0);
  });

  it('operations: switching a rule off says Saved and stays off after a reload', async () => {
    const { page } = alice;
    await page.getByRole('link', { name: 'Operations' }).click();
    await page.getByRole('heading', { name: 'Operations', exact: true }).waitFor();
    expect(await headerLayout(page)).toEqual(gridLayout);

    const rules = page.getByRole('region', { name: 'Alert rules' });
    await rules.getByRole('checkbox', { name: 'Enable Low stock' }).uncheck();
    await expectSaved(rules);
    await page.reload();
    const toggle = page.getByRole('region', { name: 'Alert rules' }).getByRole('checkbox', { name: 'Enable Low stock' });
    await toggle.waitFor();
    expect(await toggle.isChecked()).toBe(false);
    await shot('operations');
    await toggle.check();
    await expectSaved(page.getByRole('region', { name: 'Alert rules' }));
  });

  it('analytics sites: granting a reader says Saved and stays after a reload; a site edit confirms too', async () => {
    const { page } = alice;
    await page.getByRole('link', { name: 'Analytics', exact: true }).click();
    await page.getByRole('heading', { name: 'Analytics', exact: true }).waitFor();
    expect(await headerLayout(page)).toEqual(gridLayout);

    const readers = page.getByRole('region', { name: 'Who can read analytics' });
    await readers.getByRole('checkbox', { name: /Bob Okafor/ }).check();
    await expectSaved(readers);
    await page.reload();
    const bob = page.getByRole('region', { name: 'Who can read analytics' }).getByRole('checkbox', { name: /Bob Okafor/ });
    await bob.waitFor();
    expect(await bob.isChecked()).toBe(true);
    const access = (await api.get(`/workspaces/${workspaceId}/analytics/access`)).body.user_ids as string[];
    expect(access).toHaveLength(1);

    const sites = page.getByRole('region', { name: 'Sites' });
    await sites.getByRole('button', { name: 'Edit' }).first().click();
    const form = sites.getByRole('form', { name: /^Edit / });
    await form.getByLabel('Name').fill('Northwind shop');
    await form.getByRole('button', { name: 'Save site' }).click();
    await expectSaved(sites, 'Site “Northwind shop” saved');
    await page.reload();
    await page.getByRole('link', { name: 'Northwind shop' }).waitFor();
    await shot('analytics');
  });

  it('pages outside a workspace keep the switcher and the navigation where the grid has them', async () => {
    const { page } = alice;
    for (const [path, heading, name] of [
      ['/notifications', 'Notifications', 'notifications'],
      ['/new-workspace', 'New workspace', 'new-workspace'],
      [`/w/${workspaceId}/activity`, 'Activity', 'activity'],
    ] as const) {
      await page.goto(path);
      await page.getByRole('heading', { name: heading, exact: true }).waitFor();
      expect(await headerLayout(page)).toEqual(gridLayout);
      expect(await page.getByLabel('Workspace', { exact: true }).inputValue()).toBe(workspaceId);
      await shot(name);
    }
    // The one error is the owner's refused step down, provoked on the members page.
    expect(alice.errors.filter((e) => !e.includes('409 (Conflict)'))).toEqual([]);
  });

  it('on a 390 px phone the sections fit the screen and a wide table scrolls inside its card', async () => {
    const phone = await browser.newContext({ baseURL: server.url, viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const tab = { context: phone, page: await phone.newPage(), errors: [] as string[] };
    await logIn(tab, DEMO.alice, DEMO.password);
    for (const [path, heading, name] of [
      ['/settings/notifications', 'Notification preferences', 'phone-preferences'],
      [`/w/${workspaceId}/members`, 'Members of Northwind Fabrication', 'phone-members'],
    ] as const) {
      await tab.page.goto(path);
      await tab.page.getByRole('heading', { name: heading }).waitFor();
      const sections = tab.page.locator('.settings-section');
      await sections.first().waitFor();
      for (const b of await sections.evaluateAll((els) =>
        els.map((el) => (el as unknown as { getBoundingClientRect(): { left: number; right: number } }).getBoundingClientRect()),
      )) {
        expect(b.left).toBeGreaterThanOrEqual(0);
        expect(b.right).toBeLessThanOrEqual(390);
      }
      // A phone widens its layout viewport to fit the content, so a page wider than the screen shows here.
      expect(
        await tab.page.evaluate(
          () => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth,
        ),
      ).toBeLessThanOrEqual(390);
      await tab.page.screenshot({ path: join(RESULTS_DIR, `settings-${name}.png`), fullPage: true });
    }
    // Carol's Remove button is at the far end of the members table: reachable by scrolling the card.
    const remove = tab.page.getByRole('row', { name: /Carol Lindqvist/ }).getByRole('button', { name: 'Remove' });
    await remove.scrollIntoViewIfNeeded();
    const box = await remove.boundingBox();
    expect((box?.x ?? -1) >= 0 && (box?.x ?? 0) + (box?.width ?? 0) <= 390).toBe(true);
    await phone.close();
  });
});
