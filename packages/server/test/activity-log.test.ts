import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from './support/each-database.ts';
import { type ApiClient, type ApiResponse, newTeam } from './support/http-client.ts';
import { startServer, type TestServer } from './support/server.ts';
import { createRecord, createTable } from './support/tables.ts';

interface Entry {
  id: string;
  entity_type: string;
  entity_id: string;
  action: string;
  actor: { id: string; name: string } | null;
  record_id: string | null;
  table_id: string | null;
  changes: { field_id: string; field_name: string; before: unknown; after: unknown }[];
  meta: Record<string, unknown>;
  created_at: string;
}

async function allEntries(client: ApiClient, path: string, query = '', limit = 3): Promise<Entry[]> {
  const out: Entry[] = [];
  let cursor: string | null = null;
  do {
    const res: ApiResponse = await client.get(`${path}?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}${query ? `&${query}` : ''}`);
    if (res.status !== 200) throw new Error(`activity failed: ${res.status} ${JSON.stringify(res.body)}`);
    out.push(...res.body.activity);
    cursor = res.body.next_cursor;
  } while (cursor);
  return out;
}

describeEachDatabase('activity log', (db) => {
  let server: TestServer;
  let owner: ApiClient;
  let editor: ApiClient;
  let ws: string;

  beforeAll(async () => {
    server = await startServer({ db });
    ({ owner, editor, workspaceId: ws } = await newTeam(server.url, { editor: ['Editor', 'editor'] }));
  });
  afterAll(async () => server?.close());

  it('a record update is logged with the actor and each changed field before and after, by name', async () => {
    const table = await createTable(owner, ws, [
      { name: 'Title', type: 'text' },
      { name: 'Qty', type: 'number' },
    ]);
    const record = await createRecord(owner, table.id, { [table.f.Title]: 'draft', [table.f.Qty]: 1 });
    await editor.patch(`/records/${record.id}`, { values: { [table.f.Title]: 'final', [table.f.Qty]: 1 } });
    await editor.delete(`/records/${record.id}`);
    const entries = await allEntries(owner, `/tables/${table.id}/activity`, 'type=record');
    expect(entries.map((e) => e.action)).toEqual(['deleted', 'updated', 'created']);
    const [deleted, updated, created] = entries;
    expect(updated?.actor).toEqual({ id: editor.user?.id, name: 'Editor' });
    expect(updated?.changes).toEqual([{ field_id: table.f.Title, field_name: 'Title', before: 'draft', after: 'final' }]);
    expect(created?.changes).toEqual(
      expect.arrayContaining([
        { field_id: table.f.Title, field_name: 'Title', before: null, after: 'draft' },
        { field_id: table.f.Qty, field_name: 'Qty', before: null, after: 1 },
      ]),
    );
    expect(deleted?.changes).toEqual(expect.arrayContaining([{ field_id: table.f.Title, field_name: 'Title', before: 'final', after: null }]));
    expect(deleted?.record_id).toBe(record.id);
  });

  it('table, field and view changes are logged; a refused write logs nothing', async () => {
    const table = await createTable(owner, ws, [{ name: 'Title', type: 'text' }], 'Logged');
    const field = await owner.post(`/tables/${table.id}/fields`, { name: 'Qty', type: 'number' });
    await owner.patch(`/fields/${field.body.id}`, { name: 'Quantity' });
    const view = await editor.post(`/tables/${table.id}/views`, { name: 'Mine' });
    await editor.delete(`/views/${view.body.id}`);
    await owner.delete(`/fields/${field.body.id}`);
    const record = await createRecord(owner, table.id, { [table.f.Title]: 'x' });
    await owner.patch(`/records/${record.id}`, { values: { [table.f.Title]: 'y' } });
    const stale = await editor.patch(`/records/${record.id}`, { values: { [table.f.Title]: 'z' }, expected_version: 1 });
    expect(stale.status).toBe(409);
    const entries = await allEntries(owner, `/tables/${table.id}/activity`, 'type=changes');
    expect(entries.map((e) => `${e.entity_type} ${e.action}`)).toEqual([
      'record updated',
      'record created',
      'field deleted',
      'view deleted',
      'view created',
      'field updated',
      'field created',
      'table created',
    ]);
    const renamed = entries.find((e) => e.entity_type === 'field' && e.action === 'updated');
    expect(renamed?.meta).toMatchObject({ before: { name: 'Qty' }, after: { name: 'Quantity' } });
    const ofRecord = await allEntries(owner, `/records/${record.id}/activity`);
    expect(ofRecord.map((e) => e.action)).toEqual(['updated', 'created']);
  });

  it('workspace activity pages newest first and filters by type, user and time', async () => {
    const table = await createTable(owner, ws, [{ name: 'Title', type: 'text' }], 'Paged');
    for (let i = 0; i < 4; i += 1) await createRecord(i % 2 === 0 ? owner : editor, table.id, { [table.f.Title]: `r${i}` });
    const all = await allEntries(owner, `/workspaces/${ws}/activity`, '', 500);
    const paged = await allEntries(owner, `/workspaces/${ws}/activity`, '', 3);
    expect(paged.map((e) => e.id)).toEqual(all.map((e) => e.id));
    const times = all.map((e) => Date.parse(e.created_at));
    expect([...times].sort((a, b) => b - a)).toEqual(times);

    const byEditor = await allEntries(owner, `/workspaces/${ws}/activity`, `user=${editor.user?.id}&type=record`);
    expect(byEditor.length).toBeGreaterThanOrEqual(2);
    expect(byEditor.every((e) => e.actor?.id === editor.user?.id && e.entity_type === 'record')).toBe(true);
    const mine = await allEntries(editor, `/workspaces/${ws}/activity`, 'user=me');
    expect(mine.map((e) => e.id)).toEqual(all.filter((e) => e.actor?.id === editor.user?.id).map((e) => e.id));

    const pivot = all[3] as Entry;
    const before = await allEntries(owner, `/workspaces/${ws}/activity`, `before=${encodeURIComponent(pivot.created_at)}`);
    expect(before.every((e) => Date.parse(e.created_at) < Date.parse(pivot.created_at))).toBe(true);
    const after = await allEntries(owner, `/workspaces/${ws}/activity`, `after=${encodeURIComponent(pivot.created_at)}`);
    expect(after.every((e) => Date.parse(e.created_at) >= Date.parse(pivot.created_at))).toBe(true);
    expect(after.length + before.length).toBeLessThanOrEqual(all.length);
    expect(after.length).toBeGreaterThanOrEqual(3);

    const workspaceOnly = await allEntries(owner, `/workspaces/${ws}/activity`, 'type=workspace');
    expect(workspaceOnly.map((e) => e.action)).toEqual(['created']);
    expect((await owner.get(`/workspaces/${ws}/activity?type=bogus`)).status).toBe(400);
  });
});
