import { type ClientMessageType, clientMessageSchema, type ErrorCode, PROTOCOL_VERSION, parseRoom, type RoomKind, type ServerSignal } from '@tandem/protocol';
import type { AuthInfo } from '../auth/auth-service.ts';
import type { BusMessage, ControlMessage } from '../backends/bus.ts';
import type { PresenceStore } from '../backends/presence-store.ts';
import type { AppContext } from '../context.ts';
import { AppError, errors } from '../errors/app-error.ts';
import type { AckPayload, Caller, GatewayApi, MessageHandler, RoomCheck, RoomStateProvider } from '../gateway-api.ts';
import type { Access } from '../workspaces/access.ts';
import type { Connection, Transport } from './connection.ts';
import { Connection as ConnectionImpl } from './connection.ts';
import { type ConnectionContext, connectionContext } from './connection-context.ts';
import { Frame } from './frame.ts';
import { HandlerRegistry } from './handler-registry.ts';
import { PresenceService } from './presence-service.ts';
import { NO_COUNTERS, type RealtimeCounters } from './realtime-metrics.ts';
import { RoomChannel } from './room-channel.ts';
import { registerRoomHandlers } from './room-handlers.ts';
import { RoomStateSender } from './room-state.ts';
import { SignalPublisher } from './signal-publisher.ts';
import { SignalRelay } from './signal-relay.ts';
import { Subscription } from './subscription.ts';

export type { RoomCheck } from '../gateway-api.ts';

/** What the gateway needs from the rest of the server. */
export interface GatewayDeps {
  readonly ctx: AppContext;
  readonly access: Access;
  readonly presence: PresenceStore;
  /** This process's id in the cluster (part of every connection key). */
  readonly nodeId: string;
  /** Metrics hooks (default: none). */
  readonly counters?: RealtimeCounters;
}

/** What `subscribe` reports back (the fields of its `ack`). */
export interface SubscribeResult {
  readonly room: string;
  /** The last seq the client now has: replayed up to here, or the live starting point. */
  readonly seq: number;
  /** Events replayed (from the room's recent events in memory, or from the log). */
  readonly replayed: number;
  /** True when `since` was older than the retained history and a `resync` was sent. */
  readonly resync: boolean;
}

const REPLAY_PAGE = 1000;

/**
 * The transport-independent realtime core: connections, rooms, durable-event fan-out with exact
 * resume, presence and cursors. The WebSocket server and the SSE route are thin shells that feed
 * it frames and give it a {@link Transport} to write to. It knows rooms and connections, never
 * records: domains register handlers for their client messages ({@link GatewayApi}) and reach
 * clients only through the event log, the bus and {@link GatewayApi.signals}.
 */
export class Gateway implements GatewayApi {
  readonly #connections = new Map<string, Connection>();
  readonly #byUser = new Map<string, Set<Connection>>();
  readonly #channels = new Map<string, RoomChannel>();
  /** Subscribes in progress per room, so a room is not dropped while one is joining. */
  readonly #joining = new Map<string, number>();
  readonly #inbox = new WeakMap<Connection, Promise<void>>();
  readonly #roomChecks = new Map<string, RoomCheck>();
  readonly #roomStates = new Map<RoomKind, RoomStateProvider>();
  readonly #handlers = new HandlerRegistry<ConnectionContext>();
  readonly #closedListeners: ((caller: Caller) => Promise<void> | void)[] = [];
  readonly #keepAliveTasks: ((callers: Iterable<Caller>) => Promise<void>)[] = [];
  #keepAliveWithinMs: number;
  readonly #roomState: RoomStateSender;
  readonly #unsubscribeBus: (() => void)[] = [];
  #tick: NodeJS.Timeout | null = null;
  readonly #ctx: AppContext;
  readonly #access: Access;
  readonly signals: SignalPublisher;
  readonly presence: PresenceService;
  readonly #relay: SignalRelay;
  readonly nodeId: string;
  readonly counters: RealtimeCounters;
  #closing = false;

  constructor(deps: GatewayDeps) {
    const { ctx, access } = deps;
    this.#ctx = ctx;
    this.#access = access;
    this.nodeId = deps.nodeId;
    this.counters = deps.counters ?? NO_COUNTERS;
    this.signals = new SignalPublisher(ctx.bus);
    const { heartbeatMs, presenceGraceMs } = ctx.config;
    this.presence = new PresenceService(deps.presence, this.signals, { ttlMs: 2 * heartbeatMs, graceMs: presenceGraceMs });
    this.#relay = new SignalRelay(this.signals);
    this.#roomState = new RoomStateSender(this.presence, this.#roomStates, (err, room) => ctx.log.warn({ err, room }, 'realtime: sending room state failed'));
    registerRoomHandlers(this.#handlers, this);
    this.#unsubscribeBus.push(ctx.bus.onMessage((m) => this.#onBus(m)));
    this.#unsubscribeBus.push(ctx.bus.onReconnect(() => this.#catchUpAll()));
    // Presence entries must be refreshed well inside their TTL (two heartbeats).
    this.#keepAliveWithinMs = Math.floor(heartbeatMs / 2);
    this.#startTick();
  }

  /**
   * Makes `handler` answer client messages of `type` (WebSocket frames; every transport that
   * carries client messages dispatches through the same registry). Registering a type again
   * replaces its handler: the gateway's default `typing` relay is meant to be replaced by the
   * domain that owns typing.
   */
  registerHandler<T extends ClientMessageType>(type: T, handler: MessageHandler<T>): void {
    this.#handlers.register(type, handler);
  }

  /**
   * Lets a domain authorise rooms of its own kind (e.g. `registerRoomCheck('chat', …)`):
   * `subscribe`, the SSE stream and `GET /presence` ask it whether a user may read `<kind>:<id>`;
   * a kind without a check (and unknown to `Access`) is refused. Registering a kind again replaces its check.
   */
  registerRoomCheck(kind: string, check: RoomCheck): void {
    this.#roomChecks.set(kind, check);
  }

  /** Adds a state signal new subscribers of rooms of `kind` get after `presence_state` (registering a kind again replaces it). */
  registerRoomState(kind: RoomKind, provider: RoomStateProvider): void {
    this.#roomStates.set(kind, provider);
  }

  /** Runs `listener` for every connection that closes, after it left its rooms and before its presence grace period. */
  onConnectionClosed(listener: (caller: Caller) => Promise<void> | void): void {
    this.#closedListeners.push(listener);
  }

  /** Runs `task` on every keep-alive tick with this node's open connections; ticks come at least every `withinMs`. */
  onKeepAlive(task: (callers: Iterable<Caller>) => Promise<void>, withinMs: number): void {
    this.#keepAliveTasks.push(task);
    if (withinMs < this.#keepAliveWithinMs) {
      this.#keepAliveWithinMs = withinMs;
      this.#startTick();
    }
  }

  #startTick(): void {
    if (this.#tick) clearInterval(this.#tick);
    if (this.#closing) return;
    this.#tick = setInterval(() => void this.#keepAlive(), Math.max(50, this.#keepAliveWithinMs));
    this.#tick.unref();
  }

  /** Open connections of a user on this node. */
  connectionCount(userId: string): number {
    return this.#byUser.get(userId)?.size ?? 0;
  }

  /** Total open connections on this node. */
  get size(): number {
    return this.#connections.size;
  }

  /** Rooms with at least one local subscriber (not counting rooms lingering after their last one left). */
  get roomCount(): number {
    let count = 0;
    for (const channel of this.#channels.values()) if (channel.subscribers.size > 0) count++;
    return count;
  }

  /** All open connections on this node. */
  connections(): IterableIterator<Connection> {
    return this.#connections.values();
  }

  /** Registers a new authenticated connection and marks its user online. */
  open(auth: AuthInfo, transport: Transport): Connection {
    const conn = new ConnectionImpl(auth, transport, this.nodeId);
    this.#connections.set(conn.id, conn);
    const mine = this.#byUser.get(auth.user.id) ?? new Set();
    mine.add(conn);
    this.#byUser.set(auth.user.id, mine);
    void this.presence.connected(conn).catch((err) => this.#ctx.log.warn({ err }, 'presence: marking online failed'));
    return conn;
  }

  /** The first frame of a WebSocket connection. */
  welcome(conn: Connection): void {
    const { user } = conn.auth;
    conn.send({
      type: 'welcome',
      protocol: PROTOCOL_VERSION,
      connection_id: conn.id,
      user: { id: user.id, name: user.name },
      heartbeat_ms: this.#ctx.config.heartbeatMs,
    });
  }

  /** The transport closed: leave every room, release locks, start the presence grace period. */
  async closed(conn: Connection): Promise<void> {
    if (conn.closed) return;
    conn.closed = true;
    this.#connections.delete(conn.id);
    const mine = this.#byUser.get(conn.userId);
    mine?.delete(conn);
    if (mine?.size === 0) this.#byUser.delete(conn.userId);
    for (const sub of conn.subscriptions.values()) this.#detach(sub);
    conn.subscriptions.clear();
    this.#relay.forget(conn);
    for (const listener of this.#closedListeners) {
      try {
        await listener(conn);
      } catch (err) {
        this.#ctx.log.warn({ err }, 'realtime: cleaning up a closed connection failed');
      }
    }
    try {
      await this.presence.disconnected(conn);
    } catch (err) {
      this.#ctx.log.warn({ err }, 'realtime: cleaning up a closed connection failed');
    }
  }

  /**
   * Handles one text frame from a client. Frames of one connection are handled one after the
   * other, in arrival order; an invalid frame is answered with `error` and changes nothing.
   */
  receive(conn: Connection, text: string): void {
    this.counters.frameReceived();
    const previous = this.#inbox.get(conn) ?? Promise.resolve();
    // Forgotten once handled, so an idle connection keeps no settled promise.
    const next = previous
      .then(() => this.#handleFrame(conn, text))
      .then(() => {
        if (this.#inbox.get(conn) === next) this.#inbox.delete(conn);
      });
    this.#inbox.set(conn, next);
  }

  async #handleFrame(conn: Connection, text: string): Promise<void> {
    if (conn.closed) return;
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      conn.send({ type: 'error', code: 'invalid_input', message: 'A frame must be one JSON object.' });
      return;
    }
    const parsed = clientMessageSchema.safeParse(raw);
    if (!parsed.success) {
      const maybeId = typeof raw === 'object' && raw !== null ? (raw as { id?: unknown }).id : undefined;
      const id = typeof maybeId === 'string' || typeof maybeId === 'number' ? maybeId : undefined;
      conn.send({
        type: 'error',
        ...(id !== undefined ? { id } : {}),
        code: 'invalid_input',
        message: 'The message is not valid.',
        details: { issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) },
      });
      return;
    }
    const message = parsed.data;
    try {
      const extra: AckPayload = await this.#handlers.dispatch(message, connectionContext(conn, this.#relay));
      if (message.id !== undefined && extra !== null) conn.send({ type: 'ack', id: message.id, ...extra });
    } catch (err) {
      const appError = err instanceof AppError ? err : null;
      if (!appError) this.#ctx.log.error({ err, type: message.type }, 'realtime: handling a message failed');
      const code: ErrorCode = appError?.code ?? 'internal';
      conn.send({
        type: 'error',
        ...(message.id !== undefined ? { id: message.id } : {}),
        code,
        message: appError?.message ?? 'Something went wrong.',
        ...(appError?.details ? { details: appError.details } : {}),
      });
    }
  }

  /** Whether the user may read the room (same rule as reading its data over REST). */
  canRead(userId: string, room: string): Promise<boolean> {
    return this.#access.canReadRoom(userId, room, (uid, kind, id) => this.#roomChecks.get(kind)?.(uid, kind, id) ?? Promise.resolve(false));
  }

  /**
   * Joins a room. With `since`: replays the events after it, then goes live with no gap and no
   * duplicate (live events that arrive during the replay are buffered). Recent events come from
   * the room's memory with the frames live subscribers got; only older ones are read from the
   * log. Without `since`: live from the room's current seq, which the result reports. A `since`
   * older than the retained history, or ahead of the room, sends `resync` and continues live from
   * the current seq.
   */
  async subscribe(conn: Connection, room: string, since?: number): Promise<SubscribeResult> {
    if (!parseRoom(room)) throw errors.invalid(`Unknown room ${room}.`, { room });
    if (!(await this.canRead(conn.userId, room))) throw new AppError('forbidden', `You cannot join ${room}.`, { room });
    if (conn.closed) throw errors.invalid('The connection is closed.');
    const existing = conn.subscriptions.get(room);
    if (existing) this.#detach(existing);

    this.#joining.set(room, (this.#joining.get(room) ?? 0) + 1);
    let sub: Subscription | null = null;
    const channel = this.#channel(room);
    try {
      await channel.ready;
      if (!channel.closed) {
        // The room's own name, not the one parsed from this frame: one string per room, not per subscriber.
        sub = new Subscription(conn, channel.room, since ?? channel.cursor);
        channel.subscribers.add(sub);
      }
    } finally {
      this.#joining.set(room, (this.#joining.get(room) ?? 1) - 1);
      if (this.#joining.get(room) === 0) this.#joining.delete(room);
      // A room that could not start (its head unreadable) is dropped, so the next join tries again.
      if (!sub) this.#forget(channel);
    }
    // Only a gateway shutting down closes a room that someone is joining.
    if (!sub) throw errors.invalid('The server is shutting down.');
    conn.subscriptions.set(sub.room, sub);
    if (conn.closed) {
      this.#detach(sub);
      throw errors.invalid('The connection is closed.');
    }
    const startedAt = channel.cursor;
    let replayed = 0;
    let resync = false;
    try {
      if (since !== undefined) {
        // Decided from memory when the room holds every event after `since`: no database read.
        const recent = channel.recentAfter(since);
        if (recent) {
          for (const { event, frame } of recent) sub.replay(event, frame);
          replayed = recent.length;
        } else if (await this.#historyMissing(room, since)) {
          resync = true;
          sub.lastSeq = startedAt;
          conn.send({ type: 'resync', room, seq: startedAt });
        } else {
          replayed = await this.#replayFromLog(channel, sub);
        }
      }
    } catch (err) {
      this.#detach(sub);
      throw err;
    }
    sub.goLive();
    this.#roomState.send(conn, room);
    return { room, seq: sub.lastSeq, replayed, resync };
  }

  /**
   * Replays the events after `sub.lastSeq` that the room no longer (or not yet) holds from the
   * log, page by page, and the rest from the room's memory as soon as it reaches them.
   */
  async #replayFromLog(channel: RoomChannel, sub: Subscription): Promise<number> {
    let replayed = 0;
    for (;;) {
      const recent = channel.recentAfter(sub.lastSeq);
      if (recent) {
        for (const { event, frame } of recent) sub.replay(event, frame);
        return replayed + recent.length;
      }
      // Read only up to where the room's memory starts; the room may move on meanwhile, the loop then reads on.
      const from = channel.recentFrom;
      const limit = from !== null && from > sub.lastSeq ? Math.min(REPLAY_PAGE, from - sub.lastSeq) : REPLAY_PAGE;
      const page = await this.#ctx.events.readAfter(this.#ctx.db, sub.room, sub.lastSeq, limit);
      if (!sub.active) return replayed;
      for (const event of page) sub.replay(event);
      replayed += page.length;
      // A short page reached the end of the log, which is at or past where this subscriber went live.
      if (page.length < limit) return replayed;
    }
  }

  /** Whether events after `since` are no longer (all) retained, or `since` is ahead of the room. */
  async #historyMissing(room: string, since: number): Promise<boolean> {
    const { events, db, config } = this.#ctx;
    const head = await events.head(db, room);
    if (since > head) return true;
    if (since === head) return false;
    if (since < head - config.eventHistoryCount) return true;
    const oldest = await events.oldest(db, room);
    return oldest === null || oldest > since + 1;
  }

  /** Leaves a room (and its presence). */
  async unsubscribe(conn: Connection, room: string): Promise<void> {
    const sub = conn.subscriptions.get(room);
    if (sub) this.#detach(sub);
    await this.presence.leave(conn, room);
  }

  /** The room's channel, created on first use; a lingering one is kept again. */
  #channel(room: string): RoomChannel {
    let channel = this.#channels.get(room);
    if (channel) {
      channel.keep();
      return channel;
    }
    const { events, db, log, config } = this.#ctx;
    channel = new RoomChannel(
      room,
      { readAfter: (r, since, limit) => events.readAfter(db, r, since, limit), head: (r) => events.head(db, r) },
      (err) => log.warn({ err, room }, 'realtime: reading the event log failed'),
      // Never more than the log retains: a client away for longer gets `resync` either way.
      { events: Math.min(config.replayBufferEvents, config.eventHistoryCount) },
      this.counters,
    );
    this.#channels.set(room, channel);
    // A room whose head cannot be read is of no use to anyone: the next subscriber starts afresh.
    channel.ready.catch(() => this.#forget(channel));
    return channel;
  }

  #detach(sub: Subscription): void {
    sub.active = false;
    if (sub.connection.subscriptions.get(sub.room) === sub) sub.connection.subscriptions.delete(sub.room);
    const channel = this.#channels.get(sub.room);
    if (!channel) return;
    channel.subscribers.delete(sub);
    this.#releaseIfEmpty(channel);
  }

  /**
   * A room nobody on this node subscribes to (or is joining) lingers for ROOM_LINGER_MS with its
   * recent events, then goes: after a dropped connection or a node's clients all reconnecting at
   * once, they resume from memory instead of each reading the log.
   */
  #releaseIfEmpty(channel: RoomChannel): void {
    if (channel.subscribers.size > 0 || this.#joining.has(channel.room)) return;
    const lingerMs = this.#ctx.config.roomLingerMs;
    if (lingerMs <= 0 || this.#closing) {
      this.#forget(channel);
      return;
    }
    channel.linger(lingerMs, () => {
      if (channel.subscribers.size === 0 && !this.#joining.has(channel.room)) this.#forget(channel);
    });
  }

  /** Closes a room and drops it from the map (if it is still the room's channel). */
  #forget(channel: RoomChannel): void {
    if (channel.subscribers.size > 0 || this.#joining.has(channel.room)) return;
    channel.close();
    if (this.#channels.get(channel.room) === channel) this.#channels.delete(channel.room);
  }

  #onBus(message: BusMessage): void {
    if (message.kind === 'event') {
      this.#channels.get(message.event.room)?.push(message.event);
    } else if (message.kind === 'signal') {
      const channel = this.#channels.get(message.room);
      if (!channel || channel.subscribers.size === 0) return;
      const frame = Frame.of(message.signal);
      for (const sub of channel.subscribers) {
        if (sub.active && sub.connection.id !== message.except) sub.connection.transport.sendSignal(frame, message.signal.type);
      }
    } else {
      void this.#onControl(message.control).catch((err) => this.#ctx.log.warn({ err }, 'realtime: control message failed'));
    }
  }

  async #onControl(control: ControlMessage): Promise<void> {
    if (control.type === 'workflows_changed') return;
    const mine = [...(this.#byUser.get(control.user_id) ?? [])];
    if (control.type === 'user_logged_out') {
      for (const conn of mine) {
        if (control.session_id === null || (conn.auth.via === 'session' && conn.auth.credentialId === control.session_id)) {
          conn.transport.close(4401, 'logged out');
        }
      }
      return;
    }
    for (const conn of mine) {
      for (const room of [...conn.subscriptions.keys()]) {
        if (await this.canRead(conn.userId, room)) continue;
        const sub = conn.subscriptions.get(room);
        if (sub) this.#detach(sub);
        await this.presence.leave(conn, room);
        conn.send({ type: 'unsubscribed', room, reason: 'forbidden' });
      }
    }
  }

  #catchUpAll(): void {
    for (const channel of this.#channels.values()) channel.catchUp();
  }

  async #keepAlive(): Promise<void> {
    if (this.#closing) return;
    try {
      await this.presence.refresh(this.#connections.values());
      await this.presence.sweep();
    } catch (err) {
      this.#ctx.log.warn({ err }, 'realtime: presence keep-alive failed');
    }
    for (const task of this.#keepAliveTasks) {
      try {
        await task(this.#connections.values());
      } catch (err) {
        this.#ctx.log.warn({ err }, 'realtime: keep-alive task failed');
      }
    }
  }

  /** Sends a signal to every local subscriber of a room (used by tests and the system room). */
  broadcastLocal(room: string, signal: ServerSignal): void {
    this.#onBus({ kind: 'signal', room, signal });
  }

  /** Graceful shutdown: every client is told to reconnect elsewhere (4000), timers stop. */
  async close(): Promise<void> {
    this.#closing = true;
    if (this.#tick) clearInterval(this.#tick);
    for (const off of this.#unsubscribeBus) off();
    for (const conn of [...this.#connections.values()]) conn.transport.close(4000, 'server shutting down');
    for (const channel of this.#channels.values()) channel.close();
    this.#channels.clear();
    this.presence.close();
  }
}
