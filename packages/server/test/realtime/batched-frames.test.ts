import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, newUser, workspaceWith } from '../support/http-client.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { connectWs, type WsTestClient } from '../support/ws-client.ts';
import { probePayload, range, seqs } from './event-writer.ts';

/** Appends `count` events to `room` in one transaction, so they are published together. */
async function writeTogether(server: TestServer, room: string, count: number, body = ''): Promise<void> {
  const { ctx } = server.tandem;
  await ctx.db.transaction(async (tx) => {
    for (let i = 0; i < count; i++) ctx.events.append(tx, [room], 'record_updated', null, probePayload('record_updated', { i, body }));
  });
}

/** Messages per frame, frame by frame. */
function linesPerFrame(client: WsTestClient): number[] {
  return client.frames.map((f) => f.split('\n').length);
}

describe('batched WebSocket frames (?batch=1)', () => {
  let server: TestServer;
  let owner: ApiClient;
  let room: string;

  beforeAll(async () => {
    server = await startServer({ db: 'pglite' });
    owner = await newUser(server.url, 'Owner');
    room = `workspace:${await workspaceWith(owner)}`;
  });
  afterAll(async () => server?.close());

  it('carries the messages sent together in one frame, one per line, only to a client that asked', async () => {
    const batched = await connectWs(server.url, owner, { query: { v: '1', batch: '1' } });
    const single = await connectWs(server.url, owner, { query: { v: '1' } });
    const start = (await batched.subscribe(room)).seq as number;
    await single.subscribe(room);
    const framesBefore = batched.frames.length;

    await writeTogether(server, room, 10);

    expect(seqs(await batched.collect(room, 10))).toEqual(range(start, 10));
    expect(seqs(await single.collect(room, 10))).toEqual(range(start, 10));
    // The same events, message for message; only how they were framed differs.
    expect(batched.events(room)).toEqual(single.events(room));
    expect(batched.frames.length - framesBefore).toBeLessThan(10);
    expect(Math.max(...linesPerFrame(batched))).toBeGreaterThan(1);
    expect(linesPerFrame(single).every((n) => n === 1)).toBe(true);
    await batched.close();
    await single.close();
  });

  it('replays history in batched frames of at most about 64 KiB, every event once and in order', async () => {
    const first = await connectWs(server.url, owner, { query: { batch: '1' } });
    const start = (await first.subscribe(room)).seq as number;
    await first.close();
    // 40 events of about 4 KB: 160 KB of history, more than two batched frames' worth.
    for (let i = 0; i < 4; i++) await writeTogether(server, room, 10, 'x'.repeat(4000));

    const back = await connectWs(server.url, owner, { query: { batch: '1' } });
    const ack = await back.subscribe(room, start);
    expect(ack.replayed).toBe(40);
    expect(seqs(back.events(room))).toEqual(range(start, 40));
    const replayFrames = back.frames.filter((f) => f.includes('"record_updated"'));
    expect(replayFrames.length).toBeGreaterThanOrEqual(3);
    expect(replayFrames.length).toBeLessThan(40);
    for (const frame of replayFrames) expect(frame.length).toBeLessThan(64 * 1024 + 5000);
    await back.close();
  });
});
