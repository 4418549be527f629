import { join } from 'node:path';
import type { Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CreatedField, createTable } from './support/api.ts';
import { RESULTS_DIR } from './support/app-server.ts';
import { chromiumAvailable, type UserTab } from './support/chromium.ts';
import { eventually } from './support/eventually.ts';
import { startTwoPeople, TWO_PEOPLE_STARTUP_MS, type TwoPeople } from './support/two-people.ts';

interface StoredField {
  readonly id: string;
  readonly name: string;
  readonly type: string;
  readonly description: string;
  readonly options: { readonly choices?: readonly { id: string; name: string; color: string }[]; readonly [key: string]: unknown };
}

/** The DOM of a grid cell, as far as the tests read it (e2e compiles without the DOM library). */
interface CellElement {
  readonly children: Iterable<{ readonly classList: { contains(name: string): boolean }; readonly textContent: string | null }>;
}
/** The page's `getComputedStyle`. */
interface StyledWindow {
  getComputedStyle(el: unknown): { readonly backgroundColor: string };
}

/** Alice (owner) edits fields in the field editor; Bob (editor) watches the same table. */
describe.runIf(chromiumAvailable())('editing a field: type, choices, number format and description', () => {
  let people: TwoPeople;

  beforeAll(async () => {
    people = await startTwoPeople();
  }, TWO_PEOPLE_STARTUP_MS);

  afterAll(async () => {
    await people?.close();
  });

  /** A table with these fields and rows (values by field name), created over the API. */
  const tableWith = async (name: string, fields: { name: string; type: string; options?: Record<string, unknown> }[], rows: Record<string, unknown>[]) => {
    const table = await createTable(people.api, people.workspaceId, name, fields);
    const byName = (values: Record<string, unknown>) => Object.fromEntries(Object.entries(values).map(([k, v]) => [table.fields[k]?.id ?? k, v]));
    await people.api.post(
      `/tables/${table.id}/records`,
      rows.map((values) => ({ values: byName(values) })),
    );
    return table;
  };
  const fieldsOf = async (tableId: string) => (await people.api.get(`/tables/${tableId}`)).body.fields as StoredField[];
  const open = async (tab: UserTab, tableId: string, count: number) => {
    await tab.page.goto(`/w/${people.workspaceId}/t/${tableId}?view=all`);
    await tab.page.getByText(`${count} records`).waitFor();
    await tab.page.locator('.connection[data-status="connected"]').waitFor();
  };
  /** The cell of a record (0 is the first) and field. */
  const cell = (tab: UserTab, fields: Record<string, CreatedField>, row: number, field: string) =>
    tab.page.locator(`[role=row][aria-rowindex="${row + 2}"] [role=gridcell][data-field-id="${fields[field]?.id}"]`);
  /** What a cell shows ('' when empty), without the name tags of other people's selections and locks. */
  const shown = (tab: UserTab, fields: Record<string, CreatedField>, row: number, field: string) =>
    cell(tab, fields, row, field).evaluate((el) =>
      [...(el as unknown as CellElement).children]
        .filter((child) => !child.classList.contains('cell-tag'))
        .map((child) => child.textContent ?? '')
        .join('')
        .trim(),
    );
  /** Opens the field editor from the column header's menu. */
  const editField = async (tab: UserTab, name: string): Promise<Locator> => {
    await tab.page.getByRole('button', { name: `Field menu: ${name}` }).click();
    await tab.page.getByRole('button', { name: 'Edit field…' }).click();
    const dialog = tab.page.getByRole('dialog', { name: `Edit field “${name}”` });
    await dialog.waitFor();
    return dialog;
  };
  const chipBackground = (tab: UserTab, fields: Record<string, CreatedField>, row: number, field: string) =>
    cell(tab, fields, row, field)
      .locator('.chip')
      .first()
      .evaluate((el) => (globalThis as unknown as StyledWindow).getComputedStyle(el).backgroundColor);

  it('a type change from text to number shows how many records change, converts them, and the other person sees the new type and values live', async () => {
    const { alice, bob } = people;
    const table = await tableWith(
      'Amounts as text',
      [
        { name: 'Item', type: 'text' },
        { name: 'Amount', type: 'text' },
      ],
      [{ Item: 'Bracket', Amount: '12' }, { Item: 'Hinge', Amount: '3.5' }, { Item: 'Latch', Amount: 'n/a' }, { Item: 'Bolt' }],
    );
    await open(alice, table.id, 4);
    await open(bob, table.id, 4);

    const dialog = await editField(alice, 'Amount');
    await dialog.getByLabel('Type').selectOption('number');
    const notice = dialog.getByTestId('conversion-preview');
    await eventually(() => notice.textContent()).toBe('3 of 4 records will change, 1 value cannot be converted and will be cleared.');
    // Nothing is written before the confirmation.
    expect((await fieldsOf(table.id)).find((f) => f.name === 'Amount')?.type).toBe('text');
    expect(await shown(bob, table.fields, 0, 'Amount')).toBe('12');
    await alice.page.screenshot({ path: join(RESULTS_DIR, 'field-editing-type-preview.png') });

    await dialog.getByRole('button', { name: 'Convert 3 records and save' }).click();
    await dialog.waitFor({ state: 'detached' });
    for (const tab of [alice, bob]) {
      await tab.page.locator(`.field-name[title="Amount (Number)"]`).waitFor();
      await eventually(async () => [await shown(tab, table.fields, 0, 'Amount'), await shown(tab, table.fields, 1, 'Amount')]).toEqual(['12', '3.5']);
      expect(await cell(tab, table.fields, 0, 'Amount').locator('.num').count()).toBe(1);
      expect(await shown(tab, table.fields, 2, 'Amount')).toBe('');
    }
    const records = (await people.api.get(`/tables/${table.id}/records`)).body.records as { values: Record<string, unknown> }[];
    expect(records.map((r) => r.values[table.fields.Amount?.id ?? ''] ?? null)).toEqual([12, 3.5, null, null]);
    await bob.page.screenshot({ path: join(RESULTS_DIR, 'field-editing-type-bob.png') });
    expect(alice.errors).toEqual([]);
    expect(bob.errors).toEqual([]);
  });

  it('choices renamed, recoloured, reordered and deleted (after a confirmation with its count) show for both people', async () => {
    const { alice, bob } = people;
    const table = await tableWith(
      'Choice editing',
      [
        { name: 'Task', type: 'text' },
        { name: 'Status', type: 'single_select', options: { choices: [{ name: 'Open' }, { name: 'Blocked' }, { name: 'Done', color: 'gray' }] } },
      ],
      [
        { Task: 'Order parts', Status: 'Open' },
        { Task: 'Fit hinge', Status: 'Blocked' },
        { Task: 'Paint', Status: 'Done' },
      ],
    );
    await open(alice, table.id, 3);
    await open(bob, table.id, 3);

    const dialog = await editField(alice, 'Status');
    await dialog.getByLabel('Choice 1 name').fill('To do');
    await dialog.getByRole('button', { name: 'Colour of Done: gray' }).click();
    await dialog.getByRole('button', { name: 'purple', exact: true }).click();
    await dialog.getByRole('button', { name: 'Move Done up' }).click();
    await dialog.getByRole('button', { name: 'Move Done up' }).click();
    await dialog.getByRole('button', { name: 'Delete choice Blocked' }).click();
    const confirm = dialog.locator('.choice-confirm');
    await eventually(() => confirm.textContent()).toContain('Delete “Blocked”? 1 record loses this choice.');
    await alice.page.screenshot({ path: join(RESULTS_DIR, 'field-editing-choice-delete.png') });
    await confirm.getByRole('button', { name: 'Delete' }).click();
    const names = await dialog.locator('.choice-name').evaluateAll((inputs) => inputs.map((i) => (i as unknown as { value: string }).value));
    expect(names).toEqual(['Done', 'To do']);
    await eventually(() => dialog.getByTestId('conversion-preview').textContent()).toBe(
      '1 of 3 records will change, 1 value loses its choice and will be cleared.',
    );
    await alice.page.screenshot({ path: join(RESULTS_DIR, 'field-editing-choices.png') });
    await dialog.getByRole('button', { name: 'Change 1 record and save' }).click();
    await dialog.waitFor({ state: 'detached' });

    for (const tab of [alice, bob]) {
      await eventually(async () => [
        await shown(tab, table.fields, 0, 'Status'),
        await shown(tab, table.fields, 1, 'Status'),
        await shown(tab, table.fields, 2, 'Status'),
      ]).toEqual(['To do', '', 'Done']);
      expect(await chipBackground(tab, table.fields, 2, 'Status')).toBe('rgb(237, 233, 254)');
    }
    const status = (await fieldsOf(table.id)).find((f) => f.name === 'Status');
    expect(status?.options.choices?.map((c) => [c.name, c.color])).toEqual([
      ['Done', 'purple'],
      ['To do', 'blue'],
    ]);
    await bob.page.screenshot({ path: join(RESULTS_DIR, 'field-editing-choices-bob.png') });
    expect(alice.errors).toEqual([]);
    expect(bob.errors).toEqual([]);
  });

  it('a number shown as currency with two decimals, and a description on the header, appear for both people', async () => {
    const { alice, bob } = people;
    const table = await tableWith(
      'Prices',
      [
        { name: 'Item', type: 'text' },
        { name: 'Price', type: 'number' },
        { name: 'Due', type: 'date' },
      ],
      [
        { Item: 'Bracket', Price: 1234.5, Due: '2026-12-20' },
        { Item: 'Hinge', Price: 7, Due: '2026-12-24' },
      ],
    );
    await open(alice, table.id, 2);
    await open(bob, table.id, 2);

    const price = await editField(alice, 'Price');
    await price.getByLabel('Format').selectOption('currency');
    await price.getByLabel('Currency').fill('EUR');
    await price.getByLabel('Decimals').selectOption('2');
    await eventually(() => price.getByTestId('number-sample').textContent()).toBe('1234.5 shows as €1,234.50');
    await alice.page.screenshot({ path: join(RESULTS_DIR, 'field-editing-number-format.png') });
    await price.getByRole('button', { name: 'Save' }).click();
    await price.waitFor({ state: 'detached' });
    for (const tab of [alice, bob]) {
      await eventually(async () => [await shown(tab, table.fields, 0, 'Price'), await shown(tab, table.fields, 1, 'Price')]).toEqual(['€1,234.50', '€7.00']);
    }

    const due = await editField(alice, 'Due');
    await due.getByLabel('Description').fill('The date we promised the customer');
    await due.getByRole('button', { name: 'Save' }).click();
    await due.waitFor({ state: 'detached' });
    for (const tab of [alice, bob]) {
      const info = tab.page.getByRole('button', { name: 'About Due' });
      await info.waitFor();
      await info.hover();
      await eventually(() => tab.page.getByRole('tooltip').first().isVisible()).toBe(true);
      expect(await tab.page.getByRole('tooltip').first().textContent()).toBe('The date we promised the customer');
    }
    await bob.page.screenshot({ path: join(RESULTS_DIR, 'field-editing-description-bob.png') });
    const stored = await fieldsOf(table.id);
    expect(stored.find((f) => f.name === 'Due')?.description).toBe('The date we promised the customer');
    expect(stored.find((f) => f.name === 'Price')?.options).toEqual({ precision: 2, format: 'currency', currency: 'EUR' });
    expect(alice.errors).toEqual([]);
    expect(bob.errors).toEqual([]);
  });
});
