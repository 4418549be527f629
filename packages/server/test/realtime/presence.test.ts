import { CLOSE_CODES } from '@tandem/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type ApiClient, newUser, workspaceWith } from '../support/http-client.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { connectToken, connectWs, WsTestClient, wsUrl } from '../support/ws-client.ts';

const GRACE_MS = 800;
// Slow enough that a busy CI machine never misses two pongs of a healthy tab.
const HEARTBEAT_MS = 1000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('presence, cursors and typing', () => {
  let server: TestServer;
  let alice: ApiClient;
  let bob: ApiClient;
  let workspaceId: string;
  let room: string;

  beforeAll(async () => {
    server = await startServer({ db: 'pglite', overrides: { heartbeatMs: HEARTBEAT_MS, presenceGraceMs: GRACE_MS } });
    alice = await newUser(server.url, 'Alice');
    bob = await newUser(server.url, 'Bob');
  });
  afterAll(async () => server?.close());

  const fresh = async () => {
    workspaceId = await workspaceWith(alice, [[bob, 'editor']]);
    room = `workspace:${workspaceId}`;
  };

  /** Alice's tab: subscribed to the room and present as viewing. */
  const aliceTab = async (options: { autoPong?: boolean } = {}) => {
    const ws = new WebSocket(wsUrl(server.url, { token: await connectToken(alice) }), { autoPong: options.autoPong ?? true });
    const tab = new WsTestClient(ws);
    await tab.waitFor((m) => m.type === 'welcome');
    await tab.subscribe(room);
    expect(await tab.request({ type: 'presence', room, action: 'viewing' })).toMatchObject({ type: 'ack' });
    return tab;
  };

  const watcher = async () => {
    const client = await connectWs(server.url, bob);
    await client.subscribe(room);
    return client;
  };

  const aliceId = () => alice.user?.id;

  it('a user is announced once when they join, and a second tab updates them without a second join', async () => {
    await fresh();
    const bobWs = await watcher();
    const tab1 = await aliceTab();
    expect(await bobWs.waitFor((m) => m.type === 'user_joined')).toMatchObject({ room, user: { user_id: aliceId(), action: 'viewing', status: 'online' } });
    const tab2 = await aliceTab();
    expect(await tab2.request({ type: 'presence', room, action: 'editing' })).toMatchObject({ type: 'ack' });
    await bobWs.waitFor((m) => m.type === 'presence_update' && (m.user as { action: string }).action === 'editing');
    expect(bobWs.messages.filter((m) => m.type === 'user_joined')).toHaveLength(1);

    const late = await connectWs(server.url, bob);
    await late.subscribe(room);
    const state = await late.waitFor((m) => m.type === 'presence_state');
    expect((state.users as { user_id: string }[]).map((u) => u.user_id)).toEqual([aliceId()]);
    for (const c of [bobWs, tab1, tab2, late]) await c.close();
  });

  it('a user leaves only when their last tab closes, after the grace period', async () => {
    await fresh();
    const bobWs = await watcher();
    const tab1 = await aliceTab();
    const tab2 = await aliceTab();
    await bobWs.waitFor((m) => m.type === 'user_joined');
    await tab1.close();
    await sleep(GRACE_MS + 300);
    expect(bobWs.messages.some((m) => m.type === 'user_left')).toBe(false);
    await tab2.close();
    expect(await bobWs.waitFor((m) => m.type === 'user_left')).toMatchObject({ room, user_id: aliceId() });
    await bobWs.close();
  });

  it('a quick reconnect within the grace period causes no leave and no second join', async () => {
    await fresh();
    const bobWs = await watcher();
    const tab = await aliceTab();
    await bobWs.waitFor((m) => m.type === 'user_joined');
    tab.kill();
    const again = await aliceTab();
    await sleep(GRACE_MS + 300);
    expect(bobWs.messages.filter((m) => m.type === 'user_left')).toHaveLength(0);
    expect(bobWs.messages.filter((m) => m.type === 'user_joined')).toHaveLength(1);
    await again.close();
    await bobWs.waitFor((m) => m.type === 'user_left');
    await bobWs.close();
  });

  it('a killed client and a client that stops answering pings both leave', async () => {
    await fresh();
    const bobWs = await watcher();
    const killed = await aliceTab();
    await bobWs.waitFor((m) => m.type === 'user_joined');
    killed.kill();
    await bobWs.waitFor((m) => m.type === 'user_left');

    const frozen = await aliceTab({ autoPong: false });
    await bobWs.waitFor((m) => m.type === 'user_joined' && bobWs.messages.filter((x) => x.type === 'user_joined').length === 2);
    // The server cuts the silent connection after two missed heartbeats, then the grace period runs out.
    expect((await frozen.closed).code).toBe(CLOSE_CODES.abnormal);
    await bobWs.waitFor((m) => m.type === 'user_left' && bobWs.messages.filter((x) => x.type === 'user_left').length === 2);
    await bobWs.close();
  });

  it('REST shows who is in a room and who is online, and a status change reaches the room', async () => {
    await fresh();
    const bobWs = await watcher();
    const tab = await aliceTab();
    const present = await bob.get(`/presence?resource_type=workspace&resource_id=${workspaceId}`);
    expect(present.status).toBe(200);
    expect(present.body.users.map((u: { user_id: string }) => u.user_id)).toEqual([aliceId()]);
    const outsider = await newUser(server.url, 'Outsider');
    expect((await outsider.get(`/presence?resource_type=workspace&resource_id=${workspaceId}`)).status).toBe(404);
    expect((await outsider.get(`/realtime/online-users?workspace_id=${workspaceId}`)).status).toBe(404);

    const online = await bob.get(`/realtime/online-users?workspace_id=${workspaceId}`);
    expect(online.body.users.map((u: { user_id: string }) => u.user_id).sort()).toEqual([aliceId(), bob.user?.id].sort());

    expect((await alice.post('/realtime/presence', { status: 'away' })).body).toEqual({ status: 'away' });
    expect(await bobWs.waitFor((m) => m.type === 'presence_update')).toMatchObject({ room, user: { user_id: aliceId(), status: 'away' } });
    expect((await alice.post('/realtime/presence', { status: 'sleeping' })).status).toBe(400);
    await tab.close();
    await bobWs.close();
  });

  it('cursors and typing reach the rest of the room but not the sender, and need a subscription', async () => {
    await fresh();
    const bobWs = await watcher();
    const tab = await aliceTab();
    expect(await tab.request({ type: 'user_cursor', room, position: { x: 1, y: 2 } })).toMatchObject({ type: 'ack' });
    expect(await bobWs.waitFor((m) => m.type === 'user_cursor')).toMatchObject({ room, user_id: aliceId(), position: { x: 1, y: 2 } });
    // Many moves in a burst are thinned out, but the last position always arrives.
    for (let i = 0; i < 20; i++) tab.sendRaw({ type: 'user_cursor', room, position: { x: i } });
    await bobWs.waitFor((m) => m.type === 'user_cursor' && (m.position as { x: number }).x === 19);
    expect(bobWs.messages.filter((m) => m.type === 'user_cursor').length).toBeLessThan(20);
    expect(await tab.request({ type: 'typing', room })).toMatchObject({ type: 'ack', relayed: true });
    expect(await bobWs.waitFor((m) => m.type === 'typing')).toMatchObject({ user_id: aliceId() });
    expect(tab.messages.some((m) => m.type === 'user_cursor' || m.type === 'typing')).toBe(false);
    expect(await bobWs.request({ type: 'user_cursor', room: `workspace:${crypto.randomUUID()}`, position: 1 })).toMatchObject({
      type: 'error',
      code: 'invalid_input',
    });
    await tab.close();
    await bobWs.close();
  });
});
