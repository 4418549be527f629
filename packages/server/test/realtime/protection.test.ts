import { CLOSE_CODES } from '@tandem/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, newUser, workspaceWith } from '../support/http-client.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { connectWs } from '../support/ws-client.ts';
import { range, seqs, writeConcurrently } from './event-writer.ts';

describe('protection against misbehaving clients', () => {
  let server: TestServer;
  let owner: ApiClient;
  let room: string;

  beforeAll(async () => {
    server = await startServer({ db: 'pglite', overrides: { wsMaxFrameBytes: 1024, wsMessagesPerSecond: 20, wsSendBufferBytes: 256 * 1024 } });
    owner = await newUser(server.url, 'Owner');
    room = `workspace:${await workspaceWith(owner)}`;
  });
  afterAll(async () => server?.close());

  it('oversized, malformed and flooding clients are cut off while a well-behaved client sees every event', async () => {
    const good = await connectWs(server.url, owner);
    const start = (await good.subscribe(room)).seq as number;
    const big = await connectWs(server.url, owner);
    const flood = await connectWs(server.url, owner);
    const junk = await connectWs(server.url, owner);
    await big.subscribe(room);
    await flood.subscribe(room);

    const writing = writeConcurrently(server, room, 5, 20);
    big.sendRaw({ type: 'user_cursor', room, position: 'x'.repeat(2000) });
    for (let i = 0; i < 200; i++) flood.sendRaw({ type: 'ping' });
    for (let i = 0; i < 10; i++) junk.sendRaw('{"type":');
    expect((await big.closed).code).toBe(CLOSE_CODES.too_large);
    expect((await flood.closed).code).toBe(CLOSE_CODES.rate_limited);
    await writing;

    expect(seqs(await good.collect(room, 100))).toEqual(range(start, 100));
    // Malformed frames within the rate are answered, not punished.
    expect(junk.messages.filter((m) => m.type === 'error' && m.code === 'invalid_input')).toHaveLength(10);
    junk.sendRaw({ type: 'ping', id: 'still-there' });
    await junk.waitFor((m) => m.type === 'pong' && m.id === 'still-there');
    await good.close();
    await junk.close();
  });

  it('a client that stops reading is closed as a slow consumer while others keep receiving', async () => {
    const gateway = server.tandem.realtime.gateway;
    const good = await connectWs(server.url, owner);
    await good.subscribe(room);
    const slow = await connectWs(server.url, owner);
    await slow.subscribe(room);
    const slowId = slow.messages[0]?.connection_id;
    const serverSide = [...gateway.connections()].find((c) => c.id === slowId);
    slow.ws.pause();
    const payload = { blob: 'y'.repeat(64 * 1024) };
    let sent = 0;
    // Keep broadcasting until the server gives up on the slow socket (its buffer passed the cap).
    while (!serverSide?.transport.closing && sent < 2000) {
      for (let i = 0; i < 20; i++) gateway.broadcastLocal(room, { type: 'typing', room, user_id: String(sent++), name: payload.blob });
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(serverSide?.transport.closing).toBe(true);
    slow.ws.resume();
    expect((await slow.closed).code).toBe(CLOSE_CODES.slow_consumer);
    const last = sent - 1;
    await good.waitFor((m) => m.type === 'typing' && m.user_id === String(last), 30_000);
    expect(good.messages.filter((m) => m.type === 'typing')).toHaveLength(sent);
    await good.close();
  });
});

describe('graceful shutdown', () => {
  it('tells every client to reconnect elsewhere with close code 4000', async () => {
    const server = await startServer({ db: 'pglite' });
    const user = await newUser(server.url, 'Leaving');
    const client = await connectWs(server.url, user);
    const closing = server.close();
    expect((await client.closed).code).toBe(CLOSE_CODES.server_shutdown);
    await closing;
  });
});
