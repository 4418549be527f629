import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../packages/server/test/support/http-client.ts';
import type { TestServer } from '../packages/server/test/support/server.ts';
import { connectWs, type WsTestClient } from '../packages/server/test/support/ws-client.ts';
import { apiAs } from './support/api.ts';
import { buildWebApp, DEMO, RESULTS_DIR, startAppServer } from './support/app-server.ts';
import { chromiumAvailable, launchChromium, logIn, openTab, type UserTab } from './support/chromium.ts';
import { eventually } from './support/eventually.ts';

/** How many extra WebSocket clients the load step opens (bounded; they close at the end). */
const EXTRA_CLIENTS = 40;

/** The first Inventory record and one of its fields, found through the API as a client would. */
async function firstInventoryCell(api: ApiClient, workspaceId: string, fieldName: string) {
  const tables = (await api.get(`/workspaces/${workspaceId}/tables`)).body.tables as { id: string; name: string }[];
  const tableId = tables.find((t) => t.name === 'Inventory')?.id ?? '';
  const fields = (await api.get(`/tables/${tableId}`)).body.fields as { id: string; name: string }[];
  const fieldId = fields.find((f) => f.name === fieldName)?.id ?? '';
  const recordId = ((await api.get(`/tables/${tableId}/records?limit=1`)).body.records[0] as { id: string }).id;
  return { tableId, recordId, fieldId };
}

describe.runIf(chromiumAvailable())('the operations dashboard: live figures, alerts that reach the owner, acknowledge', () => {
  let server: TestServer;
  let browser: Browser;
  let alice: UserTab;
  let bob: UserTab;
  let aliceApi: ApiClient;
  let bobApi: ApiClient;
  let workspaceId: string;
  const sockets: WsTestClient[] = [];

  const figure = (tab: UserTab, metric: string) => tab.page.locator(`.ops-figure[data-metric="${metric}"]`);
  const figureValue = async (tab: UserTab, metric: string) => Number((await figure(tab, metric).getAttribute('data-value')) || Number.NaN);

  beforeAll(async () => {
    buildWebApp();
    server = await startAppServer();
    browser = await launchChromium();
    aliceApi = await apiAs(server.url, DEMO.alice, DEMO.password);
    bobApi = await apiAs(server.url, DEMO.bob, DEMO.password);
    workspaceId = (await aliceApi.get('/me')).body.workspaces[0].id;
    alice = await openTab(browser, server.url);
    bob = await openTab(browser, server.url);
    await logIn(alice, DEMO.alice, DEMO.password);
    await logIn(bob, DEMO.bob, DEMO.password);
  });

  afterAll(async () => {
    for (const s of sockets) s.ws.close();
    await browser?.close();
    await server?.close();
  });

  it('an owner sees the figures change live while clients connect and publish', async () => {
    await alice.page.getByRole('link', { name: 'Operations' }).click();
    await alice.page.getByRole('heading', { name: 'Operations' }).waitFor();
    // Both tabs hold a connection before the baseline is read, so a late one cannot skew it.
    for (const tab of [alice, bob]) await tab.page.locator('.connection[data-status="connected"]').waitFor();
    await eventually(() => figureValue(alice, 'connections')).toBeGreaterThanOrEqual(2);
    const before = await figureValue(alice, 'connections');

    // A bounded load: extra sockets follow a table while another user edits it for a few seconds.
    const { tableId, recordId, fieldId } = await firstInventoryCell(bobApi, workspaceId, 'Description');
    for (let i = 0; i < EXTRA_CLIENTS; i++) sockets.push(await connectWs(server.url, i % 2 ? aliceApi : bobApi));
    await eventually(() => figureValue(alice, 'connections')).toBeGreaterThanOrEqual(before + EXTRA_CLIENTS);
    await Promise.all(sockets.map((s) => s.subscribe(`table:${tableId}`)));
    const stop = Date.now() + 3_000;
    for (let n = 0; Date.now() < stop; n++) {
      const res = await bobApi.patch(`/records/${recordId}`, { values: { [fieldId]: `Bracket rev ${n}` } });
      expect(res.status).toBe(200);
      await new Promise((r) => setTimeout(r, 100));
    }
    await eventually(() => figureValue(alice, 'messages_out_per_s')).toBeGreaterThan(0);
    await alice.page.waitForTimeout(1_200); // let the charts draw a few more points for the picture
    await alice.page.screenshot({ path: join(RESULTS_DIR, 'operations-live.png'), fullPage: true });

    for (const s of sockets.splice(0)) s.ws.close();
    await eventually(() => figureValue(alice, 'connections')).toBeLessThanOrEqual(before);
    expect(alice.errors).toEqual([]);
  });

  it('an editor has neither the link nor the figures', async () => {
    await bob.page.goto('/');
    await bob.page.locator('.connection[data-status="connected"]').waitFor();
    expect(await bob.page.getByRole('link', { name: 'Operations' }).count()).toBe(0);
    const res = await bobApi.get(`/alerts/rules?workspace_id=${workspaceId}`);
    expect(res.status).toBe(403);
    expect((await bobApi.get(`/operations/metrics/history?workspace_id=${workspaceId}`)).status).toBe(403);
  });

  it('a low-stock write by someone else raises a toast for the owner, acknowledged there and shown on the page', async () => {
    await alice.page.goto(`/w/${workspaceId}/operations`);
    await alice.page.getByRole('heading', { name: 'Alert rules' }).waitFor();
    await alice.page.locator('.rule-row', { hasText: 'Low stock' }).waitFor();
    // Opened by its address (not through the link), the page follows the live figures too.
    await eventually(() => figureValue(alice, 'nodes')).toBe(1);

    const { recordId, fieldId: onHand } = await firstInventoryCell(bobApi, workspaceId, 'On hand');
    expect((await bobApi.patch(`/records/${recordId}`, { values: { [onHand]: 0 } })).status).toBe(200);

    const toast = alice.page.locator('.toast.toast-alert');
    await toast.waitFor();
    expect(await toast.textContent()).toContain('Low stock');
    const alertId = await toast.getAttribute('data-alert-id');
    expect(alertId).toBeTruthy();
    const row = alice.page.locator(`.alert-row[data-alert-id="${alertId}"]`);
    await row.waitFor();
    expect(await row.getAttribute('data-status')).toBe('firing');
    await alice.page.screenshot({ path: join(RESULTS_DIR, 'operations-alert-toast.png') });

    await toast.getByRole('button', { name: 'Acknowledge' }).click();
    await toast.getByText('Acknowledged').waitFor();
    await eventually(() => row.getAttribute('data-acknowledged')).toBe('true');
    const alerts = (await aliceApi.get(`/alerts?workspace_id=${workspaceId}`)).body.alerts as { id: string; acknowledged_at: string | null }[];
    expect(alerts.find((a) => a.id === alertId)?.acknowledged_at).toBeTruthy();

    // Restocking resolves it, live on the page.
    expect((await bobApi.patch(`/records/${recordId}`, { values: { [onHand]: 500 } })).status).toBe(200);
    await eventually(() => row.getAttribute('data-status')).toBe('resolved');
    await alice.page.screenshot({ path: join(RESULTS_DIR, 'operations-alert-resolved.png'), fullPage: true });
    expect(alice.errors).toEqual([]);
  });
});
