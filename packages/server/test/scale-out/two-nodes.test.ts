import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { range, seqs, writeConcurrently } from '../realtime/event-writer.ts';
import { postgresAvailable, redisAvailable } from '../support/databases.ts';
import { type ApiClient, newTeam, newUser } from '../support/http-client.ts';
import type { TestServer } from '../support/server.ts';
import { createRecord, createTable } from '../support/tables.ts';
import { connectWs } from '../support/ws-client.ts';
import { type ClusterSpace, dropSpace, freshSpace, onNode, startNode } from './cluster.ts';

const ready = (await postgresAvailable()) && (await redisAvailable());

describe.skipIf(!ready)('two server nodes sharing PostgreSQL and Redis', () => {
  let space: ClusterSpace;
  let a: TestServer;
  let b: TestServer;
  let owner: ApiClient;
  let alice: ApiClient;
  let bob: ApiClient;
  let workspaceId: string;

  beforeAll(async () => {
    space = freshSpace();
    a = await startNode(space);
    b = await startNode(space);
    ({ owner, alice, bob, workspaceId } = await newTeam(a.url, { alice: ['Alice', 'editor'], bob: ['Bob', 'editor'] }));
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    if (space) await dropSpace(space);
  });

  it('events written through node A reach a subscriber on node B in seq order, without gap or duplicate', async () => {
    const room = `workspace:${workspaceId}`;
    const watcher = await connectWs(b.url, onNode(owner, b));
    const start = (await watcher.subscribe(room)).seq as number;
    await writeConcurrently(a, room, 5, 40);
    expect(seqs(await watcher.collect(room, 200))).toEqual(range(start, 200));
    await watcher.close();
  });

  it('a REST write on node A reaches the table room on node B', async () => {
    const table = await createTable(owner, workspaceId, [{ name: 'Title', type: 'text' }]);
    const record = await createRecord(owner, table.id, { [table.f.Title]: 'before' });
    const watcher = await connectWs(b.url, onNode(bob, b));
    await watcher.subscribe(`table:${table.id}`);
    expect((await alice.patch(`/records/${record.id}`, { values: { [table.f.Title]: 'after' } })).status).toBe(200);
    const event = await watcher.waitFor((m) => m.type === 'record_updated' && m.room === `table:${table.id}`);
    expect(JSON.stringify(event.data)).toContain('after');
    await watcher.close();
  });

  it('presence is the same on both nodes: joins, the REST list and leaves', async () => {
    const room = `workspace:${workspaceId}`;
    const onB = await connectWs(b.url, onNode(bob, b));
    await onB.subscribe(room);
    const onA = await connectWs(a.url, alice);
    await onA.subscribe(room);
    expect((await onA.request({ type: 'presence', room, action: 'viewing' })).type).toBe('ack');

    const joined = await onB.waitFor((m) => m.type === 'user_joined' && (m.user as { user_id: string }).user_id === alice.user?.id);
    expect(joined.room).toBe(room);
    const listed = await onNode(bob, b).get(`/presence?resource_type=workspace&resource_id=${workspaceId}`);
    expect(listed.body.users.map((u: { user_id: string }) => u.user_id)).toContain(alice.user?.id);
    // A later subscriber on node B is told at once who is there, wherever they are connected.
    const late = await connectWs(b.url, onNode(owner, b));
    await late.subscribe(room);
    const state = await late.waitFor((m) => m.type === 'presence_state' && m.room === room);
    expect((state.users as { user_id: string }[]).map((u) => u.user_id)).toContain(alice.user?.id);

    await onA.close();
    await onB.waitFor((m) => m.type === 'user_left' && m.user_id === alice.user?.id);
    const after = await onNode(bob, b).get(`/presence?resource_type=workspace&resource_id=${workspaceId}`);
    expect(after.body.users.map((u: { user_id: string }) => u.user_id)).not.toContain(alice.user?.id);
    await late.close();
    await onB.close();
  });

  it('a cell locked through node A is refused on node B, blocks REST writes there, and is released on disconnect', async () => {
    const table = await createTable(owner, workspaceId, [{ name: 'Title', type: 'text' }]);
    const record = await createRecord(owner, table.id, { [table.f.Title]: 'x' });
    const tableRoom = `table:${table.id}`;
    const bobOnB = await connectWs(b.url, onNode(bob, b));
    await bobOnB.subscribe(tableRoom);
    const aliceOnA = await connectWs(a.url, alice);
    const taken = await aliceOnA.request({ type: 'cell_lock', record_id: record.id, field_id: table.f.Title });
    expect(taken.type).toBe('ack');

    const seen = await bobOnB.waitFor((m) => m.type === 'cell_lock' && m.room === tableRoom);
    expect((seen.lock as { user_id: string }).user_id).toBe(alice.user?.id);
    const refused = await bobOnB.request({ type: 'cell_lock', record_id: record.id, field_id: table.f.Title });
    expect(refused).toMatchObject({ type: 'error', code: 'locked' });
    expect(JSON.stringify(refused.details)).toContain(alice.user?.id ?? '?');
    const write = await onNode(bob, b).patch(`/records/${record.id}`, { values: { [table.f.Title]: 'bob was here' } });
    expect(write.status).toBe(423);

    await aliceOnA.close();
    await bobOnB.waitFor((m) => m.type === 'cell_unlock' && m.room === tableRoom && m.user_id === alice.user?.id);
    expect((await bobOnB.request({ type: 'cell_lock', record_id: record.id, field_id: table.f.Title })).type).toBe('ack');
    await bobOnB.close();
  });

  it('a log-out through node A is refused at once on node B, though B had just authenticated that session', async () => {
    const user = await newUser(a.url, 'Roaming');
    const onB = onNode(user, b);
    expect((await onB.get('/me')).status).toBe(200);
    expect((await user.post('/auth/logout')).status).toBe(204);
    await expect.poll(async () => (await onB.get('/me')).status, { timeout: 2000, interval: 20 }).toBe(401);
    // Well inside the cache lifetime (AUTH_CACHE_MS defaults to 10 s): the bus notice did it.
  });

  it('a member removed through node A loses access on node B at once, though B had just checked their role', async () => {
    const table = await createTable(owner, workspaceId, [{ name: 'Title', type: 'text' }]);
    const record = await createRecord(owner, table.id, { [table.f.Title]: 'kept' });
    const leaver = await newUser(a.url, 'Leaver');
    expect((await owner.post(`/workspaces/${workspaceId}/members`, { email: leaver.user?.email, role: 'editor' })).status).toBe(201);
    const onB = onNode(leaver, b);
    expect((await onB.get(`/records/${record.id}`)).status).toBe(200);
    expect((await owner.delete(`/workspaces/${workspaceId}/members/${leaver.user?.id}`)).status).toBe(204);
    await expect.poll(async () => (await onB.get(`/records/${record.id}`)).status, { timeout: 2000, interval: 20 }).toBe(404);
    const write = await onB.patch(`/records/${record.id}`, { values: { [table.f.Title]: 'not allowed' } });
    expect(write.status).toBe(404);
  });

  it('a workflow rule added through node A fires for a write through node B, though B had just looked for rules', async () => {
    const table = await createTable(owner, workspaceId, [{ name: 'Status', type: 'text' }]);
    const record = await createRecord(owner, table.id, { [table.f.Status]: 'Draft' });
    const onB = onNode(alice, b);
    expect((await onB.patch(`/records/${record.id}`, { values: { [table.f.Status]: 'Review' } })).status).toBe(200);
    const rule = await owner.post(`/tables/${table.id}/workflows`, { field_id: table.f.Status, value: 'Ready', assignee_ids: [bob.user?.id], title: 'Check' });
    expect(rule.status).toBe(201);
    await new Promise((r) => setTimeout(r, 100)); // the notice crosses Redis in well under this
    expect((await onB.patch(`/records/${record.id}`, { values: { [table.f.Status]: 'Ready' } })).status).toBe(200);
    const runs = (await owner.get(`/workflows/${rule.body.id}/runs`)).body.runs as { record_id: string }[];
    expect(runs.filter((r) => r.record_id === record.id)).toHaveLength(1);
  });
});
