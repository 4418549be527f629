import { CLOSE_CODES } from '@tandem/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type ApiClient, newUser } from '../support/http-client.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { connectToken, WsTestClient, wsUrl } from '../support/ws-client.ts';

// Slow enough that a busy CI machine never misses two pongs of a healthy socket.
const HEARTBEAT_MS = 1000;
/** More sockets than one heartbeat pings in one go (HEARTBEAT_SLICE, 128). */
const HEALTHY = 300;

describe('heartbeat over more sockets than one slice', () => {
  let server: TestServer;
  let alice: ApiClient;

  beforeAll(async () => {
    server = await startServer({ db: 'pglite', overrides: { heartbeatMs: HEARTBEAT_MS, wsMaxConnectionsPerUser: 1000 } });
    alice = await newUser(server.url, 'Alice');
  });
  afterAll(async () => server?.close());

  const open = async (autoPong: boolean) => {
    const ws = new WebSocket(wsUrl(server.url, { token: await connectToken(alice) }), { autoPong });
    const client = new WsTestClient(ws);
    await client.waitFor((m) => m.type === 'welcome');
    return { ws, client };
  };

  it('pings every socket and cuts only the one that stopped answering, even past the first slice', async () => {
    const healthy = [];
    for (let i = 0; i < HEALTHY; i += 1) healthy.push(await open(true));
    const pinged = new Set<WebSocket>();
    for (const { ws } of healthy) ws.on('ping', () => pinged.add(ws));
    // Opened last, so a heartbeat reaches it only in its last slice.
    const frozen = await open(false);

    expect((await frozen.client.closed).code).toBe(CLOSE_CODES.abnormal);
    // Every healthy socket was pinged at least once meanwhile, and answered, so none was cut.
    expect(pinged.size).toBe(HEALTHY);
    expect(healthy.filter(({ ws }) => ws.readyState === WebSocket.OPEN)).toHaveLength(HEALTHY);
    for (const { ws } of healthy) ws.close();
  }, 30_000);
});
