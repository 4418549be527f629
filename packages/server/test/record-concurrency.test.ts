import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from './support/each-database.ts';
import { type ApiClient, newTeam } from './support/http-client.ts';
import { startServer, type TestServer } from './support/server.ts';
import { createRecord, createTable, type TestTable } from './support/tables.ts';
import { connectWs } from './support/ws-client.ts';

describeEachDatabase('optimistic concurrency', (db) => {
  let server: TestServer;
  let alice: ApiClient;
  let bob: ApiClient;
  let table: TestTable<'Title' | 'Qty' | 'Notes' | 'Counter'>;

  beforeAll(async () => {
    server = await startServer({ db });
    // Alice owns the workspace and the table; Bob edits it.
    const team = await newTeam(server.url, { bob: ['Bob', 'editor'] });
    ({ owner: alice, bob } = team);
    table = await createTable(alice, team.workspaceId, [
      { name: 'Title', type: 'text' },
      { name: 'Qty', type: 'number' },
      { name: 'Notes', type: 'long_text' },
      { name: 'Counter', type: 'number' },
    ]);
  });
  afterAll(async () => server?.close());

  it('writes to different fields based on the same version both merge', async () => {
    const { f } = table;
    const record = await createRecord(alice, table.id, { [f.Title]: 'start', [f.Qty]: 1 });
    const a = await alice.patch(`/records/${record.id}`, { values: { [f.Title]: 'alice' }, expected_version: 1 });
    expect(a.status).toBe(200);
    expect(a.body.version).toBe(2);
    const b = await bob.patch(`/records/${record.id}`, { values: { [f.Qty]: 2 }, expected_version: 1 });
    expect(b.status).toBe(200);
    expect(b.body.version).toBe(3);
    expect(b.body.values).toEqual({ [f.Title]: 'alice', [f.Qty]: 2 });
    expect(b.body.updated_by).toBe(bob.user?.id);
  });

  it('a write to a field changed since its version is 409 with the current record and the conflicting fields; nothing is written', async () => {
    const { f } = table;
    const record = await createRecord(alice, table.id, { [f.Title]: 'start', [f.Qty]: 1 });
    await alice.patch(`/records/${record.id}`, { values: { [f.Title]: 'alice' }, expected_version: 1 });
    const res = await bob.patch(`/records/${record.id}`, { values: { [f.Title]: 'bob', [f.Qty]: 5 }, expected_version: 1 });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('conflict');
    expect(res.body.error.details.conflicting_fields).toEqual([f.Title]);
    expect(res.body.error.details.record).toMatchObject({ id: record.id, version: 2, values: { [f.Title]: 'alice', [f.Qty]: 1 } });
    const now = await bob.get(`/records/${record.id}`);
    expect(now.body.version).toBe(2);
    expect(now.body.values[f.Qty]).toBe(1);
    const retry = await bob.patch(`/records/${record.id}`, { values: { [f.Title]: 'bob' }, expected_version: 2 });
    expect(retry.body.version).toBe(3);
  });

  it('without an expected version the last writer wins', async () => {
    const { f } = table;
    const record = await createRecord(alice, table.id, { [f.Title]: 'start' });
    await alice.patch(`/records/${record.id}`, { values: { [f.Title]: 'alice' } });
    const res = await bob.patch(`/records/${record.id}`, { values: { [f.Title]: 'bob' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ version: 3, values: { [f.Title]: 'bob' } });
  });

  it('If-Match carries the expected version on PATCH and DELETE, and ETag tells the current one', async () => {
    const { f } = table;
    const record = await createRecord(alice, table.id, { [f.Title]: 'start' });
    const ok = await alice.patch(`/records/${record.id}`, { values: { [f.Title]: 'one' } }, { 'if-match': '"1"' });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('etag')).toBe('"2"');
    const stale = await bob.patch(`/records/${record.id}`, { values: { [f.Title]: 'two' } }, { 'if-match': 'W/"1"' });
    expect(stale.status).toBe(409);
    expect(stale.body.error.details.conflicting_fields).toEqual([f.Title]);
    const disagree = await bob.patch(`/records/${record.id}`, { values: { [f.Title]: 'two' }, expected_version: 2 }, { 'if-match': '"1"' });
    expect(disagree.status).toBe(400);
    const garbage = await bob.patch(`/records/${record.id}`, { values: { [f.Title]: 'two' } }, { 'if-match': 'yesterday' });
    expect(garbage.status).toBe(400);
    const staleDelete = await bob.request('DELETE', `/records/${record.id}`, undefined, { 'if-match': '"1"' });
    expect(staleDelete.status).toBe(409);
    expect(staleDelete.body.error.details.record.version).toBe(2);
    const del = await bob.request('DELETE', `/records/${record.id}`, undefined, { 'if-match': '"2"' });
    expect(del.status).toBe(204);
    expect((await alice.get(`/records/${record.id}`)).status).toBe(404);
  });

  it('50 concurrent writers incrementing one counter: each version is won by exactly one writer and no update is lost', async () => {
    const counter = table.f.Counter;
    const record = await createRecord(alice, table.id, { [counter]: 0 });
    const writers = Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? alice : bob));
    const won: number[] = [];
    let conflicts = 0;
    await Promise.all(
      writers.map(async (client) => {
        let current = (await client.get(`/records/${record.id}`)).body;
        for (;;) {
          const res = await client.patch(`/records/${record.id}`, { values: { [counter]: current.values[counter] + 1 }, expected_version: current.version });
          if (res.status === 200) {
            won.push(res.body.version);
            return;
          }
          expect(res.status).toBe(409);
          conflicts += 1;
          current = res.body.error.details.record;
        }
      }),
    );
    const final = (await alice.get(`/records/${record.id}`)).body;
    expect(final.values[counter]).toBe(50);
    expect(final.version).toBe(1 + 50);
    expect([...won].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 2));
    expect(conflicts).toBeGreaterThan(0);
  });

  it('a cell another user holds a lock on answers 423 naming the holder; other cells stay writable', async () => {
    const { f } = table;
    const record = await createRecord(alice, table.id, { [f.Title]: 'locked', [f.Qty]: 1 });
    const bobSocket = await connectWs(server.url, bob);
    try {
      const ack = await bobSocket.request({ type: 'cell_lock', record_id: record.id, field_id: f.Title });
      expect(ack.type).toBe('ack');
      const refused = await alice.patch(`/records/${record.id}`, { values: { [f.Title]: 'mine now' } });
      expect(refused.status).toBe(423);
      expect(refused.body.error.code).toBe('locked');
      expect(refused.body.error.details.lock).toMatchObject({ record_id: record.id, field_id: f.Title, user_id: bob.user?.id });
      // The refused write changed nothing.
      expect((await alice.get(`/records/${record.id}`)).body).toMatchObject({ version: record.version, values: { [f.Title]: 'locked' } });
      expect((await alice.patch(`/records/${record.id}`, { values: { [f.Qty]: 2 } })).status).toBe(200);
      const own = await bob.patch(`/records/${record.id}`, { values: { [f.Title]: 'bob wrote it' } });
      expect(own.status).toBe(200);
      // The holder's write released the lock.
      expect((await alice.patch(`/records/${record.id}`, { values: { [f.Title]: 'alice after' } })).status).toBe(200);
    } finally {
      bobSocket.ws.close();
    }
  });
});
