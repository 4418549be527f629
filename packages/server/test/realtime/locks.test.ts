import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, newUser, workspaceWith } from '../support/http-client.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { connectWs, type WsTestClient } from '../support/ws-client.ts';

const LOCK_TTL_MS = 1000;

describe('cell and row locks', () => {
  let server: TestServer;
  let owner: ApiClient;
  let alice: ApiClient;
  let bob: ApiClient;
  let viewer: ApiClient;
  let tableId: string;
  let room: string;
  let fieldA: string;
  let fieldB: string;

  beforeAll(async () => {
    server = await startServer({ db: 'pglite', overrides: { lockTtlMs: LOCK_TTL_MS, heartbeatMs: 200 } });
    owner = await newUser(server.url, 'Owner');
    alice = await newUser(server.url, 'Alice');
    bob = await newUser(server.url, 'Bob');
    viewer = await newUser(server.url, 'Viewer');
    const workspaceId = await workspaceWith(owner, [
      [alice, 'editor'],
      [bob, 'editor'],
      [viewer, 'viewer'],
    ]);
    const table = await owner.post(`/workspaces/${workspaceId}/tables`, {
      name: 'Orders',
      fields: [
        { name: 'A', type: 'text' },
        { name: 'B', type: 'text' },
      ],
    });
    expect(table.status).toBe(201);
    tableId = table.body.id;
    room = `table:${tableId}`;
    [fieldA, fieldB] = table.body.fields.map((f: { id: string }) => f.id);
  });
  afterAll(async () => server?.close());

  const newRecord = async (): Promise<string> => {
    const res = await alice.post(`/tables/${tableId}/records`, { values: {} });
    expect(res.status).toBe(201);
    return res.body.id;
  };

  const watch = async (): Promise<WsTestClient> => {
    const client = await connectWs(server.url, viewer);
    await client.subscribe(room);
    await client.waitFor((m) => m.type === 'lock_state');
    return client;
  };

  it('a second user is refused a held cell, naming the holder, and the table room sees lock and unlock', async () => {
    const record = await newRecord();
    const watcher = await watch();
    const a = await connectWs(server.url, alice);
    const b = await connectWs(server.url, bob);
    expect(await a.request({ type: 'cell_lock', record_id: record, field_id: fieldA })).toMatchObject({
      type: 'ack',
      lock: { record_id: record, field_id: fieldA, user_id: alice.user?.id, name: 'Alice' },
    });
    expect(await watcher.waitFor((m) => m.type === 'cell_lock')).toMatchObject({
      room,
      lock: { record_id: record, field_id: fieldA, user_id: alice.user?.id },
    });

    expect(await b.request({ type: 'cell_lock', record_id: record, field_id: fieldA })).toMatchObject({
      type: 'error',
      code: 'locked',
      details: { holder: { user_id: alice.user?.id, name: 'Alice', field_id: fieldA } },
    });
    expect(await b.request({ type: 'cell_lock', record_id: record })).toMatchObject({ type: 'error', code: 'locked' });
    expect(await b.request({ type: 'cell_lock', record_id: record, field_id: fieldB })).toMatchObject({ type: 'ack' });

    expect(await a.request({ type: 'cell_unlock', record_id: record, field_id: fieldA })).toMatchObject({ type: 'ack', released: true });
    expect(await watcher.waitFor((m) => m.type === 'cell_unlock')).toMatchObject({ room, record_id: record, field_id: fieldA, user_id: alice.user?.id });
    expect(await b.request({ type: 'cell_lock', record_id: record, field_id: fieldA })).toMatchObject({ type: 'ack' });
    for (const c of [watcher, a, b]) await c.close();
  });

  it('other users` REST writes of a locked cell get 423, and the holder`s own write releases the lock', async () => {
    const record = await newRecord();
    const watcher = await watch();
    const a = await connectWs(server.url, alice);
    await a.request({ type: 'cell_lock', record_id: record, field_id: fieldA });

    const refused = await bob.patch(`/records/${record}`, { values: { [fieldA]: 'from bob' } });
    expect(refused.status).toBe(423);
    expect(refused.body.error.code).toBe('locked');
    expect((await bob.patch(`/records/${record}`, { values: { [fieldB]: 'other cell' } })).status).toBe(200);

    expect((await alice.patch(`/records/${record}`, { values: { [fieldA]: 'from alice' } })).status).toBe(200);
    await watcher.waitFor((m) => m.type === 'cell_unlock' && m.record_id === record);
    expect((await bob.patch(`/records/${record}`, { values: { [fieldA]: 'bob again' } })).status).toBe(200);
    for (const c of [watcher, a]) await c.close();
  });

  it('a row lock blocks every cell of the record for other users` REST writes', async () => {
    const record = await newRecord();
    const a = await connectWs(server.url, alice);
    await a.request({ type: 'cell_lock', record_id: record });
    expect((await bob.patch(`/records/${record}`, { values: { [fieldB]: 'x' } })).status).toBe(423);
    expect((await bob.delete(`/records/${record}`)).status).toBe(423);
    await a.close();
  });

  it('locks are released when their holder disconnects', async () => {
    const record = await newRecord();
    const watcher = await watch();
    const a = await connectWs(server.url, alice);
    await a.request({ type: 'cell_lock', record_id: record, field_id: fieldA });
    a.kill();
    expect(await watcher.waitFor((m) => m.type === 'cell_unlock')).toMatchObject({ record_id: record, field_id: fieldA });
    expect((await bob.patch(`/records/${record}`, { values: { [fieldA]: 'free now' } })).status).toBe(200);
    await watcher.close();
  });

  it('a lease outlives its TTL while the holder stays connected', async () => {
    const record = await newRecord();
    const a = await connectWs(server.url, alice);
    await a.request({ type: 'cell_lock', record_id: record, field_id: fieldA });
    await new Promise((r) => setTimeout(r, LOCK_TTL_MS * 2.5));
    expect((await bob.patch(`/records/${record}`, { values: { [fieldA]: 'too early' } })).status).toBe(423);
    await a.close();
  });

  it('a new subscriber of the table room receives the current locks', async () => {
    const record = await newRecord();
    const a = await connectWs(server.url, alice);
    await a.request({ type: 'cell_lock', record_id: record, field_id: fieldB });
    const late = await connectWs(server.url, viewer);
    await late.subscribe(room);
    const state = await late.waitFor((m) => m.type === 'lock_state');
    expect(state.locks).toEqual(expect.arrayContaining([expect.objectContaining({ record_id: record, field_id: fieldB, user_id: alice.user?.id })]));
    for (const c of [a, late]) await c.close();
  });

  it('viewers cannot lock, editors cannot break a lock, admins can', async () => {
    const record = await newRecord();
    const watcher = await watch();
    const a = await connectWs(server.url, alice);
    const b = await connectWs(server.url, bob);
    const v = await connectWs(server.url, viewer);
    const admin = await connectWs(server.url, owner);
    await a.request({ type: 'cell_lock', record_id: record, field_id: fieldA });
    expect(await v.request({ type: 'cell_lock', record_id: record, field_id: fieldB })).toMatchObject({ type: 'error', code: 'forbidden' });
    expect(await b.request({ type: 'cell_lock', record_id: record, field_id: fieldA, force: true })).toMatchObject({ type: 'error', code: 'forbidden' });
    expect(await b.request({ type: 'cell_unlock', record_id: record, field_id: fieldA })).toMatchObject({ type: 'ack', released: false });
    expect(await admin.request({ type: 'cell_lock', record_id: record, field_id: fieldA, force: true })).toMatchObject({
      type: 'ack',
      lock: { user_id: owner.user?.id },
    });
    await watcher.waitFor((m) => m.type === 'cell_unlock' && m.user_id === alice.user?.id);
    await watcher.waitFor((m) => m.type === 'cell_lock' && (m.lock as { user_id: string }).user_id === owner.user?.id);
    expect(await admin.request({ type: 'cell_unlock', record_id: record, field_id: fieldA, force: true })).toMatchObject({ released: true });
    for (const c of [watcher, a, b, v, admin]) await c.close();
  });

  it('live cell edits reach the table room except the sender', async () => {
    const record = await newRecord();
    const watcher = await watch();
    const a = await connectWs(server.url, alice);
    expect(await a.request({ type: 'cell_edit', record_id: record, field_id: fieldA, value: 'typ' })).toMatchObject({ type: 'ack' });
    expect(await watcher.waitFor((m) => m.type === 'cell_edit')).toMatchObject({
      room,
      record_id: record,
      field_id: fieldA,
      user_id: alice.user?.id,
      value: 'typ',
    });
    expect(a.messages.some((m) => m.type === 'cell_edit')).toBe(false);
    for (const c of [watcher, a]) await c.close();
  });
});
