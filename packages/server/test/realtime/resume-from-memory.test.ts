import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../support/each-database.ts';
import { type ApiClient, newUser, workspaceWith } from '../support/http-client.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { connectWs } from '../support/ws-client.ts';
import { watchEventLog } from './event-log-watch.ts';
import { range, seqs, writeConcurrently, writeEvents } from './event-writer.ts';

async function until(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describeEachDatabase('resume from the events a room keeps in memory', (db) => {
  let server: TestServer;
  /** Keeps 20 events per room and drops an empty room after 100 ms. */
  let small: TestServer;
  let owner: ApiClient;
  let smallOwner: ApiClient;

  beforeAll(async () => {
    [server, small] = await Promise.all([startServer({ db }), startServer({ db, overrides: { replayBufferEvents: 20, roomLingerMs: 100 } })]);
    [owner, smallOwner] = await Promise.all([newUser(server.url, 'Owner'), newUser(small.url, 'Owner')]);
  });
  afterAll(async () => {
    await server?.close();
    await small?.close();
  });

  const freshRoom = async (client: ApiClient) => `workspace:${await workspaceWith(client)}`;

  it('a client resuming from a recent seq gets what it missed exactly once, in order, without reading the event log', async () => {
    const room = await freshRoom(owner);
    const watcher = await connectWs(server.url, owner);
    const start = (await watcher.subscribe(room)).seq as number;
    await writeEvents(server, room, 30);
    await watcher.collect(room, 30);

    const back = await connectWs(server.url, owner);
    const log = watchEventLog(server, room);
    const ack = await back.subscribe(room, start);
    log.stop();
    expect(log.statements).toBe(0);
    expect(ack).toMatchObject({ seq: start + 30, replayed: 30, resync: false });
    expect(seqs(back.events(room))).toEqual(range(start, 30));
    // The replay is the very events live subscribers got.
    expect(back.events(room)).toEqual(watcher.events(room));
    await back.close();
    await watcher.close();
  });

  it('events committed while a client resumes from memory arrive exactly once, after the replay', async () => {
    const room = await freshRoom(owner);
    const watcher = await connectWs(server.url, owner);
    const start = (await watcher.subscribe(room)).seq as number;
    await writeEvents(server, room, 20);
    await watcher.collect(room, 20);

    const back = await connectWs(server.url, owner);
    const writing = writeConcurrently(server, room, 5, 20);
    const ack = await back.subscribe(room, start);
    await writing;
    expect(ack.replayed as number).toBeGreaterThanOrEqual(20);
    expect(seqs(await back.collect(room, 120))).toEqual(range(start, 120));
    await sleep(100);
    expect(back.events(room)).toHaveLength(120);
    await back.close();
    await watcher.close();
  });

  it('a room whose last subscriber left keeps following it: a client back soon resumes from memory', async () => {
    const room = await freshRoom(owner);
    const first = await connectWs(server.url, owner);
    const start = (await first.subscribe(room)).seq as number;
    await writeEvents(server, room, 5);
    await first.collect(room, 5);
    await first.close();
    await until(() => server.tandem.realtime.gateway.roomCount === 0, 'the room to have no subscriber');

    // Nobody on the node subscribes now; the room still takes these from the bus.
    await writeEvents(server, room, 10);
    const back = await connectWs(server.url, owner);
    const log = watchEventLog(server, room);
    const ack = await back.subscribe(room, start + 5);
    log.stop();
    expect(log.statements).toBe(0);
    expect(ack).toMatchObject({ seq: start + 15, replayed: 10, resync: false });
    expect(seqs(back.events(room))).toEqual(range(start + 5, 10));
    await back.close();
  });

  it('a room dropped after ROOM_LINGER_MS starts again from the log: the resume reads it and misses nothing', async () => {
    const room = await freshRoom(smallOwner);
    const first = await connectWs(small.url, smallOwner);
    const start = (await first.subscribe(room)).seq as number;
    await first.close();
    await until(() => small.tandem.realtime.gateway.roomCount === 0, 'the room to have no subscriber');
    await sleep(300);
    await writeEvents(small, room, 5);

    const back = await connectWs(small.url, smallOwner);
    const log = watchEventLog(small, room);
    const ack = await back.subscribe(room, start);
    log.stop();
    // The new room reads its head, then the 5 events it was not there for.
    expect(log.statements).toBeGreaterThan(0);
    expect(ack).toMatchObject({ seq: start + 5, replayed: 5, resync: false });
    expect(seqs(back.events(room))).toEqual(range(start, 5));
    // From here on the new room keeps what it delivers.
    await writeEvents(small, room, 3);
    await back.collect(room, 8);
    const again = await connectWs(small.url, smallOwner);
    const second = watchEventLog(small, room);
    await again.subscribe(room, start + 5);
    second.stop();
    expect(second.statements).toBe(0);
    expect(seqs(again.events(room))).toEqual(range(start + 5, 3));
    await again.close();
    await back.close();
  });

  it('a since older than the events kept in memory reads from the log only what memory no longer holds', async () => {
    const room = await freshRoom(smallOwner);
    const watcher = await connectWs(small.url, smallOwner);
    const start = (await watcher.subscribe(room)).seq as number;
    await writeEvents(small, room, 50);
    await watcher.collect(room, 50);

    const back = await connectWs(small.url, smallOwner);
    const log = watchEventLog(small, room);
    const ack = await back.subscribe(room, start);
    log.stop();
    expect(ack).toMatchObject({ seq: start + 50, replayed: 50, resync: false });
    expect(seqs(back.events(room))).toEqual(range(start, 50));
    // 20 are kept in memory: the log gives the other 30 (plus the head and oldest seq it checks).
    expect(log.rows).toBeLessThanOrEqual(32);
    expect(log.rows).toBeGreaterThanOrEqual(30);
    await back.close();
    await watcher.close();
  });

  it('a since ahead of everything the room delivered is checked against the log and answers resync', async () => {
    const room = await freshRoom(owner);
    const watcher = await connectWs(server.url, owner);
    const head = (await watcher.subscribe(room)).seq as number;
    const ahead = await connectWs(server.url, owner);
    const ack = await ahead.subscribe(room, head + 10);
    expect(ack).toMatchObject({ resync: true, seq: head });
    expect(await ahead.waitFor((m) => m.type === 'resync')).toMatchObject({ room, seq: head });
    await ahead.close();
    await watcher.close();
  });
});
