import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../packages/server/test/support/server.ts';
import { buildWebApp, DEMO, RESULTS_DIR, startAppServer } from './support/app-server.ts';
import { chromiumAvailable, launchChromium, logIn, openTab } from './support/chromium.ts';
import { eventually } from './support/eventually.ts';

describe.runIf(chromiumAvailable())('web app shell', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    buildWebApp();
    server = await startAppServer();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('a demo user logs in, lands in the demo workspace, sees its members and logs out', async () => {
    const alice = await openTab(browser, server.url);
    await alice.page.goto('/');
    await alice.page.getByRole('heading', { name: 'Log in to your workspace' }).waitFor();
    await alice.page.screenshot({ path: join(RESULTS_DIR, 'sign-in.png') });

    await logIn(alice, DEMO.alice, DEMO.password);
    await alice.page.getByRole('heading', { name: 'Northwind Fabrication' }).waitFor();
    expect(alice.page.url()).toMatch(/\/w\/[0-9a-f-]{36}$/);

    await alice.page.getByRole('link', { name: 'Members' }).click();
    const rows = alice.page.getByRole('row');
    await rows.filter({ hasText: 'Carol Lindqvist' }).waitFor();
    expect(await rows.count()).toBe(4); // header + three demo users
    await alice.page.screenshot({ path: join(RESULTS_DIR, 'members.png') });

    await alice.page.getByRole('button', { name: 'Log out' }).click();
    await alice.page.getByRole('heading', { name: 'Log in to your workspace' }).waitFor();
    await alice.page.goto('/');
    await alice.page.getByRole('heading', { name: 'Log in to your workspace' }).waitFor();
    expect(alice.errors).toEqual([]);
    await alice.context.close();
  });

  it('every demo table opens in the grid without console errors', async () => {
    const tab = await openTab(browser, server.url);
    await logIn(tab, DEMO.alice, DEMO.password);
    await tab.page.getByRole('heading', { name: 'Northwind Fabrication' }).waitFor();
    const cards = tab.page.locator('.table-card');
    await cards.first().waitFor();
    const names = await cards.locator('.table-card-name').allTextContents();
    expect(names.length).toBeGreaterThan(0);
    await tab.page.screenshot({ path: join(RESULTS_DIR, 'tables.png') });
    for (const [i, name] of names.entries()) {
      await tab.page.getByRole('link', { name: 'Tables' }).click();
      await cards.nth(i).click();
      await tab.page.getByRole('grid', { name }).waitFor();
      await tab.page.locator('[role=row][data-record-id]').first().waitFor();
      if (i === 0) await tab.page.screenshot({ path: join(RESULTS_DIR, 'demo-table.png') });
    }
    expect(tab.errors).toEqual([]);
    await tab.context.close();
  });

  it('an owner changes a member role and the member sees the new role live', async () => {
    const alice = await openTab(browser, server.url);
    const carol = await openTab(browser, server.url);
    await logIn(alice, DEMO.alice, DEMO.password);
    await logIn(carol, DEMO.carol, DEMO.password);
    await carol.page.getByRole('link', { name: 'Members' }).click();
    await carol.page.getByText('Your role: commenter').waitFor();
    await carol.page.locator('.connection[data-status="connected"]').waitFor();

    await alice.page.getByRole('link', { name: 'Members' }).click();
    await alice.page.getByLabel('Role of Carol Lindqvist').selectOption('viewer');
    await eventually(() => alice.page.getByLabel('Role of Carol Lindqvist').inputValue()).toBe('viewer');

    // Carol's open page follows the change without a reload.
    await carol.page.getByText('Your role: viewer').waitFor();
    expect(await carol.page.getByRole('button', { name: 'Add member' }).count()).toBe(0);

    await alice.page.getByLabel('Role of Carol Lindqvist').selectOption('commenter');
    await eventually(() => alice.page.getByLabel('Role of Carol Lindqvist').inputValue()).toBe('commenter');
    await carol.page.getByText('Your role: commenter').waitFor();
    expect([...alice.errors, ...carol.errors]).toEqual([]);
    await alice.context.close();
    await carol.context.close();
  });

  it('a newcomer registers and is offered to create a workspace', async () => {
    const dana = await openTab(browser, server.url);
    await dana.page.goto('/register');
    await dana.page.getByLabel('Email').fill('dana@example.com');
    await dana.page.getByLabel('Name').fill('Dana Newcomer');
    await dana.page.getByLabel('Password').fill('correct horse battery');
    await dana.page.getByRole('button', { name: 'Create account' }).click();
    await dana.page.getByText('You are not in a workspace yet').waitFor();
    await dana.page.getByLabel('New workspace name').fill('Dana’s shop');
    await dana.page.getByRole('button', { name: 'Create workspace' }).click();
    await dana.page.getByRole('heading', { name: 'Dana’s shop' }).waitFor();
    expect(await dana.page.getByLabel('Workspace', { exact: true }).inputValue()).toMatch(/[0-9a-f-]{36}/);
    expect(dana.errors).toEqual([]);
    await dana.context.close();
  });
});
