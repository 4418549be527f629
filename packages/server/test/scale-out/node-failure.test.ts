import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { range, seqs, writeConcurrently, writeEvents } from '../realtime/event-writer.ts';
import { postgresAvailable, redisAvailable } from '../support/databases.ts';
import { type ApiClient, newTeam } from '../support/http-client.ts';
import { adminRedis, clientsNamed, killClients, RedisLink } from '../support/redis.ts';
import type { TestServer } from '../support/server.ts';
import { createRecord, createTable } from '../support/tables.ts';
import { connectWs } from '../support/ws-client.ts';
import { type ClusterSpace, dropSpace, freshSpace, onNode, spawnNode, startNode } from './cluster.ts';

const ready = (await postgresAvailable()) && (await redisAvailable());

describe.skipIf(!ready)('node and Redis failures in a cluster', () => {
  let space: ClusterSpace;
  let a: TestServer;
  let owner: ApiClient;
  let alice: ApiClient;
  let bob: ApiClient;
  let workspaceId: string;
  let admin: Redis;
  const cleanups: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    space = freshSpace();
    a = await startNode(space);
    ({ owner, alice, bob, workspaceId } = await newTeam(a.url, { alice: ['Alice', 'editor'], bob: ['Bob', 'editor'] }));
    admin = adminRedis();
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  afterAll(async () => {
    await admin?.quit();
    await a?.close();
    if (space) await dropSpace(space);
  });

  it("a killed node's presence and locks expire within their TTL and the surviving node announces it", async () => {
    const table = await createTable(owner, workspaceId, [{ name: 'Title', type: 'text' }]);
    const record = await createRecord(owner, table.id, { [table.f.Title]: 'x' });
    const room = `workspace:${workspaceId}`;
    const tableRoom = `table:${table.id}`;
    const doomed = await spawnNode(space);
    cleanups.push(() => doomed.kill());

    const bobOnA = await connectWs(a.url, bob);
    cleanups.push(() => bobOnA.close());
    await bobOnA.subscribe(room);
    await bobOnA.subscribe(tableRoom);
    const aliceOnDoomed = await connectWs(doomed.url, onNode(alice, doomed));
    await aliceOnDoomed.subscribe(room);
    expect((await aliceOnDoomed.request({ type: 'presence', room, action: 'editing' })).type).toBe('ack');
    expect((await aliceOnDoomed.request({ type: 'cell_lock', record_id: record.id, field_id: table.f.Title })).type).toBe('ack');
    await bobOnA.waitFor((m) => m.type === 'user_joined' && (m.user as { user_id: string }).user_id === alice.user?.id);
    await bobOnA.waitFor((m) => m.type === 'cell_lock' && m.room === tableRoom);

    // No close frame, no clean-up: the process is gone, and only expiry can free what it held.
    await doomed.kill();
    const left = bobOnA.waitFor((m) => m.type === 'user_left' && m.room === room && m.user_id === alice.user?.id);
    const unlocked = bobOnA.waitFor((m) => m.type === 'cell_unlock' && m.room === tableRoom && m.user_id === alice.user?.id);
    await Promise.all([left, unlocked]);
    const listed = await bob.get(`/presence?resource_type=workspace&resource_id=${workspaceId}`);
    expect(listed.body.users.map((u: { user_id: string }) => u.user_id)).not.toContain(alice.user?.id);
    expect((await bobOnA.request({ type: 'cell_lock', record_id: record.id, field_id: table.f.Title })).type).toBe('ack');
  });

  it('a node cut off from Redis while events are written catches its subscribers up from the event log when Redis returns', async () => {
    const link = new RedisLink();
    await link.up();
    const b = await startNode(space, link.url);
    cleanups.push(() => b.close());
    cleanups.push(() => link.cut());
    const room = `workspace:${workspaceId}`;
    const watcher = await connectWs(b.url, onNode(owner, b));
    cleanups.push(() => watcher.close());
    const start = (await watcher.subscribe(room)).seq as number;

    await link.cut();
    await writeConcurrently(a, room, 4, 10);
    // Nothing later comes along to reveal the gap: only the reconnect can bring these 40.
    expect(watcher.events(room)).toHaveLength(0);
    await link.up();
    expect(seqs(await watcher.collect(room, 40))).toEqual(range(start, 40));

    await writeEvents(a, room, 5);
    expect(seqs(await watcher.collect(room, 45))).toEqual(range(start, 45));
  });

  it("killing a node's Redis connections in the middle of a burst of writes loses nothing for its subscribers", async () => {
    const namePrefix = `${space.prefix}node:`;
    const before = new Set((await clientsNamed(admin, namePrefix)).map((c) => c.name));
    const b = await startNode(space);
    cleanups.push(() => b.close());
    const ofB = (await clientsNamed(admin, namePrefix)).filter((c) => !before.has(c.name));
    expect(ofB.map((c) => c.name.split(':').pop()).sort()).toEqual(['pub', 'store', 'sub']);
    const nodePrefix = ofB[0]?.name.replace(/[^:]+$/, '') ?? '?';

    const room = `workspace:${workspaceId}`;
    const watcher = await connectWs(b.url, onNode(owner, b));
    cleanups.push(() => watcher.close());
    const start = (await watcher.subscribe(room)).seq as number;
    const writing = writeConcurrently(a, room, 5, 30);
    await writeEvents(a, room, 1);
    expect(await killClients(admin, nodePrefix)).toBe(3);
    await writing;
    expect(seqs(await watcher.collect(room, 151))).toEqual(range(start, 151));
  });
});
