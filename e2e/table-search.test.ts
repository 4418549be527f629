import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiAs, type CreatedField, createTable } from './support/api.ts';
import { DEMO, RESULTS_DIR } from './support/app-server.ts';
import { chromiumAvailable } from './support/chromium.ts';
import { eventually } from './support/eventually.ts';
import { startTwoPeople, TWO_PEOPLE_STARTUP_MS, type TwoPeople } from './support/two-people.ts';

describe.runIf(chromiumAvailable())('searching a table of 5,000 records', () => {
  let people: TwoPeople;
  let tableId: string;
  let fields: Record<string, CreatedField>;

  beforeAll(async () => {
    people = await startTwoPeople();
    const table = await createTable(people.api, people.workspaceId, 'Spare parts', [
      { name: 'Part', type: 'text' },
      { name: 'Bin', type: 'text' },
    ]);
    tableId = table.id;
    fields = table.fields;
    // Part 1 … Part 5000 in bins A-1 …; three of them are valves, one a zircon gasket near the end.
    const special: Record<number, string> = { 40: 'Check valve', 2200: 'Gate valve', 3900: 'Ball valve', 4321: 'Zircon gasket' };
    await people.server.tandem.ctx.db.query(
      `INSERT INTO records (id, table_id, "values", created_by)
       SELECT gen_random_uuid(), $1, jsonb_build_object($2::text, COALESCE(($5::jsonb) ->> g::text, 'Part ' || g), $3::text, 'A-' || (g % 97)), $4
       FROM generate_series(1, 5000) g`,
      [tableId, fields.Part?.id ?? '', fields.Bin?.id ?? '', people.api.user?.id ?? null, JSON.stringify(special)],
    );
    await people.alice.page.goto(`/w/${people.workspaceId}/t/${tableId}?view=all`);
    await people.alice.page.getByText('5000 records').waitFor({ timeout: 30_000 });
    await people.alice.page.locator('.connection[data-status="connected"]').waitFor();
  }, TWO_PEOPLE_STARTUP_MS);

  afterAll(async () => {
    await people?.close();
  });

  const status = () => people.alice.page.locator('.table-search-status').textContent();
  const current = () => people.alice.page.locator('.grid-cell.search-current').textContent();

  it('Ctrl+F finds a value far down the table and scrolls to it', async () => {
    const { page } = people.alice;
    await page.getByRole('grid', { name: 'Spare parts' }).click({ position: { x: 150, y: 60 } });
    await page.keyboard.press('Control+F');
    const box = page.getByRole('searchbox', { name: 'Search this table' });
    await eventually(() => page.evaluate("document.activeElement?.getAttribute('aria-label')")).toBe('Search this table');
    await box.fill('ZIRCON');
    await eventually(status).toBe('1 of 1');
    await eventually(current).toBe('Zircon gasket');
    // Row 4321 is in the page (virtualised rows: only those in view are) and is the active cell.
    const cell = page.locator('[role=row][aria-rowindex="4322"] [role=gridcell].search-current');
    expect(await cell.isVisible()).toBe(true);
    expect(await cell.getAttribute('aria-selected')).toBe('true');
    await page.screenshot({ path: join(RESULTS_DIR, 'table-search-far.png') });
  });

  it('steps through several hits with Enter and Shift+Enter, highlighting each', async () => {
    const { page } = people.alice;
    const box = page.getByRole('searchbox', { name: 'Search this table' });
    await box.fill('valve');
    await eventually(status).toBe('1 of 3');
    expect(await current()).toBe('Check valve');
    await box.press('Enter');
    await eventually(status).toBe('2 of 3');
    await eventually(current).toBe('Gate valve');
    await box.press('Enter');
    await eventually(current).toBe('Ball valve');
    await box.press('Enter');
    await eventually(current).toBe('Check valve');
    await box.press('Shift+Enter');
    await eventually(current).toBe('Ball valve');
    await page.getByRole('button', { name: 'Previous match' }).click();
    await eventually(current).toBe('Gate valve');
    await page.screenshot({ path: join(RESULTS_DIR, 'table-search-step.png') });
  });

  it('follows another person’s edit, and Escape clears the highlights', async () => {
    const { page } = people.alice;
    const [record] = (await people.api.get(`/tables/${tableId}/records?limit=1`)).body.records as { id: string }[];
    const bobApi = await apiAs(people.server.url, DEMO.bob, DEMO.password);
    const res = await bobApi.patch(`/records/${record?.id}`, { values: { [fields.Part?.id ?? '']: 'Relief valve' } });
    expect(res.status).toBe(200);
    await eventually(status, { timeout: 10_000 }).toMatch(/ of 4$/);
    const box = page.getByRole('searchbox', { name: 'Search this table' });
    await box.press('Escape');
    expect(await box.count()).toBe(0);
    expect(await page.locator('.grid-cell.search-hit').count()).toBe(0);
    expect(people.alice.errors).toEqual([]);
  });
});
