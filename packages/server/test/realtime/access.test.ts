import { randomUUID } from 'node:crypto';
import { CLOSE_CODES } from '@tandem/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type ApiClient, newUser, workspaceWith } from '../support/http-client.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { connectWs, WsTestClient, wsUrl } from '../support/ws-client.ts';

/** Opens a raw socket and reports either the HTTP status of a refused upgrade or the close code. */
async function outcome(url: string, headers: Record<string, string> = {}): Promise<{ status?: number; close?: number; welcomed: boolean }> {
  const ws = new WebSocket(url, { headers });
  return new Promise((resolve) => {
    let welcomed = false;
    ws.on('unexpected-response', (_req, res) => resolve({ status: res.statusCode, welcomed }));
    ws.on('message', (data) => {
      if (JSON.parse(data.toString()).type === 'welcome') welcomed = true;
    });
    ws.on('close', (code) => resolve({ close: code, welcomed }));
    ws.on('error', () => undefined);
    ws.on('open', () => setTimeout(() => ws.close(CLOSE_CODES.normal), 200));
  });
}

describe('realtime connection access', () => {
  let server: TestServer;
  let owner: ApiClient;
  let viewer: ApiClient;
  let outsider: ApiClient;
  let workspaceId: string;

  beforeAll(async () => {
    server = await startServer({ db: 'pglite', overrides: { wsMaxConnectionsPerUser: 3 } });
    owner = await newUser(server.url, 'Owner');
    viewer = await newUser(server.url, 'Viewer');
    outsider = await newUser(server.url, 'Outsider');
    workspaceId = await workspaceWith(owner, [[viewer, 'viewer']]);
  });
  afterAll(async () => server?.close());

  it('opens with a connect token, a bearer token, or the session cookie from an allowed origin, and sends welcome first', async () => {
    const byToken = await connectWs(server.url, viewer);
    expect(byToken.messages[0]).toMatchObject({ type: 'welcome', protocol: 1, user: { id: viewer.user?.id }, heartbeat_ms: 30000 });
    await byToken.close();
    const byBearer = await connectWs(server.url, null, { headers: { authorization: `Bearer ${viewer.token}` } });
    expect(byBearer.messages[0]?.type).toBe('welcome');
    await byBearer.close();
    const origin = new URL(server.url).origin;
    const byCookie = await connectWs(server.url, null, { headers: { cookie: `tandem_session=${viewer.token}`, origin } });
    expect(byCookie.messages[0]?.type).toBe('welcome');
    await byCookie.close();
  });

  it('refuses a cross-site origin before upgrading, and closes unauthenticated sockets with 4401', async () => {
    expect(await outcome(wsUrl(server.url), { cookie: `tandem_session=${viewer.token}`, origin: 'https://evil.example' })).toMatchObject({ status: 403 });
    expect(await outcome(wsUrl(server.url))).toEqual({ close: CLOSE_CODES.unauthenticated, welcomed: false });
    expect(await outcome(wsUrl(server.url, { token: 'forged.token' }))).toEqual({ close: CLOSE_CODES.unauthenticated, welcomed: false });
    // A cookie alone, without the Origin every browser sends, is not enough.
    expect(await outcome(wsUrl(server.url), { cookie: `tandem_session=${viewer.token}` })).toEqual({ close: CLOSE_CODES.unauthenticated, welcomed: false });
  });

  it('closes a client speaking another protocol version with 4426', async () => {
    const res = await owner.post('/realtime/token');
    expect(await outcome(wsUrl(server.url, { token: res.body.token, v: '99' }))).toEqual({ close: CLOSE_CODES.protocol_mismatch, welcomed: false });
  });

  it('refuses connections past the per-user cap with 4403', async () => {
    const user = await newUser(server.url, 'Many');
    const open = await Promise.all([1, 2, 3].map(() => connectWs(server.url, user)));
    const extra = await connectWs(server.url, user, { awaitWelcome: false });
    expect((await extra.closed).code).toBe(CLOSE_CODES.forbidden);
    await Promise.all(open.map((c) => c.close()));
  });

  it('a viewer cannot join a workspace they are not in, nor another user`s room, but can join their own', async () => {
    const client = await connectWs(server.url, outsider);
    expect(await client.request({ type: 'subscribe', room: `workspace:${workspaceId}` })).toMatchObject({ type: 'error', code: 'forbidden' });
    expect(await client.request({ type: 'subscribe', room: `user:${viewer.user?.id}` })).toMatchObject({ type: 'error', code: 'forbidden' });
    expect(await client.request({ type: 'subscribe', room: `table:${randomUUID()}` })).toMatchObject({ type: 'error', code: 'forbidden' });
    expect(await client.request({ type: 'subscribe', room: `user:${outsider.user?.id}` })).toMatchObject({ type: 'ack' });
    expect(await client.request({ type: 'subscribe', room: 'system' })).toMatchObject({ type: 'ack' });
    const member = await connectWs(server.url, viewer);
    expect(await member.request({ type: 'subscribe', room: `workspace:${workspaceId}` })).toMatchObject({ type: 'ack', room: `workspace:${workspaceId}` });
    await client.close();
    await member.close();
  });

  it('answers invalid frames with invalid_input, keeps the id, and changes nothing', async () => {
    const client = await connectWs(server.url, viewer);
    client.sendRaw('not json');
    expect(await client.waitFor((m) => m.type === 'error')).toMatchObject({ code: 'invalid_input' });
    expect(await client.request({ type: 'subscribe', room: `workspace:${workspaceId}`, extra: true })).toMatchObject({ type: 'error', code: 'invalid_input' });
    expect(await client.request({ type: 'teleport' })).toMatchObject({ type: 'error', code: 'invalid_input' });
    expect(await client.request({ type: 'presence', room: `workspace:${workspaceId}`, action: 'viewing' })).toMatchObject({
      type: 'error',
      code: 'invalid_input',
    });
    const pong = client.waitFor((m) => m.type === 'pong' && m.id === 'p1');
    client.sendRaw({ type: 'ping', id: 'p1' });
    expect(await pong).toMatchObject({ type: 'pong', id: 'p1' });
    await client.close();
  });

  it('a removed member is unsubscribed at once and no longer receives the room`s events', async () => {
    const member = await newUser(server.url, 'Member');
    const ws = await workspaceWith(owner, [[member, 'editor']]);
    const room = `workspace:${ws}`;
    const client = await connectWs(server.url, member);
    await client.subscribe(room);
    expect((await owner.delete(`/workspaces/${ws}/members/${member.user?.id}`)).status).toBe(204);
    expect(await client.waitFor((m) => m.type === 'unsubscribed')).toMatchObject({ room, reason: 'forbidden' });
    expect(await client.request({ type: 'subscribe', room })).toMatchObject({ type: 'error', code: 'forbidden' });
    await client.close();
  });

  it('logging out closes that session`s sockets with 4401 and leaves other sessions open', async () => {
    const user = await newUser(server.url, 'Leaving');
    const token = await user.post('/auth/tokens', { name: 'script' });
    const apiClient = new WsTestClient(new WebSocket(wsUrl(server.url), { headers: { authorization: `Bearer ${token.body.token}` } }));
    await apiClient.waitFor((m) => m.type === 'welcome');
    const session = await connectWs(server.url, user);
    expect((await user.post('/auth/logout')).status).toBe(204);
    expect((await session.closed).code).toBe(CLOSE_CODES.unauthenticated);
    expect(apiClient.ws.readyState).toBe(WebSocket.OPEN);
    await apiClient.close();
  });

  it('a connect token stops working once its session has ended', async () => {
    const user = await newUser(server.url, 'Expired');
    const token = (await user.post('/realtime/token')).body.token as string;
    await user.post('/auth/logout');
    expect(await outcome(wsUrl(server.url, { token }))).toEqual({ close: CLOSE_CODES.unauthenticated, welcomed: false });
  });

  it('the metrics endpoint counts open connections and received frames', async () => {
    const client = await connectWs(server.url, owner);
    await client.request({ type: 'subscribe', room: 'system' });
    const text = await (await fetch(`${server.url}/metrics`)).text();
    expect(text).toMatch(/tandem_realtime_connections\{transport="ws"\} [1-9]/);
    expect(text).toMatch(/tandem_realtime_frames_received_total [1-9]/);
    expect(text).toMatch(/tandem_realtime_rooms [1-9]/);
    await client.close();
  });

  it('an SSE stream is authorised like the WebSocket: refused rooms answer 403, a connect token opens it', async () => {
    const refused = await fetch(`${server.url}/api/v1/events?room=workspace:${workspaceId}`, { headers: { authorization: `Bearer ${outsider.token}` } });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('forbidden');
    const anonymous = await fetch(`${server.url}/api/v1/events?room=system`);
    expect(anonymous.status).toBe(401);
    const token = (await viewer.post('/realtime/token')).body.token as string;
    const controller = new AbortController();
    const stream = await fetch(`${server.url}/api/v1/events?room=workspace:${workspaceId}&token=${encodeURIComponent(token)}`, { signal: controller.signal });
    expect(stream.status).toBe(200);
    expect(stream.headers.get('cache-control')).toMatch(/no-cache/);
    controller.abort();
  });
});
