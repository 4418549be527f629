import { CLOSE_CODES } from '@tandem/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type ApiClient, newUser, workspaceWith } from '../../server/test/support/http-client.ts';
import { startServer, type TestServer } from '../../server/test/support/server.ts';
import { createRecord, createTable, type TestTable } from '../../server/test/support/tables.ts';
import type { TandemClient } from '../src/index.ts';
import { clientFor, collect } from './support/clients.ts';
import { TcpProxy, waitFor } from './support/tcp-proxy.ts';

let server: TestServer;
let owner: ApiClient;
let editor: ApiClient;
let outsider: ApiClient;
let workspaceId: string;
let proxy: TcpProxy;

beforeAll(async () => {
  server = await startServer({ db: 'pglite' });
  [owner, editor, outsider] = await Promise.all([newUser(server.url, 'Owner'), newUser(server.url, 'Editor'), newUser(server.url, 'Outsider')]);
  workspaceId = await workspaceWith(owner, [[editor, 'editor']]);
  proxy = await new TcpProxy(Number(new URL(server.url).port)).start();
});

afterAll(async () => {
  await proxy?.close();
  await server?.close();
});

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  proxy.restore();
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

function track(client: TandemClient): TandemClient {
  cleanup.push(() => client.close());
  return client;
}

function newTable(): Promise<TestTable<'Title'>> {
  return createTable(owner, workspaceId, [{ name: 'Title', type: 'text' }]);
}

function expectGapless(seqs: readonly number[]): void {
  expect(seqs.length).toBeGreaterThan(0);
  const first = seqs[0] ?? 0;
  expect(seqs).toEqual(seqs.map((_, i) => first + i));
}

describe.each(['websocket', 'sse'] as const)('client resume over %s against the real server', (transport) => {
  it('events written while the client is cut off arrive exactly once and in order after it reconnects', async () => {
    const table = await newTable();
    const client = track(clientFor(owner, proxy.url, { transport }));
    expect(client.transportKind).toBe(transport);
    const room = `table:${table.id}`;
    const events = collect(client, room);
    client.room(room).subscribe();
    await waitFor('subscribed', () => client.room(room).state === 'subscribed');

    const before = await createRecord(owner, table.id, { [table.f.Title]: 'before' });
    await waitFor('the first record', () => events.some((e) => e.type === 'record_created'));

    proxy.cut();
    await waitFor('the client to notice', () => client.status === 'reconnecting');
    const missed = [];
    for (let i = 0; i < 15; i += 1) missed.push(await createRecord(owner, table.id, { [table.f.Title]: `missed ${i}` }));
    proxy.restore();

    await waitFor('every missed record', () => events.filter((e) => e.type === 'record_created').length === 16);
    await waitFor('connected again', () => client.status === 'connected');
    const after = await createRecord(owner, table.id, { [table.f.Title]: 'after' });
    await waitFor('the live record after resume', () => events.some((e) => (e.data as { id?: string }).id === after.id));

    const created = events.filter((e) => e.type === 'record_created').map((e) => (e.data as { id: string }).id);
    expect(created).toEqual([before.id, ...missed.map((r) => r.id), after.id]);
    expectGapless(events.map((e) => e.seq));
  });

  it('reports a room the user may not read as a subscription error and keeps the others live', async () => {
    const ownWorkspace = await workspaceWith(outsider);
    const ownTable = await createTable(outsider, ownWorkspace, [{ name: 'Title', type: 'text' }]);
    const client = track(clientFor(outsider, server.url, { transport, autoConnect: false }));
    const forbidden = client.room(`workspace:${workspaceId}`);
    const allowed = `table:${ownTable.id}`;
    const events = collect(client, allowed);
    forbidden.subscribe();
    client.room(allowed).subscribe();
    client.connect();
    await waitFor('the refusal', () => forbidden.state === 'error');
    expect(forbidden.error?.code).toBe('forbidden');
    await waitFor('the allowed room', () => client.room(allowed).state === 'subscribed');
    const record = await createRecord(outsider, ownTable.id, { [ownTable.f.Title]: 'mine' });
    await waitFor('the allowed room still live', () => events.some((e) => (e.data as { id?: string }).id === record.id));
    expect(client.status).toBe('connected');
  });
});

describe('transport fallback against the real server', () => {
  it('switches to SSE when WebSocket upgrades keep failing, and still delivers events', async () => {
    const table = await newTable();
    const port = new URL(server.url).port;
    // Every socket goes to a path nobody upgrades: the server drops it, as a blocking proxy would.
    const client = track(clientFor(owner, server.url, { WebSocket: () => new WebSocket(`ws://127.0.0.1:${port}/blocked`) as never }));
    const room = `table:${table.id}`;
    const events = collect(client, room);
    client.room(room).subscribe();
    await waitFor('connected over SSE', () => client.status === 'connected' && client.room(room).state === 'subscribed', 20_000);
    expect(client.transportKind).toBe('sse');
    const record = await createRecord(owner, table.id, { [table.f.Title]: 'via sse' });
    await waitFor('the event', () => events.some((e) => (e.data as { id?: string }).id === record.id));
  });
});

describe('offline queue and stop codes against the real server', () => {
  it('a lock and presence requested while offline reach the server after reconnect and other users see them', async () => {
    const table = await newTable();
    const record = await createRecord(owner, table.id, { [table.f.Title]: 'shared' });
    const room = `table:${table.id}`;
    const alice = track(clientFor(editor, proxy.url));
    const bob = track(clientFor(owner, server.url));
    alice.room(room).subscribe();
    bob.room(room).subscribe();
    await waitFor('both subscribed', () => alice.room(room).state === 'subscribed' && bob.room(room).state === 'subscribed');

    proxy.cut();
    await waitFor('alice offline', () => alice.status === 'reconnecting');
    alice.setPresence(room, 'editing', 'busy', { record_id: record.id, field_id: table.f.Title });
    const lock = alice.lockCell(record.id, table.f.Title);
    expect(alice.queuedCount).toBe(1);
    proxy.restore();

    await lock;
    expect(alice.holdsLock(record.id, table.f.Title)).toBe(true);
    await waitFor('bob sees the lock', () => bob.lockOf(record.id, table.f.Title)?.user_id === editor.user?.id);
    await waitFor('bob sees alice editing', () => bob.room(room).presence.some((p) => p.user_id === editor.user?.id && p.action === 'editing'));
    const write = await owner.patch(`/records/${record.id}`, { values: { [table.f.Title]: 'mine now' } });
    expect(write.status).toBe(423);
    expect(write.body.error.code).toBe('locked');

    await alice.unlockCell(record.id, table.f.Title);
    await waitFor('bob sees the release', () => bob.lockOf(record.id, table.f.Title) === undefined);
    await alice.setStatus('away');
    await waitFor('bob sees alice away', () => bob.room(room).presence.some((p) => p.user_id === editor.user?.id && p.status === 'away'));
  });

  it('a second user asking for a held lock is refused with the locked code', async () => {
    const table = await newTable();
    const record = await createRecord(owner, table.id, { [table.f.Title]: 'x' });
    const alice = track(clientFor(editor, server.url));
    const bob = track(clientFor(owner, server.url));
    await waitFor('both connected', () => alice.status === 'connected' && bob.status === 'connected');
    await alice.lockCell(record.id, table.f.Title);
    const refused = await bob.lockCell(record.id, table.f.Title).catch((err: unknown) => err);
    expect(refused).toMatchObject({ name: 'TandemError', code: 'locked', status: 423 });
    expect(bob.holdsLock(record.id, table.f.Title)).toBe(false);
  });

  it('a 4401 close after logout stops reconnecting and reports unauthenticated', async () => {
    const user = await newUser(server.url, 'Leaving');
    const client = track(clientFor(user, server.url));
    await waitFor('connected', () => client.status === 'connected');
    const logout = await user.post('/auth/logout');
    expect(logout.status).toBeLessThan(300);
    await waitFor('failed', () => client.status === 'failed');
    expect(client.lastDisconnect?.code).toBe(CLOSE_CODES.unauthenticated);
    expect(client.failure?.code).toBe('unauthenticated');
    // Longer than the whole backoff range: a reconnecting client would have tried by now.
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(client.status).toBe('failed');
  });
});
