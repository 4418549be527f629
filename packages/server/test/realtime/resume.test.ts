import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../support/each-database.ts';
import { type ApiClient, newUser, workspaceWith } from '../support/http-client.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { SseTestClient } from '../support/sse-client.ts';
import { connectWs } from '../support/ws-client.ts';
import { range, seqs, writeConcurrently } from './event-writer.ts';

describeEachDatabase('durable events with exact resume', (db) => {
  let server: TestServer;
  let owner: ApiClient;
  let room: string;

  beforeAll(async () => {
    server = await startServer({ db });
    owner = await newUser(server.url, 'Owner');
    room = `workspace:${await workspaceWith(owner)}`;
  });
  afterAll(async () => server?.close());

  it('a client disconnected while 500 events are written by 10 writers receives exactly those 500 in order after resume', async () => {
    const watcher = await connectWs(server.url, owner);
    const start = (await watcher.subscribe(room)).seq as number;
    const leaver = await connectWs(server.url, owner);
    expect((await leaver.subscribe(room)).seq).toBe(start);
    await leaver.close();

    await writeConcurrently(server, room, 10, 50);

    const back = await connectWs(server.url, owner);
    const ack = await back.subscribe(room, start);
    expect(ack.replayed).toBe(500);
    expect(seqs(back.events(room))).toEqual(range(start, 500));
    // The client that stayed connected saw the same 500, live, without gap or duplicate.
    expect(seqs(await watcher.collect(room, 500))).toEqual(range(start, 500));
    await back.close();
    await watcher.close();
  });

  it('events committed while a resuming client replays history arrive exactly once, after the history', async () => {
    const first = await connectWs(server.url, owner);
    const start = (await first.subscribe(room)).seq as number;
    await first.close();
    await writeConcurrently(server, room, 10, 20);

    const back = await connectWs(server.url, owner);
    const writing = writeConcurrently(server, room, 10, 20);
    await back.subscribe(room, start);
    await writing;
    expect(seqs(await back.collect(room, 400))).toEqual(range(start, 400));
    await new Promise((r) => setTimeout(r, 100));
    expect(back.events(room)).toHaveLength(400);
    await back.close();
  });

  it('subscribing without since starts live at the current seq', async () => {
    const client = await connectWs(server.url, owner);
    const ack = await client.subscribe(room);
    await writeConcurrently(server, room, 1, 3);
    expect(seqs(await client.collect(room, 3))).toEqual(range(ack.seq as number, 3));
    await client.close();
  });

  it('an SSE client resumes with Last-Event-ID and receives exactly the 500 events it missed, in order', async () => {
    const token = owner.token ?? '';
    const first = await SseTestClient.open(server.url, token, [room]);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toMatch(/text\/event-stream/);
    expect(first.headers.get('x-accel-buffering')).toBe('no');
    const ready = await first.waitFor((e) => e.event === 'ready');
    const start = (ready.data as { rooms: Record<string, number> }).rooms[room] as number;
    const lastId = first.lastEventId();
    first.close();

    await writeConcurrently(server, room, 10, 50);

    const back = await SseTestClient.open(server.url, token, [room], lastId);
    await back.waitFor((e) => e.event === 'ready');
    expect(seqs(back.durable(room))).toEqual(range(start, 500));
    // Live events after the replay carry ids that resume from the right place.
    await writeConcurrently(server, room, 1, 2);
    await back.waitFor((e) => (e.data as { seq?: number }).seq === start + 502);
    const resumeId = back.lastEventId();
    back.close();
    await writeConcurrently(server, room, 2, 3);
    const again = await SseTestClient.open(server.url, token, [room], resumeId);
    await again.waitFor((e) => e.event === 'ready');
    expect(seqs(again.durable(room))).toEqual(range(start + 502, 6));
    again.close();
  });

  it('a since older than the retained history answers resync with the current seq', async () => {
    const client = await connectWs(server.url, owner);
    const head = (await client.subscribe(room)).seq as number;
    await client.request({ type: 'unsubscribe', room });
    await server.tandem.ctx.db.query('DELETE FROM events WHERE room = $1 AND seq <= $2', [room, head - 5]);
    const ack = await client.subscribe(room, 1);
    expect(ack.resync).toBe(true);
    const resync = await client.waitFor((m) => m.type === 'resync');
    expect(resync).toMatchObject({ room, seq: head });
    const ahead = await client.subscribe(room, head + 1000);
    expect(ahead.resync).toBe(true);
    await client.close();
  });
});
