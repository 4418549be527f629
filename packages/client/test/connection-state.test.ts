import { CLOSE_CODES } from '@tandem/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LONG_BACKOFF_MIN_DELAY_MS, RECONNECT_MIN_DELAY_MS } from '../src/backoff.ts';
import type { ConnectionStatus } from '../src/connection-status.ts';
import type { NetworkMonitor } from '../src/network-monitor.ts';
import { TandemClient, type TandemClientOptions } from '../src/tandem-client.ts';
import { TandemError } from '../src/tandem-error.ts';
import { fakeSockets } from './fake-socket.ts';

const ROOM = 'table:00000000-0000-4000-8000-000000000001';
const RECORD = '00000000-0000-4000-8000-0000000000aa';
const FIELD = '00000000-0000-4000-8000-0000000000bb';

function setup(options: Partial<TandemClientOptions> = {}) {
  const fake = fakeSockets();
  const statuses: ConnectionStatus[] = [];
  const client = new TandemClient({
    url: 'http://tandem.test',
    WebSocket: fake.factory,
    getConnectToken: async () => 'connect-token',
    random: () => 0.999,
    ...options,
    autoConnect: false,
  });
  client.onStatus((status) => statuses.push(status));
  if (options.autoConnect !== false) client.connect();
  return { client, fake, statuses };
}

/** The seqs of the durable events `client` delivers for {@link ROOM}, as they arrive. */
function seqsSeen(client: TandemClient): number[] {
  const seen: number[] = [];
  client.subscribe(ROOM, (event) => {
    if ('seq' in event && event.type !== 'resync' && event.type !== 'subscribed') seen.push(event.seq as number);
  });
  return seen;
}

/** A durable event of {@link ROOM} at `seq`, as the server sends it. */
function eventAt(seq: number, type = 'record_updated') {
  return { type, room: ROOM, seq, ts: new Date().toISOString(), actor: null, data: {} };
}

/** Lets the async connect (token, then socket) run. */
const settle = () => vi.advanceTimersByTimeAsync(0);

describe('connection state machine', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('is connected only once the server said welcome, and asks with the connect token and protocol version', async () => {
    const { client, fake, statuses } = setup();
    await settle();
    expect(client.status).toBe('connecting');
    const url = new URL(fake.last().url);
    expect(url.pathname).toBe('/ws');
    expect(url.protocol).toBe('ws:');
    expect(url.searchParams.get('token')).toBe('connect-token');
    expect(url.searchParams.get('v')).toBe('1');
    expect(url.searchParams.get('batch')).toBe('1');
    fake.last().accept();
    expect(client.status).toBe('connected');
    expect(client.user?.name).toBe('Ada');
    expect(statuses).toEqual(['connecting', 'connected']);
    client.close();
    expect(statuses.at(-1)).toBe('closed');
  });

  it('reconnects after a drop with a backoff ceiling that doubles per failed attempt', async () => {
    const { client, fake, statuses } = setup();
    await settle();
    fake.last().accept();
    fake.last().drop(CLOSE_CODES.abnormal);
    expect(client.status).toBe('reconnecting');
    // random() ≈ 1 puts every delay at its ceiling: 250, then 500, then 1000 ms.
    await vi.advanceTimersByTimeAsync(RECONNECT_MIN_DELAY_MS - 10);
    expect(fake.sockets).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(20);
    expect(fake.sockets).toHaveLength(2);
    fake.last().drop(CLOSE_CODES.abnormal);
    await vi.advanceTimersByTimeAsync(2 * RECONNECT_MIN_DELAY_MS - 10);
    expect(fake.sockets).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(20);
    expect(fake.sockets).toHaveLength(3);
    fake.last().accept();
    expect(statuses).toEqual(['connecting', 'connected', 'reconnecting', 'connected']);
    expect(client.failure).toBeNull();
    client.close();
  });

  it('stops for good on a 4400-range close and reports the registry error', async () => {
    const { client, fake } = setup();
    await settle();
    fake.last().accept();
    fake.last().drop(CLOSE_CODES.unauthenticated, 'session ended');
    expect(client.status).toBe('failed');
    expect(client.failure?.code).toBe('unauthenticated');
    await vi.advanceTimersByTimeAsync(120_000);
    expect(fake.sockets).toHaveLength(1);
    // The app logs in again and asks to connect: the machine starts over.
    client.connect();
    await settle();
    expect(fake.sockets).toHaveLength(2);
    expect(client.status).toBe('connecting');
    client.close();
  });

  it('stops when the connect token is refused, without opening a socket', async () => {
    const { client, fake } = setup({
      getConnectToken: async () => {
        throw new TandemError('unauthenticated', 'no session');
      },
    });
    await settle();
    expect(client.status).toBe('failed');
    expect(client.failure?.code).toBe('unauthenticated');
    expect(fake.sockets).toHaveLength(0);
    client.close();
  });

  it('keeps retrying when the server cannot be reached to mint a connect token', async () => {
    let calls = 0;
    const { client, fake } = setup({
      getConnectToken: async () => {
        calls += 1;
        if (calls < 3) throw new TandemError('unavailable', 'down');
        return 't';
      },
    });
    await vi.advanceTimersByTimeAsync(5_000);
    expect(calls).toBe(3);
    fake.last().accept();
    expect(client.status).toBe('connected');
    client.close();
  });

  it('waits at least the long backoff after a rate-limited close', async () => {
    const { client, fake } = setup({ random: () => 0 });
    await settle();
    fake.last().accept();
    fake.last().drop(CLOSE_CODES.rate_limited);
    await vi.advanceTimersByTimeAsync(LONG_BACKOFF_MIN_DELAY_MS / 2 - 10);
    expect(fake.sockets).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(20);
    expect(fake.sockets).toHaveLength(2);
    client.close();
  });

  it('pings a quiet link and drops it with the heartbeat code when nothing answers', async () => {
    const { client, fake } = setup({ heartbeatTimeoutMs: 1_000 });
    await settle();
    const first = fake.last();
    first.accept(5_000);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(first.sent.at(-1)).toEqual({ type: 'ping' });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(first.closedWith).toBe(CLOSE_CODES.heartbeat_timeout);
    expect(client.status).toBe('reconnecting');
    await vi.advanceTimersByTimeAsync(RECONNECT_MIN_DELAY_MS);
    expect(fake.sockets).toHaveLength(2);
    client.close();
  });

  it('keeps a quiet link that answers the ping', async () => {
    const { client, fake } = setup({ heartbeatTimeoutMs: 1_000 });
    await settle();
    const socket = fake.last();
    socket.accept(5_000);
    await vi.advanceTimersByTimeAsync(5_000);
    socket.serverSends({ type: 'pong', ts: new Date().toISOString() });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(socket.closedWith).toBeNull();
    expect(client.status).toBe('connected');
    client.close();
  });

  it('pauses while the device is offline and reconnects at once when it is back', async () => {
    let online = true;
    const listeners = new Set<(online: boolean) => void>();
    const network: NetworkMonitor = {
      online: () => online,
      subscribe(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    };
    const setOnline = (value: boolean) => {
      online = value;
      for (const listener of listeners) listener(value);
    };
    const { client, fake } = setup({ network });
    await settle();
    fake.last().accept();
    setOnline(false);
    fake.last().drop(CLOSE_CODES.abnormal);
    expect(client.status).toBe('offline');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(fake.sockets).toHaveLength(1);
    setOnline(true);
    await settle();
    expect(fake.sockets).toHaveLength(2);
    expect(client.status).toBe('reconnecting');
    fake.last().accept();
    expect(client.status).toBe('connected');
    client.close();
  });
});

describe('rooms, requests and the offline queue (scripted server)', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('resubscribes every held room from its last seq after a reconnect and drops duplicates', async () => {
    const { client, fake } = setup();
    const seen = seqsSeen(client);
    await settle();
    const first = fake.last();
    first.accept();
    const subscribe = first.sent.find((m) => m.type === 'subscribe');
    expect(subscribe).toMatchObject({ room: ROOM });
    expect(subscribe).not.toHaveProperty('since');
    first.serverSends({ type: 'ack', id: subscribe?.id as string, seq: 4 });
    await settle();
    for (const seq of [5, 6, 6, 5]) first.serverSends(eventAt(seq, 'record_created'));
    expect(seen).toEqual([5, 6]);
    first.drop(CLOSE_CODES.abnormal);
    await vi.advanceTimersByTimeAsync(RECONNECT_MIN_DELAY_MS);
    const second = fake.last();
    second.accept();
    expect(second.sent.find((m) => m.type === 'subscribe')).toMatchObject({ room: ROOM, since: 6 });
    client.close();
  });

  it('takes every message of a batched frame, in order', async () => {
    const { client, fake } = setup();
    const seen = seqsSeen(client);
    await settle();
    const socket = fake.last();
    socket.accept();
    const subscribe = socket.sent.find((m) => m.type === 'subscribe');
    // The replay and the ack behind it arrive in one frame, as the server batches them.
    socket.serverSendsBatch([eventAt(1), eventAt(2), { type: 'ack', id: subscribe?.id as string, seq: 2 }]);
    await settle();
    socket.serverSendsBatch([eventAt(3), eventAt(4), eventAt(5)]);
    expect(seen).toEqual([1, 2, 3, 4, 5]);
    client.close();
  });

  it('answers a gap by resuming the room from its last seq instead of delivering out of order', async () => {
    const { client, fake } = setup();
    const seen: number[] = [];
    client.room(ROOM).on('record_updated', (event) => seen.push(event.seq));
    client.room(ROOM).subscribe(10);
    await settle();
    const socket = fake.last();
    socket.accept();
    socket.serverSends(eventAt(11));
    socket.serverSends(eventAt(13));
    expect(seen).toEqual([11]);
    const resumes = socket.sent.filter((m) => m.type === 'subscribe');
    expect(resumes.at(-1)).toMatchObject({ room: ROOM, since: 11 });
    socket.serverSends(eventAt(12));
    socket.serverSends(eventAt(13));
    expect(seen).toEqual([11, 12, 13]);
    client.close();
  });

  it('queues requests made while offline and sends them after the rooms are resubscribed', async () => {
    const { client, fake } = setup({ autoConnect: false });
    client.subscribe(ROOM);
    client.setPresence(ROOM, 'editing', 'busy');
    const lock = client.lockCell(RECORD, FIELD);
    client.moveCursor(ROOM, { x: 1 });
    expect(client.queuedCount).toBe(1);
    client.connect();
    await settle();
    const socket = fake.last();
    socket.accept();
    expect(socket.sent.map((m) => m.type)).toEqual(['subscribe', 'presence', 'cell_lock']);
    expect(socket.sent[1]).toMatchObject({ room: ROOM, action: 'editing', status: 'busy' });
    const lockId = socket.sent[2]?.id as string;
    socket.serverSends({ type: 'ack', id: lockId });
    await expect(lock).resolves.toMatchObject({ id: lockId });
    expect(client.holdsLock(RECORD, FIELD)).toBe(true);
    client.close();
  });

  it('re-announces presence and re-takes held locks after a reconnect', async () => {
    const { client, fake } = setup();
    client.subscribe(ROOM);
    await settle();
    const first = fake.last();
    first.accept();
    client.setPresence(ROOM, 'viewing');
    const lock = client.lockCell(RECORD);
    first.serverSends({ type: 'ack', id: first.sent.find((m) => m.type === 'cell_lock')?.id as string });
    await lock;
    first.drop(CLOSE_CODES.server_shutdown);
    await vi.advanceTimersByTimeAsync(RECONNECT_MIN_DELAY_MS);
    const second = fake.last();
    second.accept();
    expect(second.sent.map((m) => m.type)).toEqual(['subscribe', 'presence', 'cell_lock']);
    expect(second.sent[2]).toMatchObject({ record_id: RECORD });
    client.close();
  });

  it('rejects a request with the registry code the server answered', async () => {
    const { client, fake } = setup();
    await settle();
    const socket = fake.last();
    socket.accept();
    const lock = client.lockCell(RECORD, FIELD);
    const sent = socket.sent.at(-1);
    socket.serverSends({ type: 'error', id: sent?.id as string, code: 'locked', message: 'Held by Bob', details: { holder: 'Bob' } });
    const error = await lock.catch((err: unknown) => err);
    expect(error).toBeInstanceOf(TandemError);
    expect(error).toMatchObject({ code: 'locked', status: 423, retryable: true, details: { holder: 'Bob' } });
    expect(client.holdsLock(RECORD, FIELD)).toBe(false);
    client.close();
  });

  it('rejects in-flight requests as unavailable when the link drops before the answer', async () => {
    const { client, fake } = setup();
    await settle();
    fake.last().accept();
    const lock = client.lockCell(RECORD, FIELD);
    fake.last().drop(CLOSE_CODES.abnormal);
    await expect(lock).rejects.toMatchObject({ code: 'unavailable', retryable: true });
    client.close();
  });

  it('keeps the presence list, cursors and the lock map from room signals', async () => {
    const { client, fake } = setup();
    const room = client.room(ROOM);
    room.subscribe();
    await settle();
    const socket = fake.last();
    socket.accept();
    const entry = (id: string, action: 'viewing' | 'editing') => ({ user_id: id, name: id, color: '#000', action, status: 'online', since: '' });
    socket.serverSends({ type: 'presence_state', room: ROOM, users: [entry('a', 'viewing')] });
    socket.serverSends({ type: 'user_joined', room: ROOM, user: entry('b', 'viewing') });
    socket.serverSends({ type: 'presence_update', room: ROOM, user: entry('a', 'editing') });
    socket.serverSends({ type: 'user_left', room: ROOM, user_id: 'b' });
    expect(room.presence).toEqual([entry('a', 'editing')]);
    socket.serverSends({ type: 'user_cursor', room: ROOM, user_id: 'a', name: 'a', color: '#000', position: { row: 3 } });
    expect(room.cursors.get('a')?.position).toEqual({ row: 3 });
    socket.serverSends({ type: 'user_left', room: ROOM, user_id: 'a' });
    expect(room.cursors.has('a')).toBe(false);
    const lock = { record_id: RECORD, field_id: FIELD, user_id: 'b', name: 'Bob', color: '#111', expires_at: '' };
    socket.serverSends({ type: 'cell_lock', room: ROOM, lock });
    expect(client.lockOf(RECORD, FIELD)).toEqual(lock);
    socket.serverSends({ type: 'cell_unlock', room: ROOM, record_id: RECORD, field_id: FIELD, user_id: 'b' });
    expect(client.lockOf(RECORD, FIELD)).toBeUndefined();
    client.close();
  });
});
