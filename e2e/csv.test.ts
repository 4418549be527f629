import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../packages/server/test/support/http-client.ts';
import type { TestServer } from '../packages/server/test/support/server.ts';
import { apiAs, createTable } from './support/api.ts';
import { buildWebApp, DEMO, RESULTS_DIR, startAppServer } from './support/app-server.ts';
import { chromiumAvailable, launchChromium, logIn, openTab } from './support/chromium.ts';

const ROWS = 10_000;

/** A CSV cell quoted only when CSV needs it, as the export writes them. */
function cell(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A 10,000-row file with text that needs quoting, whole and decimal numbers, checkboxes, dates and empty cells. */
function stockCsv(): string {
  const lines = ['Part,Qty,In stock,Due,Notes'];
  for (let i = 1; i <= ROWS; i++) {
    const part = i % 7 === 0 ? `Bracket, steel "${i}"` : `Part ${i}`;
    const qty = i % 5 === 0 ? `${i}.25` : String(i * 3);
    const stock = i % 11 === 0 ? '' : i % 2 === 0 ? 'true' : 'false';
    const due = `2026-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')}`;
    const notes = i % 13 === 0 ? `first line ${i}\nsecond line` : i % 3 === 0 ? '' : `note ${i}`;
    lines.push([part, qty, stock, due, notes].map(cell).join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** Page script: records every value of the import's progress bar and every text of its status line, as the page renders them. */
const RECORD_PROGRESS = `(() => {
  const seen = { values: [], texts: [] };
  window.progressSeen = seen;
  new MutationObserver(() => {
    const bar = document.querySelector('.csv-progress progress');
    const text = document.querySelector('.csv-progress [role=status]')?.textContent;
    if (bar && seen.values.at(-1) !== bar.value) seen.values.push(bar.value);
    if (text && seen.texts.at(-1) !== text) seen.texts.push(text);
  }).observe(document.body, { subtree: true, attributes: true, childList: true, characterData: true });
})()`;

describe.runIf(chromiumAvailable())('CSV import and export in the browser', () => {
  let server: TestServer;
  let browser: Browser;
  let alice: ApiClient;
  let workspaceId: string;
  let tableId: string;

  beforeAll(async () => {
    buildWebApp();
    server = await startAppServer();
    browser = await launchChromium();
    alice = await apiAs(server.url, DEMO.alice, DEMO.password);
    workspaceId = (await alice.get('/me')).body.workspaces[0].id;
    tableId = (await createTable(alice, workspaceId, 'Inventory', [{ name: 'Item', type: 'text' }])).id;
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('imports a 10,000-row CSV into a new table with a progress bar and exports it back identically', async () => {
    const file = join(RESULTS_DIR, 'csv-stock-10000.csv');
    const original = stockCsv();
    writeFileSync(file, original);

    const tab = await openTab(browser, server.url);
    const { page } = tab;
    await logIn(tab, DEMO.alice, DEMO.password);
    await page.goto(`/w/${workspaceId}/t/${tableId}?view=all`);
    await page.getByRole('grid', { name: 'Inventory' }).waitFor();

    await page.getByRole('button', { name: 'Import CSV' }).click();
    const dialog = page.getByRole('dialog', { name: 'Import CSV' });
    await dialog.getByLabel('CSV file (the first line names the columns)').setInputFiles(file);
    // The preview guesses a type per column from the file's head; each can be changed.
    await dialog.getByLabel('Type of column 1').waitFor();
    const types = await Promise.all([1, 2, 3, 4, 5].map((i) => dialog.getByLabel(`Type of column ${i}`).inputValue()));
    expect(types).toEqual(['text', 'number', 'checkbox', 'date', 'long_text']);
    await expect.poll(() => dialog.getByRole('cell', { name: 'Part 1', exact: true }).count()).toBe(1);
    await dialog.getByLabel('Table name').fill('Stock');
    await page.screenshot({ path: join(RESULTS_DIR, 'csv-import-preview.png') });

    // A slow uplink (100 KB/s), so the 420 KB upload takes seconds: the server reads and writes the
    // file as it arrives, and the progress bar moves while it does.
    const cdp = await tab.context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 100 * 1024 });
    // Every value the bar and its status line show, as the page renders them.
    await page.evaluate(RECORD_PROGRESS);
    await dialog.getByRole('button', { name: 'Import' }).click();
    await dialog.getByRole('progressbar', { name: 'Import progress' }).waitFor({ timeout: 60_000 });
    // For the screenshot only: the assertions on progress below do not depend on catching this moment.
    await dialog
      .getByText(/\d+ rows imported/)
      .waitFor({ timeout: 60_000 })
      .catch(() => undefined);
    await page.screenshot({ path: join(RESULTS_DIR, 'csv-import-progress.png') });
    await dialog.getByText(`${ROWS} rows read: ${ROWS} created, 0 updated, 0 refused.`).waitFor({ timeout: 180_000 });
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    const seen = await page.evaluate<{ values: number[]; texts: string[] }>('window.progressSeen');
    // The bar moved through values between empty and full, only forward, and the status counted
    // rows written while the file was still arriving.
    expect(seen.values.some((v) => v > 0 && v < 1)).toBe(true);
    expect(seen.values).toEqual([...seen.values].sort((a, b) => a - b));
    const counted = seen.texts.flatMap((t) => /^(\d+) rows imported/.exec(t)?.[1] ?? []).map(Number);
    expect(counted.some((n) => n > 0 && n < ROWS)).toBe(true);
    await page.screenshot({ path: join(RESULTS_DIR, 'csv-import-done.png') });

    await dialog.getByRole('button', { name: 'Open the table' }).click();
    await page.getByRole('grid', { name: 'Stock' }).waitFor();
    await page.getByText(`${ROWS} records`).waitFor({ timeout: 60_000 });
    await page.screenshot({ path: join(RESULTS_DIR, 'csv-imported-table.png') });

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Export CSV' }).click()]);
    expect(download.suggestedFilename()).toBe('Stock.csv');
    const exported = join(RESULTS_DIR, 'csv-stock-exported.csv');
    await download.saveAs(exported);
    const back = readFileSync(exported, 'utf8');
    expect(back.length).toBe(original.length);
    expect(back === original).toBe(true);
    expect(tab.errors).toEqual([]);
    await tab.context.close();
  }, 400_000);
});
