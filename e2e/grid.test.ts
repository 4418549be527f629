import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../packages/server/test/support/http-client.ts';
import type { TestServer } from '../packages/server/test/support/server.ts';
import { apiAs, type CreatedField, createTable } from './support/api.ts';
import { buildWebApp, DEMO, RESULTS_DIR, startAppServer } from './support/app-server.ts';
import { chromiumAvailable, launchChromium, logIn, openTab, type UserTab } from './support/chromium.ts';
import { eventually } from './support/eventually.ts';

describe.runIf(chromiumAvailable())('the grid', () => {
  let server: TestServer;
  let browser: Browser;
  let alice: ApiClient;
  let workspaceId: string;
  let tableId: string;
  let fields: Record<string, CreatedField>;

  beforeAll(async () => {
    buildWebApp();
    server = await startAppServer();
    browser = await launchChromium();
    alice = await apiAs(server.url, DEMO.alice, DEMO.password);
    workspaceId = (await alice.get('/me')).body.workspaces[0].id;
    const table = await createTable(alice, workspaceId, 'Work orders', [
      { name: 'Title', type: 'text' },
      { name: 'Qty', type: 'number' },
      { name: 'Done', type: 'checkbox' },
      { name: 'Status', type: 'single_select', options: { choices: [{ name: 'Open' }, { name: 'Closed' }] } },
      { name: 'Due', type: 'date' },
    ]);
    tableId = table.id;
    fields = table.fields;
    for (let i = 1; i <= 20; i++) {
      const status = i % 4 === 0 ? 'Closed' : 'Open';
      await alice.post(`/tables/${tableId}/records`, {
        values: { [fields.Title?.id ?? '']: `Order ${i}`, [fields.Qty?.id ?? '']: i, [fields.Status?.id ?? '']: status },
      });
    }
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const openTable = async (tab: UserTab) => {
    await tab.page.goto(`/w/${workspaceId}/t/${tableId}?view=all`);
    await tab.page.getByRole('grid', { name: 'Work orders' }).waitFor();
  };
  const cell = (tab: UserTab, row: number, field: string) =>
    tab.page.locator(`[role=row][aria-rowindex="${row + 1}"] [role=gridcell][data-field-id="${fields[field]?.id}"]`);
  const records = async () => (await alice.get(`/tables/${tableId}/records?limit=1000`)).body.records as { id: string; values: Record<string, unknown> }[];

  it('edits cells of every basic type from the keyboard and the server stores them', async () => {
    const tab = await openTab(browser, server.url);
    await logIn(tab, DEMO.alice, DEMO.password);
    await openTable(tab);
    await tab.page.getByText('20 records').waitFor();

    await cell(tab, 1, 'Title').click();
    await tab.page.keyboard.type('Bracket, steel');
    await tab.page.keyboard.press('Enter'); // commits and moves down
    await tab.page.keyboard.press('ArrowUp');
    await tab.page.keyboard.press('ArrowRight'); // Qty
    await tab.page.keyboard.type('42');
    await tab.page.keyboard.press('Tab'); // commits and moves right to Done
    await tab.page.keyboard.press(' ');
    await tab.page.keyboard.press('ArrowRight'); // Status
    await tab.page.keyboard.press('Enter');
    await tab.page.getByRole('combobox', { name: 'Edit Status' }).selectOption({ label: 'Closed' });
    await tab.page.keyboard.press('ArrowRight'); // Due
    await tab.page.keyboard.press('Enter');
    await tab.page.getByLabel('Edit Due').fill('2026-03-01');
    await tab.page.keyboard.press('Enter');

    await expect
      .poll(async () => (await records())[0]?.values)
      .toEqual({
        [fields.Title?.id ?? '']: 'Bracket, steel',
        [fields.Qty?.id ?? '']: 42,
        [fields.Done?.id ?? '']: true,
        [fields.Status?.id ?? '']: fields.Status?.options.choices?.find((c) => c.name === 'Closed')?.id,
        [fields.Due?.id ?? '']: '2026-03-01',
      });
    await eventually(() => cell(tab, 1, 'Title').textContent()).toBe('Bracket, steel');

    // Escape cancels an edit; Delete clears a cell.
    await cell(tab, 2, 'Title').click();
    await tab.page.keyboard.press('Enter');
    await tab.page.keyboard.type(' (draft)');
    await tab.page.keyboard.press('Escape');
    expect(await cell(tab, 2, 'Title').textContent()).toBe('Order 2');
    await tab.page.keyboard.press('Delete');
    await eventually(async () => (await records())[1]?.values[fields.Title?.id ?? '']).toBeUndefined();
    await tab.page.screenshot({ path: join(RESULTS_DIR, 'grid.png') });
    expect(tab.errors).toEqual([]);
    await tab.context.close();
  });

  it('adds and deletes records, and adds, renames and deletes fields', async () => {
    const tab = await openTab(browser, server.url);
    await logIn(tab, DEMO.alice, DEMO.password);
    await openTable(tab);
    await tab.page.getByText('20 records').waitFor();
    await tab.page.getByRole('button', { name: '+ New record' }).click();
    await tab.page.getByText('21 records').waitFor();
    expect((await records()).length).toBe(21);

    tab.page.once('dialog', (d) => void d.accept());
    await tab.page.locator('[role=row][aria-rowindex="22"]').hover();
    await tab.page.getByRole('button', { name: 'Delete record 21' }).click();
    await tab.page.getByText('20 records').waitFor();
    await eventually(async () => (await records()).length).toBe(20);

    await tab.page.getByRole('button', { name: 'Add field' }).click();
    await tab.page.getByLabel('Field name').fill('Notes');
    await tab.page.getByLabel('Type').selectOption('long_text');
    await tab.page.getByRole('button', { name: 'Add field' }).last().click();
    await tab.page.getByRole('columnheader', { name: /Notes/ }).waitFor();

    await tab.page.getByRole('button', { name: 'Field menu: Notes' }).click();
    await tab.page.getByLabel('Field name').fill('Remarks');
    await tab.page.getByRole('button', { name: 'Rename' }).click();
    await tab.page.getByRole('columnheader', { name: /Remarks/ }).waitFor();

    await tab.page.getByRole('button', { name: 'Field menu: Remarks' }).click();
    tab.page.once('dialog', (d) => void d.accept());
    await tab.page.getByRole('button', { name: 'Delete field' }).click();
    await eventually(() => tab.page.getByRole('columnheader', { name: /Remarks/ }).count()).toBe(0);
    const detail = await alice.get(`/tables/${tableId}`);
    expect((detail.body.fields as { name: string }[]).map((f) => f.name)).toEqual(['Title', 'Qty', 'Done', 'Status', 'Due']);
    expect(tab.errors).toEqual([]);
    await tab.context.close();
  });

  it('filters, sorts and hides fields, and a saved view comes back after a reload', async () => {
    const tab = await openTab(browser, server.url);
    await logIn(tab, DEMO.alice, DEMO.password);
    await openTable(tab);
    await tab.page.getByText('20 records').waitFor();

    await tab.page.getByRole('button', { name: 'Filter' }).click();
    await tab.page.getByRole('button', { name: '+ Add filter' }).click();
    await tab.page.getByLabel('Filter field').selectOption({ label: 'Status' });
    await tab.page.getByLabel('Value for Status').selectOption({ label: 'Open' });
    await tab.page.getByText('14 of 20 records').waitFor(); // records 4, 8, 12, 16, 20 and the edited first one are Closed
    await tab.page.keyboard.press('Escape');

    await tab.page.getByRole('button', { name: 'Sort' }).click();
    await tab.page.getByRole('button', { name: '+ Add sort' }).click();
    await tab.page.getByLabel('Sort field').selectOption({ label: 'Qty' });
    await tab.page.getByLabel('Direction').selectOption('desc');
    await tab.page.keyboard.press('Escape');
    await eventually(() => cell(tab, 1, 'Qty').textContent()).toBe('19');

    await tab.page.getByRole('button', { name: 'Fields' }).click();
    await tab.page.getByRole('checkbox', { name: 'Due' }).uncheck();
    await tab.page.keyboard.press('Escape');
    await eventually(() => tab.page.getByRole('columnheader', { name: /Due/ }).count()).toBe(0);

    await tab.page.getByRole('button', { name: 'Save view…' }).click();
    await tab.page.getByLabel('New view name').fill('Open by quantity');
    await tab.page.getByRole('button', { name: 'Save view', exact: true }).click();
    await eventually(() => tab.page.url()).toMatch(/\?view=[0-9a-f-]{36}/);
    await tab.page.reload();
    await tab.page.getByText('14 of 20 records').waitFor();
    expect(await cell(tab, 1, 'Qty').textContent()).toBe('19');
    expect(await tab.page.getByRole('columnheader', { name: /Due/ }).count()).toBe(0);
    await tab.page.screenshot({ path: join(RESULTS_DIR, 'grid-view.png') });
    expect(tab.errors).toEqual([]);
    await tab.context.close();
  });

  it('edits user, multiple-select and link cells through their pickers', async () => {
    const parts = await createTable(alice, workspaceId, 'Parts', [{ name: 'Part', type: 'text' }]);
    const bolt = (await alice.post(`/tables/${parts.id}/records`, { values: { [parts.fields.Part?.id ?? '']: 'M8 bolt' } })).body.id;
    const rich = await createTable(alice, workspaceId, 'Assemblies', [
      { name: 'Name', type: 'text' },
      { name: 'Owner', type: 'user' },
      { name: 'Tags', type: 'multi_select', options: { choices: [{ name: 'Urgent' }, { name: 'Rework' }, { name: 'QA' }] } },
      { name: 'Parts', type: 'link', options: { linked_table_id: parts.id } },
    ]);
    const id = (await alice.post(`/tables/${rich.id}/records`, { values: { [rich.fields.Name?.id ?? '']: 'Frame' } })).body.id;
    const tab = await openTab(browser, server.url);
    await logIn(tab, DEMO.alice, DEMO.password);
    await tab.page.goto(`/w/${workspaceId}/t/${rich.id}?view=all`);
    const richCell = (name: string) => tab.page.locator(`[data-record-id="${id}"] [role=gridcell][data-field-id="${rich.fields[name]?.id}"]`);

    await richCell('Owner').click();
    await tab.page.keyboard.press('Enter');
    await tab.page.getByRole('combobox', { name: 'Edit Owner' }).selectOption({ label: 'Bob Okafor' });
    await eventually(() => richCell('Owner').textContent()).toContain('Bob Okafor');

    await richCell('Tags').click();
    await tab.page.keyboard.press('Enter');
    await tab.page.getByRole('checkbox', { name: 'Urgent' }).check();
    await tab.page.getByRole('checkbox', { name: 'QA' }).check();
    await tab.page.getByRole('button', { name: 'Done' }).click();
    await eventually(() => richCell('Tags').textContent()).toBe('UrgentQA');

    await richCell('Parts').click();
    await tab.page.keyboard.press('Enter');
    await tab.page.getByLabel('Search choices').fill('M8');
    await tab.page.getByRole('checkbox', { name: 'M8 bolt' }).check();
    await tab.page.getByRole('button', { name: 'Done' }).click();
    await eventually(() => richCell('Parts').textContent()).toBe('M8 bolt');

    const stored = (await alice.get(`/records/${id}`)).body.values;
    const bob = ((await alice.get(`/workspaces/${workspaceId}/members`)).body.members as { user_id: string; name: string }[]).find(
      (m) => m.name === 'Bob Okafor',
    );
    const choice = (name: string) => rich.fields.Tags?.options.choices?.find((c) => c.name === name)?.id;
    expect(stored[rich.fields.Owner?.id ?? '']).toBe(bob?.user_id);
    expect(stored[rich.fields.Tags?.id ?? '']).toEqual([choice('Urgent'), choice('QA')]);
    expect(stored[rich.fields.Parts?.id ?? '']).toEqual([bolt]);
    expect(tab.errors).toEqual([]);
    await tab.context.close();
  });

  it('scrolls through 10,000 records with only the visible rows in the page', async () => {
    const big = await createTable(alice, workspaceId, 'Inventory (large)', [{ name: 'Part', type: 'text' }]);
    await server.tandem.ctx.db.query(
      `INSERT INTO records (id, table_id, "values", created_by)
       SELECT gen_random_uuid(), $1, jsonb_build_object($2::text, 'Part ' || g), $3 FROM generate_series(1, 10000) g`,
      [big.id, big.fields.Part?.id ?? '', alice.user?.id ?? null],
    );
    const tab = await openTab(browser, server.url);
    await logIn(tab, DEMO.alice, DEMO.password);
    await tab.page.goto(`/w/${workspaceId}/t/${big.id}?view=all`);
    await tab.page.getByText('10000 records').waitFor({ timeout: 30_000 });
    expect(await tab.page.locator('[role=row]').count()).toBeLessThan(80);
    expect(await tab.page.getByRole('grid').getAttribute('aria-rowcount')).toBe('10001');

    await tab.page.locator('[role=gridcell]').first().click();
    await tab.page.keyboard.press('Control+End');
    await tab.page.locator('[role=row][aria-rowindex="10001"]').getByText('Part 10000').waitFor();
    expect(await tab.page.locator('[role=row]').count()).toBeLessThan(80);
    expect(tab.errors).toEqual([]);
    await tab.context.close();
  });
});
