import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../packages/server/test/support/http-client.ts';
import type { TestServer } from '../packages/server/test/support/server.ts';
import { apiAs, createTable } from './support/api.ts';
import { buildWebApp, DEMO, RESULTS_DIR, startAppServer } from './support/app-server.ts';
import { chromiumAvailable, launchChromium, logIn, openTab, type UserTab } from './support/chromium.ts';
import { eventually } from './support/eventually.ts';

describe.runIf(chromiumAvailable())('comments, mentions, notifications and approvals between two people', () => {
  let server: TestServer;
  let browser: Browser;
  let api: ApiClient;
  let workspaceId: string;
  let tableId: string;
  let recordId: string;
  let alice: UserTab;
  let bob: UserTab;

  const badge = (tab: UserTab) => tab.page.locator('.bell-badge');
  const openRecord = async (tab: UserTab) => {
    await tab.page.goto(`/w/${workspaceId}/t/${tableId}?view=all&record=${recordId}`);
    await tab.page.getByRole('heading', { name: 'Weld fixture rework' }).waitFor();
  };

  beforeAll(async () => {
    buildWebApp();
    server = await startAppServer();
    browser = await launchChromium();
    api = await apiAs(server.url, DEMO.alice, DEMO.password);
    workspaceId = (await api.get('/me')).body.workspaces[0].id;
    const table = await createTable(api, workspaceId, 'Change orders', [{ name: 'Title', type: 'text' }]);
    tableId = table.id;
    recordId = (await api.post(`/tables/${tableId}/records`, { values: { [table.fields.Title?.id ?? '']: 'Weld fixture rework' } })).body.id;
    alice = await openTab(browser, server.url);
    bob = await openTab(browser, server.url);
    await logIn(alice, DEMO.alice, DEMO.password);
    await logIn(bob, DEMO.bob, DEMO.password);
    await bob.page.locator('.connection[data-status="connected"]').waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('a mention by one raises the other’s bell badge and a toast that opens the record', async () => {
    await openRecord(alice);
    expect(await badge(bob).count()).toBe(0);
    const box = alice.page.getByRole('combobox', { name: 'Write a comment' });
    await box.click();
    await box.pressSequentially('Can you check the drawing, @Bo');
    await alice.page.getByRole('option', { name: /Bob Okafor/ }).click();
    await box.pressSequentially('? **Thanks**');
    await alice.page.getByRole('button', { name: 'Comment', exact: true }).click();
    await alice.page.locator('.comment-body .mention', { hasText: '@Bob Okafor' }).waitFor();
    expect(await alice.page.locator('.comment-body strong', { hasText: 'Thanks' }).count()).toBe(1);

    await eventually(() => badge(bob).textContent()).toBe('1');
    const toast = bob.page.locator('.toast');
    await toast.waitFor();
    expect(await toast.textContent()).toContain('Alice Moreau');
    await bob.page.screenshot({ path: join(RESULTS_DIR, 'notification-toast.png') });
    await toast.locator('.toast-body').click();
    await bob.page.getByRole('heading', { name: 'Weld fixture rework' }).waitFor();
    await bob.page.locator('.comment-body .mention', { hasText: '@Bob Okafor' }).waitFor();
    await eventually(() => badge(bob).count()).toBe(0);
    await bob.page.screenshot({ path: join(RESULTS_DIR, 'record-drawer.png') });

    // Bob replies in the thread; Alice sees the reply without reloading.
    await bob.page.getByRole('button', { name: 'Reply' }).click();
    const reply = bob.page.getByRole('combobox', { name: 'Reply' });
    await reply.fill('Checked, looks good.');
    await bob.page.getByRole('button', { name: 'Reply', exact: true }).last().click();
    await alice.page.locator('.replies .comment-body', { hasText: 'Checked, looks good.' }).waitFor();
  });

  it('an approval requested by one is approved by the other from the activity feed and the requester sees the result', async () => {
    await openRecord(alice);
    await alice.page.getByRole('tab', { name: 'Activity' }).click();
    await alice.page.getByRole('button', { name: 'Request approval' }).click();
    await alice.page.getByLabel('What needs approval').fill('Release rev B');
    await alice.page.getByRole('checkbox', { name: 'Bob Okafor' }).check();
    await alice.page.getByRole('button', { name: 'Send request' }).click();
    await alice.page.locator('.approval', { hasText: 'Release rev B' }).getByText('pending').waitFor();

    await eventually(() => badge(bob).textContent()).toMatch(/^[1-9]/);
    await openRecord(bob);
    await bob.page.getByRole('tab', { name: 'Activity' }).click();
    await bob.page.getByRole('button', { name: 'Approvals' }).click();
    const card = bob.page.locator('.approval', { hasText: 'Release rev B' });
    await card.getByLabel('Note (optional)').fill('Go ahead');
    await bob.page.screenshot({ path: join(RESULTS_DIR, 'approval-feed.png') });
    await card.getByRole('button', { name: 'Approve' }).click();
    await card.getByText('approved', { exact: true }).waitFor();

    await alice.page.locator('.approval', { hasText: 'Release rev B' }).getByText('approved', { exact: true }).waitFor();
    await alice.page.getByText('Bob Okafor approved: “Go ahead”').waitFor();
    await eventually(() => badge(alice).textContent()).toMatch(/^[1-9]/);
    const approvals = (await api.get(`/approvals?record_id=${recordId}`)).body.approvals as { status: string }[];
    expect(approvals.map((a) => a.status)).toEqual(['approved']);
    await alice.page.screenshot({ path: join(RESULTS_DIR, 'approval-answered.png') });
  });

  it('the notifications page lists, marks read and archives; preferences save', async () => {
    await alice.page.goto('/notifications');
    await alice.page.getByRole('heading', { name: 'Notifications' }).waitFor();
    await alice.page.locator('.notification-row.unread').first().waitFor();
    await alice.page.getByRole('button', { name: 'Mark all read' }).click();
    await eventually(() => alice.page.locator('.notification-row.unread').count()).toBe(0);
    // Marking read refetches the list: count its rows once it is back, not while it reloads.
    await alice.page.locator('.notification-row').first().waitFor();
    const rows = await alice.page.locator('.notification-row').count();
    expect(rows).toBeGreaterThan(0);
    await alice.page.getByRole('button', { name: 'Archive', exact: true }).first().click();
    await eventually(() => alice.page.locator('.notification-row').count()).toBe(rows - 1);
    await alice.page.getByRole('button', { name: 'Archived', exact: true }).click();
    await alice.page.locator('.notification-row').first().waitFor();
    await alice.page.screenshot({ path: join(RESULTS_DIR, 'notifications-page.png') });

    await alice.page.getByRole('link', { name: 'Preferences' }).click();
    await alice.page.getByRole('checkbox', { name: 'Mentions by Email' }).uncheck();
    await alice.page.getByLabel('Email delivery').selectOption('daily');
    await eventually(async () => (await api.get('/notifications/preferences')).body.email_delivery).toBe('daily');
    const prefs = (await api.get('/notifications/preferences')).body;
    expect(prefs.channels.mention.email).toBe(false);
    await alice.page.screenshot({ path: join(RESULTS_DIR, 'preferences.png') });
  });
});
