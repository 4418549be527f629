import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../packages/server/test/support/http-client.ts';
import type { TestServer } from '../packages/server/test/support/server.ts';
import { apiAs, type CreatedField, createTable } from './support/api.ts';
import { buildWebApp, DEMO, RESULTS_DIR, startAppServer } from './support/app-server.ts';
import { chromiumAvailable, launchChromium, logIn, openTab, type UserTab } from './support/chromium.ts';
import { eventually } from './support/eventually.ts';

describe.runIf(chromiumAvailable())('two people in one table', () => {
  let dataDir: string;
  let server: TestServer;
  let browser: Browser;
  let api: ApiClient;
  let workspaceId: string;
  let tableId: string;
  let fields: Record<string, CreatedField>;
  let alice: UserTab;
  let bob: UserTab;

  const cell = (tab: UserTab, recordId: string, field: string) =>
    tab.page.locator(`[data-record-id="${recordId}"] [role=gridcell][data-field-id="${fields[field]?.id}"]`);
  const recordIds = async () => ((await api.get(`/tables/${tableId}/records?limit=100`)).body.records as { id: string }[]).map((r) => r.id);
  const storedValue = async (recordId: string, field: string) => (await api.get(`/records/${recordId}`)).body.values[fields[field]?.id ?? ''];
  const status = (tab: UserTab) => tab.page.locator('.connection').getAttribute('data-status');

  beforeAll(async () => {
    buildWebApp();
    dataDir = await mkdtemp(join(tmpdir(), 'tandem-e2e-'));
    server = await startAppServer({ dataDir, keep: true });
    browser = await launchChromium();
    api = await apiAs(server.url, DEMO.alice, DEMO.password);
    workspaceId = (await api.get('/me')).body.workspaces[0].id;
    const table = await createTable(api, workspaceId, 'Shop floor', [
      { name: 'Task', type: 'text' },
      { name: 'Priority', type: 'number' },
    ]);
    tableId = table.id;
    fields = table.fields;
    for (const [task, priority] of [
      ['Calibrate lathe', 3],
      ['Replace belt', 2],
      ['Order bearings', 1],
    ] as const) {
      await api.post(`/tables/${tableId}/records`, { values: { [fields.Task?.id ?? '']: task, [fields.Priority?.id ?? '']: priority } });
    }
    alice = await openTab(browser, server.url);
    bob = await openTab(browser, server.url);
    await logIn(alice, DEMO.alice, DEMO.password);
    await logIn(bob, DEMO.bob, DEMO.password);
    for (const tab of [alice, bob]) {
      await tab.page.goto(`/w/${workspaceId}/t/${tableId}?view=all`);
      await tab.page.getByText('3 records').waitFor();
      await tab.page.locator('.connection[data-status="connected"]').waitFor();
    }
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('both see each other’s avatars in the table header', async () => {
    await alice.page.locator('.presence [aria-label^="Bob Okafor"]').waitFor();
    await bob.page.locator('.presence [aria-label^="Alice Moreau"]').waitFor();
    await alice.page.screenshot({ path: join(RESULTS_DIR, 'live-presence.png') });
  });

  it('an edit by one appears in the other’s grid, highlighted with who changed it', async () => {
    const [first] = await recordIds();
    if (!first) throw new Error('no records');
    await cell(alice, first, 'Task').dblclick();
    await alice.page.getByLabel('Edit Task').fill('Calibrate lathe #2');
    await alice.page.keyboard.press('Enter');
    await eventually(() => cell(bob, first, 'Task').textContent()).toContain('Calibrate lathe #2');
    expect(await cell(bob, first, 'Task').getAttribute('class')).toContain('flash');
    expect(await cell(bob, first, 'Task').getAttribute('aria-description')).toBe('Changed by Alice Moreau');
    await bob.page.screenshot({ path: join(RESULTS_DIR, 'live-change.png') });
  });

  it('a cell being edited by one shows as locked for the other and cannot be edited', async () => {
    const [, second] = await recordIds();
    if (!second) throw new Error('no records');
    await cell(bob, second, 'Task').click();
    await bob.page.keyboard.press('Enter');
    await bob.page.getByLabel('Edit Task').waitFor();

    await eventually(() => cell(alice, second, 'Task').getAttribute('aria-description')).toBe('Locked by Bob Okafor');
    await eventually(() => cell(alice, second, 'Task').textContent()).toContain('Bob Okafor');
    await cell(alice, second, 'Task').dblclick();
    await alice.page.getByText('Bob Okafor is editing this cell right now.').waitFor();
    expect(await alice.page.getByLabel('Edit Task').count()).toBe(0);
    // Alice also sees where Bob is: his row carries his avatar.
    await alice.page.locator(`[data-record-id="${second}"] .row-presence [aria-label^="Bob Okafor"]`).waitFor();
    await alice.page.screenshot({ path: join(RESULTS_DIR, 'live-lock.png') });

    await bob.page.keyboard.press('Escape');
    await eventually(() => cell(alice, second, 'Task').getAttribute('aria-description')).toBeNull();
    await cell(alice, second, 'Task').dblclick();
    await alice.page.getByLabel('Edit Task').waitFor();
    await alice.page.keyboard.press('Escape');
  });

  it('shows the cell others have selected', async () => {
    const [, , third] = await recordIds();
    if (!third) throw new Error('no records');
    await cell(bob, third, 'Priority').click();
    await eventually(() => cell(alice, third, 'Priority').textContent()).toContain('Bob Okafor');
  });

  it('a remote change that would reorder a sorted view shows a banner instead of jumping', async () => {
    await alice.page.getByRole('button', { name: 'Sort' }).click();
    await alice.page.getByRole('button', { name: '+ Add sort' }).click();
    await alice.page.getByLabel('Sort field').selectOption({ label: 'Priority' });
    await alice.page.keyboard.press('Escape');
    const order = async () =>
      alice.page
        .locator('[role=row][data-record-id]')
        .evaluateAll((rows: { getAttribute(name: string): string | null }[]) => rows.map((r) => r.getAttribute('data-record-id')));
    const [first, second, third] = await recordIds();
    await eventually(order).toEqual([third, second, first]);

    await cell(bob, third ?? '', 'Priority').click();
    await bob.page.keyboard.type('9');
    await bob.page.keyboard.press('Enter');
    await alice.page.getByText('New data available').waitFor();
    expect(await order()).toEqual([third, second, first]);
    await alice.page.screenshot({ path: join(RESULTS_DIR, 'live-new-data.png') });
    await alice.page.getByRole('button', { name: 'Show changes' }).click();
    await eventually(order).toEqual([second, first, third]);
  });

  it('an edit made offline is queued, sent on reconnect, and a 409 shows yours and theirs', async () => {
    const [first] = await recordIds();
    if (!first) throw new Error('no records');
    await bob.context.setOffline(true);
    await cell(bob, first, 'Task').dblclick();
    await bob.page.getByLabel('Edit Task').fill('Bob’s offline text');
    await bob.page.keyboard.press('Enter');
    await bob.page.getByText('1 change waiting to be sent').waitFor();
    // Meanwhile Alice changes the same cell.
    await api.patch(`/records/${first}`, { values: { [fields.Task?.id ?? '']: 'Alice’s text' } });

    await bob.context.setOffline(false);
    const dialog = bob.page.getByRole('dialog', { name: 'Someone changed this while you were editing' });
    await dialog.waitFor();
    expect(await dialog.locator('td.mine').textContent()).toBe('Bob’s offline text');
    expect(await dialog.locator('td.theirs').textContent()).toBe('Alice’s text');
    await bob.page.screenshot({ path: join(RESULTS_DIR, 'conflict.png') });
    await dialog.getByRole('button', { name: 'Keep mine' }).click();
    await eventually(() => storedValue(first, 'Task')).toBe('Bob’s offline text');
    await eventually(() => cell(alice, first, 'Task').textContent()).toContain('Bob’s offline text');
  });

  it('after the server restarts both reconnect by themselves and an edit made during the outage arrives', async () => {
    const [, second] = await recordIds();
    if (!second) throw new Error('no records');
    const port = Number(new URL(server.url).port);
    await server.close();
    await eventually(() => status(alice)).not.toBe('connected');
    await eventually(() => status(bob)).not.toBe('connected');

    await cell(alice, second, 'Task').dblclick();
    await alice.page.getByLabel('Edit Task').fill('Written during the outage');
    await alice.page.keyboard.press('Enter');
    await alice.page.getByText('1 change waiting to be sent').waitFor();
    await alice.page.screenshot({ path: join(RESULTS_DIR, 'offline.png') });

    server = await startAppServer({ dataDir, keep: true, port });
    await eventually(() => status(alice), { timeout: 30_000 }).toBe('connected');
    await eventually(() => status(bob), { timeout: 30_000 }).toBe('connected');
    await eventually(() => cell(bob, second, 'Task').textContent(), { timeout: 15_000 }).toContain('Written during the outage');
    expect(await storedValue(second, 'Task')).toBe('Written during the outage');
  });
});
