import { roomName } from '@tandem/protocol';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from './support/each-database.ts';
import { type ApiClient, newTeam, newUser, workspaceWith } from './support/http-client.ts';
import { startServer, type TestServer } from './support/server.ts';
import { allRecords, createRecord, createTable, type TestTable } from './support/tables.ts';
import { connectWs } from './support/ws-client.ts';

describeEachDatabase('batch records API', (db) => {
  let server: TestServer;
  let owner: ApiClient;
  let editor: ApiClient;
  let viewer: ApiClient;
  let stranger: ApiClient;
  let table: TestTable<'Title' | 'Qty'>;

  beforeAll(async () => {
    server = await startServer({ db });
    const team = await newTeam(server.url, { editor: ['Eve', 'editor'], viewer: ['Vic', 'viewer'] });
    ({ owner, editor, viewer } = team);
    stranger = await newUser(server.url, 'Stranger');
    await workspaceWith(stranger);
    table = await createTable(owner, team.workspaceId, [
      { name: 'Title', type: 'text' },
      { name: 'Qty', type: 'number' },
    ]);
  });
  afterAll(async () => server?.close());

  const countRecords = async () => (await allRecords(owner, table.id, '', 1000)).length;

  it('creates many records in the order given, each announced to the table room once after the commit', async () => {
    const { f } = table;
    const watcher = await connectWs(server.url, viewer);
    const room = roomName('table', table.id);
    try {
      await watcher.subscribe(room);
      const items = Array.from({ length: 25 }, (_, i) => ({ values: { [f.Title]: `batch ${i}`, [f.Qty]: i } }));
      const res = await editor.post(`/tables/${table.id}/records`, items);
      expect(res.status).toBe(201);
      expect(res.body.records).toHaveLength(25);
      expect(res.body.records.map((r: { values: Record<string, unknown> }) => r.values[f.Title])).toEqual(items.map((i) => i.values[f.Title]));
      const events = (await watcher.collect(room, 25)).filter((e) => e.type === 'record_created');
      expect(events.map((e) => (e.data as { id: string }).id)).toEqual(res.body.records.map((r: { id: string }) => r.id));
      const seqs = events.map((e) => e.seq);
      expect(seqs).toEqual(Array.from({ length: 25 }, (_, i) => (seqs[0] ?? 0) + i));
      // Listed in creation order, which is the order of the batch.
      const listed = (await allRecords(owner, table.id, '', 1000)).filter((r) => String(r.values[f.Title]).startsWith('batch '));
      expect(listed.map((r) => r.values[f.Title])).toEqual(items.map((i) => i.values[f.Title]));
      const [activity] = await server.tandem.ctx.db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM activity WHERE record_id = ANY($1::uuid[]) AND action = 'created'",
        [res.body.records.map((r: { id: string }) => r.id)],
      );
      expect(activity?.n).toBe(25);
    } finally {
      await watcher.close();
    }
  });

  it('a create batch with one bad value writes nothing and names the bad index with its code', async () => {
    const { f } = table;
    const before = await countRecords();
    const res = await editor.post(`/tables/${table.id}/records`, [
      { values: { [f.Title]: 'ok 1' } },
      { values: { [f.Qty]: 'many' } },
      { values: { [f.Title]: 'ok 2' } },
      { values: { 'not-a-field': 1 } },
    ]);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_input');
    expect(res.body.error.details.errors.map((e: { index: number; code: string }) => [e.index, e.code])).toEqual([
      [1, 'invalid_input'],
      [3, 'invalid_input'],
    ]);
    expect(res.body.error.details.errors[0].details.field_id).toBe(f.Qty);
    expect(await countRecords()).toBe(before);
  });

  it('updates many records, each merging against its own expected version', async () => {
    const { f } = table;
    const a = await createRecord(owner, table.id, { [f.Title]: 'a', [f.Qty]: 1 });
    const b = await createRecord(owner, table.id, { [f.Title]: 'b', [f.Qty]: 2 });
    // Someone changes b's title; a write of b's quantity based on version 1 still merges.
    await owner.patch(`/records/${b.id}`, { values: { [f.Title]: 'b2' } });
    const watcher = await connectWs(server.url, viewer);
    const room = roomName('table', table.id);
    try {
      await watcher.subscribe(room);
      const res = await editor.patch(`/tables/${table.id}/records`, [
        { id: a.id, values: { [f.Qty]: 10 }, expected_version: 1 },
        { id: b.id, values: { [f.Qty]: 20 }, expected_version: 1 },
      ]);
      expect(res.status).toBe(200);
      expect(res.body.records.map((r: { version: number }) => r.version)).toEqual([2, 3]);
      expect((await owner.get(`/records/${b.id}`)).body.values).toEqual({ [f.Title]: 'b2', [f.Qty]: 20 });
      const events = (await watcher.collect(room, 2)).filter((e) => e.type === 'record_updated');
      expect(events.map((e) => [(e.data as { id: string }).id, (e.data as { changed_fields: string[] }).changed_fields])).toEqual([
        [a.id, [f.Qty]],
        [b.id, [f.Qty]],
      ]);
    } finally {
      await watcher.close();
    }
  });

  it('an update batch with one stale version and one bad value writes nothing and lists both indexes with their codes', async () => {
    const { f } = table;
    const records = await Promise.all([1, 2, 3, 4].map((i) => createRecord(owner, table.id, { [f.Title]: `u${i}`, [f.Qty]: i })));
    const [r0, r1, r2, r3] = records as [(typeof records)[0], (typeof records)[0], (typeof records)[0], (typeof records)[0]];
    await owner.patch(`/records/${r1.id}`, { values: { [f.Qty]: 99 } });
    const res = await editor.patch(`/tables/${table.id}/records`, [
      { id: r0.id, values: { [f.Qty]: 100 }, expected_version: 1 },
      { id: r1.id, values: { [f.Qty]: 101 }, expected_version: 1 },
      { id: r2.id, values: { [f.Qty]: 'lots' } },
      { id: r3.id, values: { [f.Title]: 'fine' } },
    ]);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('conflict');
    expect(res.body.error.details.errors.map((e: { index: number; code: string }) => [e.index, e.code])).toEqual([
      [1, 'conflict'],
      [2, 'invalid_input'],
    ]);
    expect(res.body.error.details.errors[0].details.conflicting_fields).toEqual([f.Qty]);
    const after = await Promise.all(records.map((r) => owner.get(`/records/${r.id}`)));
    expect(after.map((r) => [r.body.version, r.body.values[f.Qty], r.body.values[f.Title]])).toEqual([
      [1, 1, 'u1'],
      [2, 99, 'u2'],
      [1, 3, 'u3'],
      [1, 4, 'u4'],
    ]);
  });

  it('refuses records of another table and the same record twice, per index', async () => {
    const { f } = table;
    const other = await createTable(owner, table.workspaceId, [{ name: 'Name', type: 'text' }], 'Other');
    const foreign = await createRecord(owner, other.id, { [other.f.Name]: 'x' });
    const mine = await createRecord(owner, table.id, { [f.Title]: 'mine' });
    const res = await editor.patch(`/tables/${table.id}/records`, [
      { id: mine.id, values: { [f.Title]: 'one' } },
      { id: mine.id, values: { [f.Title]: 'two' } },
      { id: foreign.id, values: { [f.Title]: 'three' } },
    ]);
    expect(res.body.error.details.errors.map((e: { index: number; code: string }) => [e.index, e.code])).toEqual([
      [1, 'invalid_input'],
      [2, 'not_found'],
    ]);
    expect((await owner.get(`/records/${mine.id}`)).body.values[f.Title]).toBe('mine');
  });

  it('refuses a viewer (403) and a member of another workspace (404), writing nothing', async () => {
    const { f } = table;
    const mine = await createRecord(owner, table.id, { [f.Title]: 'guarded' });
    const before = await countRecords();
    for (const [client, status] of [
      [viewer, 403],
      [stranger, 404],
    ] as const) {
      const created = await client.post(`/tables/${table.id}/records`, [{ values: { [f.Title]: 'nope' } }]);
      expect(created.status).toBe(status);
      const updated = await client.patch(`/tables/${table.id}/records`, [{ id: mine.id, values: { [f.Title]: 'nope' } }]);
      expect(updated.status).toBe(status);
    }
    expect(await countRecords()).toBe(before);
    expect((await owner.get(`/records/${mine.id}`)).body).toMatchObject({ version: 1, values: { [f.Title]: 'guarded' } });
  });

  it('refuses bad input: items that are not objects, an empty batch, and more than 1000 records', async () => {
    const { f } = table;
    const before = await countRecords();
    for (const body of [[1, 2], ['x'], [{ values: 'text' }], [null]]) {
      const res = await editor.post(`/tables/${table.id}/records`, body);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_input');
    }
    expect((await editor.patch(`/tables/${table.id}/records`, { values: {} })).body.error.code).toBe('invalid_input');
    expect((await editor.patch(`/tables/${table.id}/records`, [{ id: 'nope', values: {} }])).body.error.code).toBe('invalid_input');
    const empty = await editor.post(`/tables/${table.id}/records`, []);
    expect(empty.status).toBe(400);
    const tooMany = await editor.post(
      `/tables/${table.id}/records`,
      Array.from({ length: 1001 }, () => ({ values: { [f.Qty]: 1 } })),
    );
    expect(tooMany.status).toBe(413);
    expect(tooMany.body.error).toMatchObject({ code: 'too_large', details: { max: 1000, count: 1001 } });
    expect(await countRecords()).toBe(before);
  });
});
