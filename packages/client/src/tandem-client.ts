import type { Actor, ClientMessage, LockInfo, PresenceAction, PresenceStatus, ServerMessage } from '@tandem/protocol';
import type { BackoffOptions } from './backoff.ts';
import { ChatApi } from './chat/chat-api.ts';
import { Connection, type Disconnect } from './connection.ts';
import type { ConnectionStatus } from './connection-status.ts';
import { createTransport, type TransportChoice } from './create-transport.ts';
import { DocumentSession } from './documents/document-session.ts';
import { HeldLocks, type LockTarget } from './held-locks.ts';
import { environmentNetwork, type NetworkMonitor } from './network-monitor.ts';
import { OUTGOING_QUEUE_LIMIT, type OutgoingMessage, OutgoingQueue } from './outgoing-queue.ts';
import { type Ack, PendingRequests, REQUEST_TIMEOUT_MS } from './pending-requests.ts';
import { type CookiePolicy, type FetchLike, RestClient, type TokenSource } from './rest-client.ts';
import type { Room } from './room.ts';
import { isDurableEvent, type RoomEvent, type RoomSignal } from './room-events.ts';
import { type PresenceAnnouncement, RoomSubscriptions } from './room-subscriptions.ts';
import { TandemError } from './tandem-error.ts';
import type { Transport, TransportLink, Welcome } from './transport.ts';
import type { WebSocketFactory } from './websocket-transport.ts';

export type { TransportChoice } from './create-transport.ts';
export { OUTGOING_QUEUE_LIMIT, type OutgoingMessage } from './outgoing-queue.ts';

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

/**
 * The Tandem client: one connection (WebSocket, or SSE as a fallback) shared by every room.
 *
 * It reconnects by itself with backoff, resubscribes every held room from its last `seq` so no
 * durable event is missed or repeated, re-announces presence and re-takes its cell locks after a
 * reconnect, and queues requests made while offline until the link is back. Rooms and their
 * subscriptions live in {@link RoomSubscriptions}, the offline queue in {@link OutgoingQueue}, held
 * locks in {@link HeldLocks}; this class wires them to the connection.
 */
export class TandemClient {
  /** REST helper for the API under `/api/v1` (errors become `TandemError`). */
  readonly api: RestClient;
  /** Chat rooms, messages, reactions, reads, typing, unread counts, search and file uploads. */
  readonly chat: ChatApi;
  readonly #connection: Connection;
  readonly #pending: PendingRequests;
  readonly #outgoing: OutgoingQueue;
  readonly #rooms: RoomSubscriptions;
  readonly #locks = new HeldLocks();
  readonly #statusListeners = new Set<(status: ConnectionStatus) => void>();
  readonly #errorListeners = new Set<(error: TandemError) => void>();
  #user: Actor | null = null;
  #welcome: Welcome | null = null;
  readonly #transport: Transport;

  constructor(options: TandemClientOptions) {
    this.api = new RestClient({ baseUrl: options.url, token: options.token, fetch: options.fetch, credentials: options.credentials });
    this.#pending = new PendingRequests(options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS);
    this.#outgoing = new OutgoingQueue(this.#pending, options.queueLimit ?? OUTGOING_QUEUE_LIMIT);
    this.#rooms = new RoomSubscriptions({
      connected: () => this.#connection.link !== null,
      request: (message) => this.request(message),
      sendNow: (message) => this.#sendNow(message),
    });
    const transport = createTransport({
      choice: options.transport ?? 'auto',
      url: options.url,
      api: this.api,
      WebSocket: options.WebSocket,
      fetch: options.fetch,
      credentials: options.credentials,
      connectToken: options.getConnectToken ?? (() => this.#defaultConnectToken()),
      heldRooms: () => this.#rooms.held(),
    });
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
    this.chat = new ChatApi(this);
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
    return this.#outgoing.length;
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
    this.chat.outbox.dispose();
    this.#outgoing.clear();
    this.#pending.rejectAll(new TandemError('unavailable', 'The client was closed.'));
  }

  /** The room with this name (created on first use; subscribe with `room.subscribe()`). */
  room(name: string): Room {
    return this.#rooms.room(name);
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
    this.#outgoing.write(this.#connection.link, message as ClientMessage, null);
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
    this.#outgoing.write(this.#connection.link, full, id);
    return promise;
  }

  /**
   * Announces what the user does in a room (and optionally which cell). Kept by the client and
   * re-announced after every reconnect, never queued stale; sent once the room is subscribed.
   */
  setPresence(room: string, action: PresenceAction, status?: PresenceStatus, cell?: { readonly record_id: string; readonly field_id?: string }): void {
    const message: PresenceAnnouncement = { type: 'presence', room, action, ...(status ? { status } : {}), ...(cell ?? {}) };
    this.#rooms.setPresence(message);
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

  /**
   * A collaborative document on this connection: its `Y.Doc` and `Awareness`. Call `start()` to
   * join and sync (it returns the function that leaves); edits made offline sync on reconnect.
   */
  doc(id: string): DocumentSession {
    return new DocumentSession(this, id);
  }

  /** Tells a room the user is typing (ephemeral), in a chat thread when `threadId` is given. */
  typing(room: string, threadId?: string): void {
    this.send({ type: 'typing', room, ...(threadId ? { thread_id: threadId } : {}) });
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
    this.#locks.add(target);
    return ack;
  }

  /** Releases a lock taken with {@link lockCell}. */
  async unlockCell(recordId: string, fieldId?: string): Promise<Ack> {
    this.#locks.delete(recordId, fieldId);
    return this.request({ type: 'cell_unlock', record_id: recordId, ...(fieldId ? { field_id: fieldId } : {}) });
  }

  /** Whether this client holds the lock on a cell (or row). */
  holdsLock(recordId: string, fieldId?: string): boolean {
    return this.#locks.has(recordId, fieldId);
  }

  /** The current lock on a cell (or its row) as announced to any subscribed table room. */
  lockOf(recordId: string, fieldId?: string): LockInfo | undefined {
    for (const room of this.#rooms.held()) {
      const lock = room.locks.get(recordId, fieldId);
      if (lock) return lock;
    }
    return undefined;
  }

  /** Listens to lock changes in any room and to this client's own held locks. */
  onLocksChange(listener: () => void): () => void {
    return this.#locks.onChange(listener);
  }

  async #defaultConnectToken(): Promise<string | null> {
    const answer = await this.api.post<{ token?: string }>('/realtime/token');
    return answer?.token ?? null;
  }

  #onConnected(link: TransportLink, welcome: Welcome | null): void {
    this.#welcome = welcome;
    if (welcome) this.#user = welcome.user;
    // Order on the wire matters: rooms first, then presence in them, then locks, then the queue.
    this.#rooms.resubscribe();
    for (const [key, target] of [...this.#locks.entries()]) {
      this.request({ type: 'cell_lock', ...target }).catch((error: unknown) => {
        // Someone else took the cell while we were away: the lock is lost, not ours to retry.
        this.#locks.deleteKey(key);
        this.#reportError(error);
      });
    }
    this.#outgoing.flush(link);
  }

  #onDisconnected(_disconnect: Disconnect): void {
    this.#pending.rejectSent(new TandemError('unavailable', 'The connection dropped before the server answered.'));
    for (const room of this.#rooms.all()) {
      if (room.state !== 'unsubscribed') room.markUnsubscribed();
      // Lock announcements missed while away cannot be replayed; stale locks would block editing.
      if (room.locks.all.size > 0) {
        room.locks.reset([]);
        this.#locks.notify();
      }
    }
  }

  #onMessage(message: ServerMessage): void {
    if (isDurableEvent(message)) {
      this.#rooms.deliverDurable(message);
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
    const room = this.#rooms.find(signal.room);
    if (signal.type === 'cell_unlock') this.#locks.delete(signal.record_id, signal.field_id);
    if (!room) return;
    room.deliverSignal(signal);
    if (signal.type === 'cell_lock' || signal.type === 'cell_unlock') this.#locks.notify();
  }

  /** Sends now if connected, otherwise drops: for state the client re-announces on connect. */
  #sendNow(message: ClientMessage): void {
    const link = this.#connection.link;
    if (link?.canSend(message.type)) link.send(message);
  }

  #reportError(error: unknown): void {
    const tandemError = error instanceof TandemError ? error : new TandemError('internal', String(error));
    for (const listener of [...this.#errorListeners]) listener(tandemError);
  }
}
