import type { Actor, ClientMessage, LockInfo, PresenceAction, PresenceStatus, ServerMessage } from '@tandem/protocol';
import type { BackoffOptions } from './backoff.ts';
import { Connection, type Disconnect } from './connection.ts';
import type { ConnectionStatus } from './connection-status.ts';
import { FallbackTransport } from './fallback-transport.ts';
import { lockKey } from './lock-map.ts';
import { environmentNetwork, type NetworkMonitor } from './network-monitor.ts';
import { type Ack, PendingRequests, REQUEST_TIMEOUT_MS } from './pending-requests.ts';
import { type CookiePolicy, type FetchLike, RestClient, type TokenSource } from './rest-client.ts';
import { Room } from './room.ts';
import { isDurableEvent, type RoomEvent, type RoomSignal } from './room-events.ts';
import { SseTransport } from './sse-transport.ts';
import { TandemError } from './tandem-error.ts';
import type { Transport, TransportLink, Welcome } from './transport.ts';
import { environmentWebSocket, type WebSocketFactory, WebSocketTransport } from './websocket-transport.ts';

/** Most messages kept while offline; past this the oldest is dropped (and its request rejected). */
export const OUTGOING_QUEUE_LIMIT = 1000;

/**
 * Which transport to use: `auto` picks WebSocket when the environment (or the `WebSocket` option)
 * has one, and SSE when it has none or WebSocket keeps failing before the server's welcome.
 */
export type TransportChoice = 'auto' | 'websocket' | 'sse';

/** A client message without its correlation id (the SDK assigns ids). */
export type OutgoingMessage = ClientMessage extends infer M ? (M extends ClientMessage ? Omit<M, 'id'> : never) : never;

/** Options of {@link TandemClient}; only `url` is required. */
export interface TandemClientOptions {
  /** Base URL of the Tandem server, e.g. `https://tandem.example.com`. */
  readonly url: string;
  /** Bearer token (API or session token), or a function returning it; omit for cookie auth in a browser. */
  readonly token?: TokenSource;
  /**
   * Mints the short-lived token the WebSocket connects with. Default: `POST /api/v1/realtime/token`
   * with the bearer token or session cookie.
   */
  readonly getConnectToken?: () => Promise<string | null>;
  /** WebSocket factory; default the environment's `WebSocket` (Node 20 has none: pass the `ws` package). */
  readonly WebSocket?: WebSocketFactory;
  /** Default: the global `fetch`. */
  readonly fetch?: FetchLike;
  /** Default `auto`. */
  readonly transport?: TransportChoice;
  /** Connect as soon as the client is created (default true). */
  readonly autoConnect?: boolean;
  /** Reconnect backoff limits (defaults in backoff.ts). */
  readonly backoff?: BackoffOptions;
  /** Heartbeat interval; default the server's announced `heartbeat_ms`. */
  readonly heartbeatIntervalMs?: number;
  /** How long a ping may go unanswered (default 10 s). */
  readonly heartbeatTimeoutMs?: number;
  /** How long a sent request waits for its ack (default {@link REQUEST_TIMEOUT_MS}). */
  readonly requestTimeoutMs?: number;
  /** Default {@link OUTGOING_QUEUE_LIMIT}. */
  readonly queueLimit?: number;
  /** Default: the browser's online/offline events, or always online. */
  readonly network?: NetworkMonitor;
  /** Cookie policy of REST and SSE requests (default `same-origin`). */
  readonly credentials?: CookiePolicy;
  /** Random source for backoff jitter (default `Math.random`). */
  readonly random?: () => number;
}

interface Queued {
  readonly message: ClientMessage;
  readonly id: string | null;
}

interface LockTarget {
  readonly record_id: string;
  readonly field_id?: string;
}

type PresenceMessage = Extract<ClientMessage, { type: 'presence' }>;

/** Message types that only make sense "now": dropped while offline instead of queued. */
const EPHEMERAL: ReadonlySet<ClientMessage['type']> = new Set(['user_cursor', 'cell_edit', 'typing', 'ping']);

/**
 * The Tandem client: one connection (WebSocket, or SSE as a fallback) shared by every room.
 *
 * It reconnects by itself with backoff, resubscribes every held room from its last `seq` so no
 * durable event is missed or repeated, re-announces presence and re-takes its cell locks after a
 * reconnect, and queues requests made while offline until the link is back.
 */
export class TandemClient {
  /** REST helper for the API under `/api/v1` (errors become `TandemError`). */
  readonly api: RestClient;
  readonly #connection: Connection;
  readonly #rooms = new Map<string, Room>();
  readonly #pending: PendingRequests;
  readonly #queue: Queued[] = [];
  readonly #presence = new Map<string, Omit<PresenceMessage, 'id'>>();
  readonly #heldLocks = new Map<string, LockTarget>();
  readonly #statusListeners = new Set<(status: ConnectionStatus) => void>();
  readonly #errorListeners = new Set<(error: TandemError) => void>();
  readonly #lockListeners = new Set<() => void>();
  readonly #repairing = new Set<string>();
  readonly #queueLimit: number;
  #user: Actor | null = null;
  #welcome: Welcome | null = null;
  readonly #transport: Transport;

  constructor(private readonly options: TandemClientOptions) {
    this.api = new RestClient({ baseUrl: options.url, token: options.token, fetch: options.fetch, credentials: options.credentials });
    this.#pending = new PendingRequests(options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS);
    this.#queueLimit = options.queueLimit ?? OUTGOING_QUEUE_LIMIT;
    const transport = this.#createTransport();
    this.#transport = transport;
    this.#connection = new Connection(
      {
        transport,
        backoff: options.backoff,
        heartbeatIntervalMs: options.heartbeatIntervalMs,
        heartbeatTimeoutMs: options.heartbeatTimeoutMs,
        network: options.network ?? environmentNetwork(),
        random: options.random,
      },
      {
        onConnected: (link, welcome) => this.#onConnected(link, welcome),
        onMessage: (message) => this.#onMessage(message),
        onDisconnected: (disconnect) => this.#onDisconnected(disconnect),
        onStatus: (status) => {
          for (const listener of [...this.#statusListeners]) listener(status);
        },
      },
    );
    if (options.autoConnect !== false) this.connect();
  }

  /** The connection status. */
  get status(): ConnectionStatus {
    return this.#connection.status;
  }

  /** Why the client stopped, while `status` is `failed` (e.g. `unauthenticated` after a 4401 close). */
  get failure(): TandemError | null {
    return this.#connection.failure;
  }

  /** The last close code and reason the link reported. */
  get lastDisconnect(): Disconnect | null {
    return this.#connection.lastDisconnect;
  }

  /** The signed-in user, from the server's welcome (null before the first connection or over SSE). */
  get user(): Actor | null {
    return this.#user;
  }

  /** The server's welcome frame of the current connection. */
  get welcome(): Welcome | null {
    return this.#welcome;
  }

  /** The transport in use (`auto` may have fallen back from WebSocket to SSE). */
  get transportKind(): Transport['kind'] {
    return this.#transport.kind;
  }

  /** Messages waiting for the connection. */
  get queuedCount(): number {
    return this.#queue.length;
  }

  /** Listens to status changes; returns the function that stops listening. */
  onStatus(listener: (status: ConnectionStatus) => void): () => void {
    this.#statusListeners.add(listener);
    return () => this.#statusListeners.delete(listener);
  }

  /** Listens to server errors that answer no request of ours (e.g. a rejected fire-and-forget message). */
  onError(listener: (error: TandemError) => void): () => void {
    this.#errorListeners.add(listener);
    return () => this.#errorListeners.delete(listener);
  }

  /** Connects (from `idle`), or starts over after `failed` (e.g. once the user logged in again). */
  connect(): void {
    this.#connection.connect();
  }

  /**
   * Disconnects for good and stops watching the network: queued and in-flight requests are
   * rejected with `unavailable`. Create a new client to connect again.
   */
  close(): void {
    this.#connection.dispose();
    this.#queue.length = 0;
    this.#pending.rejectAll(new TandemError('unavailable', 'The client was closed.'));
  }

  /** The room with this name (created on first use; subscribe with `room.subscribe()`). */
  room(name: string): Room {
    let room = this.#rooms.get(name);
    if (!room) {
      room = new Room(name, { join: (r) => this.#join(r), leave: (r) => this.#leave(r) });
      this.#rooms.set(name, room);
    }
    return room;
  }

  /**
   * Subscribes to a room and, when given, calls `handler` for everything it delivers. Returns
   * the function that removes the handler and releases the subscription.
   */
  subscribe(name: string, handler?: (event: RoomEvent) => void): () => void {
    const room = this.room(name);
    const off = handler ? room.on('*', handler) : () => undefined;
    const release = room.subscribe();
    return () => {
      off();
      release();
    };
  }

  /** Sends a message without waiting for an answer; queued while offline unless it is ephemeral. */
  send(message: OutgoingMessage): void {
    this.#write({ message: message as ClientMessage, id: null });
  }

  /**
   * Sends a message with a fresh id and resolves with the server's `ack`; rejects with a
   * `TandemError` on `error`, on timeout, or with `unavailable` when the link dropped before the
   * answer (the message may or may not have been applied). Queued while offline.
   */
  request(message: OutgoingMessage): Promise<Ack> {
    const id = this.#pending.nextId();
    const full = { ...message, id } as ClientMessage & { id: string };
    const promise = this.#pending.track(full);
    this.#write({ message: full, id });
    return promise;
  }

  /**
   * Announces what the user does in a room (and optionally which cell). Kept by the client and
   * re-announced after every reconnect, never queued stale; sent once the room is subscribed.
   */
  setPresence(room: string, action: PresenceAction, status?: PresenceStatus, cell?: { readonly record_id: string; readonly field_id?: string }): void {
    const message: Omit<PresenceMessage, 'id'> = { type: 'presence', room, action, ...(status ? { status } : {}), ...(cell ?? {}) };
    this.#presence.set(room, message);
    if (this.room(room).held) this.#sendNow(message as ClientMessage);
  }

  /**
   * Sets the user's status (`online`, `away`, `busy`, `offline`) in every room they are present in,
   * over REST (`POST /realtime/presence`), so it works on any transport.
   */
  async setStatus(status: PresenceStatus): Promise<void> {
    await this.api.post('/realtime/presence', { status });
  }

  /** Moves the user's cursor in a room (ephemeral; dropped while offline). */
  moveCursor(room: string, position: unknown): void {
    this.send({ type: 'user_cursor', room, position: position as never });
  }

  /** Tells a room the user is typing (ephemeral). */
  typing(room: string): void {
    this.send({ type: 'typing', room });
  }

  /** Shares a live preview of a value being typed in a cell (ephemeral, not stored). */
  cellEdit(recordId: string, fieldId: string, value: unknown): void {
    this.send({ type: 'cell_edit', record_id: recordId, field_id: fieldId, value: value as never });
  }

  /**
   * Locks a cell (or the whole row without `fieldId`). Resolves when the server granted the
   * lease; rejects with `TandemError` code `locked` (details name the holder) when someone else
   * has it. A held lock is re-taken automatically after a reconnect.
   */
  async lockCell(recordId: string, fieldId?: string, options: { readonly force?: boolean } = {}): Promise<Ack> {
    const target: LockTarget = { record_id: recordId, ...(fieldId ? { field_id: fieldId } : {}) };
    const ack = await this.request({ type: 'cell_lock', ...target, ...(options.force ? { force: true } : {}) });
    this.#heldLocks.set(lockKey(recordId, fieldId), target);
    this.#locksChanged();
    return ack;
  }

  /** Releases a lock taken with {@link lockCell}. */
  async unlockCell(recordId: string, fieldId?: string): Promise<Ack> {
    if (this.#heldLocks.delete(lockKey(recordId, fieldId))) this.#locksChanged();
    return this.request({ type: 'cell_unlock', record_id: recordId, ...(fieldId ? { field_id: fieldId } : {}) });
  }

  /** Whether this client holds the lock on a cell (or row). */
  holdsLock(recordId: string, fieldId?: string): boolean {
    return this.#heldLocks.has(lockKey(recordId, fieldId));
  }

  /** The current lock on a cell (or its row) as announced to any subscribed table room. */
  lockOf(recordId: string, fieldId?: string): LockInfo | undefined {
    for (const room of this.#rooms.values()) {
      const lock = room.held ? room.locks.get(recordId, fieldId) : undefined;
      if (lock) return lock;
    }
    return undefined;
  }

  /** Listens to lock changes in any room and to this client's own held locks. */
  onLocksChange(listener: () => void): () => void {
    this.#lockListeners.add(listener);
    return () => this.#lockListeners.delete(listener);
  }

  #createTransport(): Transport {
    const choice = this.options.transport ?? 'auto';
    const factory = this.options.WebSocket ?? environmentWebSocket();
    const sse = () =>
      new SseTransport({
        api: this.api,
        fetch: this.options.fetch,
        credentials: this.options.credentials,
        rooms: () => [...this.#rooms.values()].filter((room) => room.held && room.state !== 'error').map((room) => ({ room: room.name, since: room.lastSeq })),
      });
    if (choice === 'sse') return sse();
    if (!factory) {
      if (choice === 'websocket') throw new Error('No WebSocket in this environment; pass options.WebSocket (in Node: the ws package).');
      return sse();
    }
    const connectToken = this.options.getConnectToken ?? (() => this.#defaultConnectToken());
    const webSocket = new WebSocketTransport({ baseUrl: this.options.url, factory, connectToken });
    return choice === 'websocket' ? webSocket : new FallbackTransport(webSocket, sse());
  }

  async #defaultConnectToken(): Promise<string | null> {
    const answer = await this.api.post<{ token?: string }>('/realtime/token');
    return answer?.token ?? null;
  }

  #onConnected(link: TransportLink, welcome: Welcome | null): void {
    this.#welcome = welcome;
    if (welcome) this.#user = welcome.user;
    this.#repairing.clear();
    // Order on the wire matters: rooms first, then presence in them, then locks, then the queue.
    for (const room of this.#rooms.values()) if (room.held) this.#subscribeOnServer(room);
    for (const [name, message] of this.#presence) if (this.#rooms.get(name)?.held) this.#sendNow(message as ClientMessage);
    for (const [key, target] of this.#heldLocks) {
      this.request({ type: 'cell_lock', ...target }).catch((error: unknown) => {
        // Someone else took the cell while we were away: the lock is lost, not ours to retry.
        if (this.#heldLocks.delete(key)) this.#locksChanged();
        this.#reportError(error);
      });
    }
    const queued = this.#queue.splice(0);
    for (const item of queued) this.#transmit(link, item);
  }

  #onDisconnected(_disconnect: Disconnect): void {
    this.#pending.rejectSent(new TandemError('unavailable', 'The connection dropped before the server answered.'));
    for (const room of this.#rooms.values()) {
      if (room.state !== 'unsubscribed') room.markUnsubscribed();
      // Lock announcements missed while away cannot be replayed; stale locks would block editing.
      if (room.locks.all.size > 0) {
        room.locks.reset([]);
        this.#locksChanged();
      }
    }
  }

  #onMessage(message: ServerMessage): void {
    if (isDurableEvent(message)) {
      const room = this.#rooms.get(message.room);
      if (!room?.held) return;
      if (room.deliverDurable(message) === 'gap') this.#repair(room);
      return;
    }
    switch (message.type) {
      case 'ack':
        this.#pending.resolve(message);
        return;
      case 'error': {
        const error = TandemError.from(message.code, message.message, message.details);
        if (message.id === undefined || !this.#pending.reject(String(message.id), error)) this.#reportError(error);
        return;
      }
      case 'pong':
      case 'welcome':
        return;
      default:
        this.#onSignal(message as RoomSignal);
    }
  }

  #onSignal(signal: RoomSignal): void {
    const room = this.#rooms.get(signal.room);
    if (signal.type === 'cell_unlock' && this.#heldLocks.delete(lockKey(signal.record_id, signal.field_id))) this.#locksChanged();
    if (!room) return;
    room.deliverSignal(signal);
    if (signal.type === 'cell_lock' || signal.type === 'cell_unlock') this.#locksChanged();
  }

  #join(room: Room): void {
    if (this.#connection.link) this.#subscribeOnServer(room);
  }

  #leave(room: Room): void {
    this.#presence.delete(room.name);
    room.markUnsubscribed();
    if (this.#connection.link) this.request({ type: 'unsubscribe', room: room.name }).catch(() => undefined);
  }

  #subscribeOnServer(room: Room): void {
    room.markSubscribing();
    const since = room.lastSeq;
    this.request({ type: 'subscribe', room: room.name, ...(since !== null ? { since } : {}) }).then(
      (ack) => {
        if (room.held) room.markSubscribed(typeof ack.seq === 'number' ? ack.seq : null);
      },
      (error: unknown) => {
        if (error instanceof TandemError && error.code !== 'unavailable') room.markFailed(error);
      },
    );
  }

  /**
   * Resumes a room from its last seq after a gap: subscribing again replaces the server-side
   * subscription (presence stays) and replays what is missing.
   */
  #repair(room: Room): void {
    if (this.#repairing.has(room.name) || !this.#connection.link) return;
    this.#repairing.add(room.name);
    room.markSubscribing();
    const since = room.lastSeq;
    this.request({ type: 'subscribe', room: room.name, ...(since !== null ? { since } : {}) }).then(
      (ack) => {
        this.#repairing.delete(room.name);
        if (room.held) room.markSubscribed(typeof ack.seq === 'number' ? ack.seq : null);
      },
      () => this.#repairing.delete(room.name),
    );
  }

  /** Sends now if connected, otherwise drops: for state the client re-announces on connect. */
  #sendNow(message: ClientMessage): void {
    const link = this.#connection.link;
    if (link?.canSend(message.type)) link.send(message);
  }

  #write(item: Queued): void {
    const link = this.#connection.link;
    if (link) {
      this.#transmit(link, item);
      return;
    }
    if (EPHEMERAL.has(item.message.type)) {
      if (item.id) this.#pending.reject(item.id, new TandemError('unavailable', 'Not connected.'));
      return;
    }
    this.#queue.push(item);
    while (this.#queue.length > this.#queueLimit) {
      const dropped = this.#queue.shift();
      if (dropped?.id) this.#pending.reject(dropped.id, new TandemError('unavailable', 'The offline queue is full; the oldest message was dropped.'));
    }
  }

  #transmit(link: TransportLink, item: Queued): void {
    if (!link.canSend(item.message.type)) {
      const error = new TandemError('unavailable', `${item.message.type} needs the WebSocket transport.`);
      if (item.id) this.#pending.reject(item.id, error);
      return;
    }
    link.send(item.message);
    if (item.id) this.#pending.sent(item.id);
  }

  #reportError(error: unknown): void {
    const tandemError = error instanceof TandemError ? error : new TandemError('internal', String(error));
    for (const listener of [...this.#errorListeners]) listener(tandemError);
  }

  #locksChanged(): void {
    for (const listener of [...this.#lockListeners]) listener();
  }
}
