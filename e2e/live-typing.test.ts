import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CreatedField, createTable } from './support/api.ts';
import { RESULTS_DIR } from './support/app-server.ts';
import { chromiumAvailable, type UserTab } from './support/chromium.ts';
import { eventually } from './support/eventually.ts';
import { startTwoPeople, TWO_PEOPLE_STARTUP_MS, type TwoPeople } from './support/two-people.ts';

describe.runIf(chromiumAvailable())('live typing and editing feedback in the grid', () => {
  let people: TwoPeople;
  let tableId: string;
  let fields: Record<string, CreatedField>;

  beforeAll(async () => {
    people = await startTwoPeople();
    const table = await createTable(people.api, people.workspaceId, 'Inspection log', [
      { name: 'Title', type: 'text' },
      { name: 'Qty', type: 'number' },
    ]);
    tableId = table.id;
    fields = table.fields;
    const f = (n: string) => fields[n]?.id ?? '';
    await people.api.post(`/tables/${tableId}/records`, [
      { values: { [f('Title')]: 'Boiler 1', [f('Qty')]: 3 } },
      { values: { [f('Title')]: 'Boiler 2', [f('Qty')]: 5 } },
    ]);
    for (const tab of [people.alice, people.bob]) {
      await tab.page.goto(`/w/${people.workspaceId}/t/${tableId}?view=all`);
      await tab.page.getByText('2 records').waitFor();
      await tab.page.locator('.connection[data-status="connected"]').waitFor();
    }
  }, TWO_PEOPLE_STARTUP_MS);

  afterAll(async () => {
    await people?.close();
  });

  const cell = (tab: UserTab, row: number, field: string) =>
    tab.page.locator(`[role=row][aria-rowindex="${row + 1}"] [role=gridcell][data-field-id="${fields[field]?.id}"]`);
  const stored = async (row: number, field: string) => {
    const records = (await people.api.get(`/tables/${tableId}/records`)).body.records as { values: Record<string, unknown> }[];
    return records[row - 1]?.values[fields[field]?.id ?? ''];
  };

  it('shows the other person the text as it is typed, under their lock tag beside the text, until it is saved or dropped', async () => {
    const { alice, bob } = people;
    await cell(alice, 1, 'Title').dblclick();
    const input = alice.page.getByRole('textbox', { name: 'Edit Title' });
    await input.fill('');
    await input.pressSequentially('Boiler 1 — valve leak', { delay: 30 });

    const preview = cell(bob, 1, 'Title').locator('.cell-live-preview');
    await eventually(() => preview.textContent()).toBe('Boiler 1 — valve leak');
    const tag = cell(bob, 1, 'Title').locator('.cell-tag');
    await eventually(() => tag.textContent()).toContain('Alice Moreau');
    // The tag sits beside the text, not over it.
    const [textBox, tagBox] = [await preview.boundingBox(), await tag.boundingBox()];
    expect(textBox && tagBox && textBox.x + textBox.width <= tagBox.x + 0.5).toBe(true);
    await bob.page.screenshot({ path: join(RESULTS_DIR, 'live-typing-bob.png') });
    // Nothing is stored while typing.
    expect(await stored(1, 'Title')).toBe('Boiler 1');

    await input.press('Enter');
    await eventually(() => cell(bob, 1, 'Title').textContent()).toBe('Boiler 1 — valve leak');
    expect(await preview.count()).toBe(0);
    expect(await stored(1, 'Title')).toBe('Boiler 1 — valve leak');

    // A draft dropped with Escape leaves the other's cell as it was.
    await cell(alice, 2, 'Title').dblclick();
    await alice.page.getByRole('textbox', { name: 'Edit Title' }).pressSequentially(' (draft)', { delay: 30 });
    await eventually(() => cell(bob, 2, 'Title').locator('.cell-live-preview').count()).toBe(1);
    await alice.page.keyboard.press('Escape');
    await eventually(() => cell(bob, 2, 'Title').locator('.cell-live-preview').count()).toBe(0);
    // Alice's selection stays on the cell (its tag names her); the text is the stored one again.
    await eventually(() => cell(bob, 2, 'Title').locator(':scope > :not(.cell-tag)').first().textContent()).toBe('Boiler 2');
  });

  it('a cell someone is editing says so, and the notice closes once they are done', async () => {
    const { alice, bob } = people;
    await cell(alice, 2, 'Qty').dblclick();
    await alice.page.getByRole('textbox', { name: 'Edit Qty' }).waitFor();
    await eventually(() => cell(bob, 2, 'Qty').locator('.cell-tag').count()).toBe(1);
    await cell(bob, 2, 'Qty').dblclick();
    const notice = bob.page.locator('.grid-notice');
    await eventually(() => notice.textContent()).toBe('Alice Moreau is editing this cell right now.');
    await alice.page.keyboard.press('Escape');
    await eventually(() => notice.textContent(), { timeout: 3_000 }).toBe('');
  });

  it('an invalid value shows why in the cell and keeps the draft to fix', async () => {
    const { alice } = people;
    await cell(alice, 1, 'Qty').dblclick();
    const input = alice.page.getByRole('textbox', { name: 'Edit Qty' });
    await input.fill('12 pcs');
    await input.press('Enter');
    const error = cell(alice, 1, 'Qty').getByRole('alert');
    await eventually(() => error.textContent()).toBe('“12 pcs” is not a number');
    // Readable, not covered by the next row: the element at its centre is the message itself.
    const box = await error.boundingBox();
    const atCentre = await alice.page.evaluate(
      `document.elementFromPoint(${(box?.x ?? 0) + (box?.width ?? 0) / 2}, ${(box?.y ?? 0) + (box?.height ?? 0) / 2})?.className`,
    );
    expect(atCentre).toBe('cell-input-error');
    expect(await input.inputValue()).toBe('12 pcs');
    expect(await input.getAttribute('aria-invalid')).toBe('true');
    await alice.page.screenshot({ path: join(RESULTS_DIR, 'live-typing-invalid.png') });
    expect(await stored(1, 'Qty')).toBe(3);

    await input.fill('12');
    expect(await error.count()).toBe(0);
    await input.press('Enter');
    await eventually(() => stored(1, 'Qty')).toBe(12);
    expect(people.alice.errors).toEqual([]);
    expect(people.bob.errors).toEqual([]);
  });
});
