import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTable } from './support/api.ts';
import { RESULTS_DIR } from './support/app-server.ts';
import { chromiumAvailable } from './support/chromium.ts';
import { eventually } from './support/eventually.ts';
import { startTwoPeople, TWO_PEOPLE_STARTUP_MS, type TwoPeople } from './support/two-people.ts';

/** The markup a mention is sent in; no one reading should ever see it. */
const MARKUP = /@\[[^\]]*\]\(/;

describe.runIf(chromiumAvailable())('mentions read as names, from the composer to the toast and the inbox', () => {
  let t: TwoPeople;
  let tableId: string;
  let recordId: string;

  beforeAll(async () => {
    t = await startTwoPeople();
    const table = await createTable(t.api, t.workspaceId, 'Site visits', [{ name: 'Title', type: 'text' }]);
    tableId = table.id;
    recordId = (await t.api.post(`/tables/${tableId}/records`, { values: { [table.fields.Title?.id ?? '']: 'Boiler room survey' } })).body.id;
    await t.bob.page.locator('.connection[data-status="connected"]').waitFor();
  }, TWO_PEOPLE_STARTUP_MS);

  afterAll(async () => {
    await t?.close();
  });

  it('a picked member is a chip in the composer, "@Bob Okafor" in the comment, the toast and the inbox', async () => {
    const { page } = t.alice;
    await page.goto(`/w/${t.workspaceId}/t/${tableId}?view=all&record=${recordId}`);
    await page.getByRole('heading', { name: 'Boiler room survey' }).waitFor();
    const box = page.getByRole('combobox', { name: 'Write a comment' });
    await box.click();
    await box.pressSequentially('Please meet @Bo');
    await page.getByRole('option', { name: /Bob Okafor/ }).click();
    await box.pressSequentially('at the gate.');

    const chip = page.locator('.composer .mention-chip');
    await chip.waitFor();
    expect(await chip.textContent()).toBe('@Bob Okafor');
    expect(await box.inputValue()).toBe('Please meet @Bob Okafor at the gate.');
    // The chip lies exactly under the name in the textarea: same line, left of the text after it.
    const chipBox = await chip.boundingBox();
    const areaBox = await box.boundingBox();
    expect(chipBox && areaBox && chipBox.y >= areaBox.y && chipBox.y + chipBox.height <= areaBox.y + areaBox.height).toBe(true);
    await page
      .locator('.composer')
      .first()
      .screenshot({ path: join(RESULTS_DIR, 'mention-chip-composer.png') });

    await page.getByRole('button', { name: 'Comment', exact: true }).click();
    await page.locator('.comment-body .mention', { hasText: '@Bob Okafor' }).waitFor();
    const stored = (await t.api.get(`/records/${recordId}/comments`)).body.comments as { body: string; mentions: string[] }[];
    expect(stored.at(-1)?.body).toMatch(/^Please meet @\[Bob Okafor\]\([0-9a-f-]{36}\) at the gate\.$/);
    expect(stored.at(-1)?.mentions).toHaveLength(1);

    const toast = t.bob.page.locator('.toast');
    await toast.waitFor();
    await eventually(() => toast.textContent()).toContain('@Bob Okafor');
    expect(await toast.textContent()).not.toMatch(MARKUP);
    await t.bob.page.screenshot({ path: join(RESULTS_DIR, 'mention-toast.png') });

    await t.bob.page.goto('/notifications');
    const row = t.bob.page.locator('.notification-row', { hasText: 'Alice Moreau mentioned you' }).first();
    await row.waitFor();
    expect(await row.textContent()).toContain('Please meet @Bob Okafor at the gate.');
    expect(await row.textContent()).not.toMatch(MARKUP);
    await t.bob.page.screenshot({ path: join(RESULTS_DIR, 'mention-inbox.png') });
  });

  it('editing one’s own comment shows its mentions as chips again and keeps them mentions', async () => {
    const { page } = t.alice;
    await page.locator('.comment', { hasText: 'Please meet' }).getByRole('button', { name: 'Edit' }).click();
    const box = page.getByRole('combobox', { name: 'Edit comment' });
    expect(await box.inputValue()).toBe('Please meet @Bob Okafor at the gate.');
    await page.locator('.comment .mention-chip', { hasText: '@Bob Okafor' }).waitFor();
    await box.press('End');
    await box.pressSequentially(' Bring the keys.');
    await page.locator('form.composer', { has: box }).getByRole('button', { name: 'Save' }).click();
    await page.locator('.comment-body', { hasText: 'Bring the keys.' }).locator('.mention', { hasText: '@Bob Okafor' }).waitFor();
    const stored = (await t.api.get(`/records/${recordId}/comments`)).body.comments as { body: string; mentions: string[] }[];
    expect(stored.at(-1)?.body).toMatch(/^Please meet @\[Bob Okafor\]\([0-9a-f-]{36}\) at the gate\. Bring the keys\.$/);
    expect(t.alice.errors).toEqual([]);
    expect(t.bob.errors).toEqual([]);
  });
});
