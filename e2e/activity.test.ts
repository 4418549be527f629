import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../packages/server/test/support/http-client.ts';
import { apiAs, createTable } from './support/api.ts';
import { DEMO, RESULTS_DIR } from './support/app-server.ts';
import { chromiumAvailable } from './support/chromium.ts';
import { eventually } from './support/eventually.ts';
import { startTwoPeople, TWO_PEOPLE_STARTUP_MS, type TwoPeople } from './support/two-people.ts';

describe.runIf(chromiumAvailable())('the workspace activity page', () => {
  let t: TwoPeople;
  let bobApi: ApiClient;
  const pumps = { id: '', title: '', record: '' };
  const valves = { id: '', title: '', record: '' };

  /** Creates a table with one record and changes that record once, as `by`. */
  const tableWithChange = async (name: string, into: typeof pumps, by: ApiClient) => {
    const table = await createTable(t.api, t.workspaceId, name, [{ name: 'Title', type: 'text' }]);
    into.id = table.id;
    into.title = table.fields.Title?.id ?? '';
    const created = await t.api.post(`/tables/${table.id}/records`, { values: { [into.title]: `${name} A` } });
    into.record = created.body.id;
    const changed = await by.patch(`/records/${into.record}`, { values: { [into.title]: `${name} B` }, expected_version: created.body.version });
    expect(changed.status).toBe(200);
  };
  const tableNames = (page: TwoPeople['alice']['page']) => page.locator('.activity-list > li .activity-table').allTextContents();
  const sentences = (page: TwoPeople['alice']['page']) => page.locator('.activity-list > li .timeline-head > span').allTextContents();

  beforeAll(async () => {
    t = await startTwoPeople();
    bobApi = await apiAs(t.server.url, DEMO.bob, DEMO.password);
    await tableWithChange('Pumps', pumps, t.api);
    await tableWithChange('Valves', valves, bobApi);
  }, TWO_PEOPLE_STARTUP_MS);

  afterAll(async () => {
    await t?.close();
  });

  it('lists entries of several tables and filters them by table, person and kind', async () => {
    const { page } = t.alice;
    await page.getByRole('link', { name: 'Activity' }).click();
    await page.getByRole('heading', { name: 'Activity' }).waitFor();
    await page.locator('.activity-list > li').first().waitFor();
    const names = await tableNames(page);
    expect(names).toContain('Pumps');
    expect(names).toContain('Valves');
    await page.screenshot({ path: join(RESULTS_DIR, 'activity-page.png') });

    await page.getByLabel('Table').selectOption({ label: 'Pumps' });
    await eventually(async () => [...new Set(await tableNames(page))]).toEqual(['Pumps']);
    expect(page.url()).toContain(`table=${pumps.id}`);

    await page.getByLabel('Table').selectOption({ label: 'All tables' });
    await page.getByLabel('Person').selectOption({ label: 'Bob Okafor' });
    await eventually(async () => {
      const lines = await sentences(page);
      return lines.length > 0 && lines.every((l) => l.startsWith('Bob Okafor'));
    }).toBe(true);
    expect(await tableNames(page)).toContain('Valves');

    await page.getByLabel('Person').selectOption({ label: 'Everyone' });
    await page.getByRole('button', { name: 'Changes' }).click();
    await eventually(async () => (await sentences(page)).some((l) => l.includes('updated a record'))).toBe(true);
    expect((await sentences(page)).some((l) => l.includes('commented'))).toBe(false);
    await page.getByLabel('Time').selectOption({ label: 'Last hour' });
    await eventually(async () => (await tableNames(page)).includes('Pumps')).toBe(true);
    await page.getByRole('button', { name: 'All', exact: true }).click();
    await page.getByLabel('Time').selectOption({ label: 'Any time' });
  });

  it('a live entry waits behind "1 new — show" instead of moving the list, then comes in on top', async () => {
    const { page } = t.alice;
    const first = page.locator('.activity-list > li').first();
    const before = await first.getAttribute('data-activity-id');
    const record = (await bobApi.get(`/records/${valves.record}`)).body;
    await bobApi.patch(`/records/${valves.record}`, { values: { [valves.title]: 'Valves C' }, expected_version: record.version });

    const marker = page.getByRole('button', { name: '1 new — show' });
    await marker.waitFor();
    expect(await first.getAttribute('data-activity-id')).toBe(before);
    await page.screenshot({ path: join(RESULTS_DIR, 'activity-new-marker.png') });
    await marker.click();
    await eventually(() => first.locator('.timeline-head > span').textContent()).toBe('Bob Okafor updated a record');
    expect(await first.locator('.diff').textContent()).toContain('Valves B → Valves C');
    expect(await page.getByRole('button', { name: /new — show/ }).count()).toBe(0);
  });

  it('an entry has a discussion: a comment by one appears for the other', async () => {
    const { page } = t.alice;
    const entry = page.locator('.activity-list > li').first();
    const id = (await entry.getAttribute('data-activity-id')) ?? '';
    await entry.getByRole('button', { name: 'Discuss' }).click();
    const box = entry.getByRole('combobox', { name: 'Comment on this change' });
    await box.fill('Why C and not B?');
    await entry.getByRole('button', { name: 'Comment', exact: true }).click();
    await entry.locator('.activity-comments .comment-body', { hasText: 'Why C and not B?' }).waitFor();

    const bob = t.bob.page;
    await bob.goto(`/w/${t.workspaceId}/activity`);
    const same = bob.locator(`.activity-list > li[data-activity-id="${id}"]`);
    await same.getByRole('button', { name: 'Discuss' }).click();
    await same.locator('.activity-comments .comment-body', { hasText: 'Why C and not B?' }).waitFor();
    await same.getByRole('combobox', { name: 'Comment on this change' }).fill('The spec changed.');
    await same.getByRole('button', { name: 'Comment', exact: true }).click();
    // Alice has the thread open: Bob's answer arrives through the workspace room.
    await entry.locator('.activity-comments .comment-body', { hasText: 'The spec changed.' }).waitFor();
    const comments = (await t.api.get(`/activity/${id}/comments`)).body.comments as { body: string }[];
    expect(comments.map((c) => c.body)).toEqual(['Why C and not B?', 'The spec changed.']);
    await page.screenshot({ path: join(RESULTS_DIR, 'activity-discussion.png') });
  });

  it('the same discussion is in the record’s own timeline, and a comment there reaches the Activity page live', async () => {
    const bob = t.bob.page;
    await bob.goto(`/w/${t.workspaceId}/t/${valves.id}?view=all&record=${valves.record}`);
    await bob.getByRole('tab', { name: 'Activity' }).click();
    const entry = bob.locator('.drawer .timeline-entry', { hasText: 'Valves C' });
    await entry.getByRole('button', { name: 'Discuss' }).click();
    await entry.locator('.activity-comments .comment-body', { hasText: 'The spec changed.' }).waitFor();
    await entry.getByRole('combobox', { name: 'Comment on this change' }).fill('See rev 3 of the drawing.');
    await entry.getByRole('button', { name: 'Comment', exact: true }).click();
    await t.alice.page.locator('.activity-list .activity-comments .comment-body', { hasText: 'See rev 3 of the drawing.' }).waitFor();
    await bob.screenshot({ path: join(RESULTS_DIR, 'activity-record-discussion.png') });
    expect(t.alice.errors).toEqual([]);
    expect(t.bob.errors).toEqual([]);
  });
});
