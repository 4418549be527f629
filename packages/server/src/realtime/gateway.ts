import { CLOSE_CODES, type ClientMessageType, PROTOCOL_VERSION, parseRoom, type RoomKind, type ServerSignal } from '@tandem/protocol';
import type { AuthInfo } from '../auth/auth-service.ts';
import type { BusMessage } from '../backends/bus.ts';
import type { PresenceStore } from '../backends/presence-store.ts';
import type { AppContext } from '../context.ts';
import { AppError, errors } from '../errors/app-error.ts';
import type { Caller, GatewayApi, GatewayStats, MessageHandler, RoomCheck, RoomStateProvider } from '../gateway-api.ts';
import type { Access } from '../workspaces/access.ts';
import { busFanout } from './bus-fanout.ts';
import { ClientMessages } from './client-messages.ts';
import { Connection, type Transport } from './connection.ts';
import type { ConnectionContext } from './connection-context.ts';
import { ConnectionRegistry } from './connection-registry.ts';
import { Frame } from './frame.ts';
import { HandlerRegistry } from './handler-registry.ts';
import { KeepAlive } from './keep-alive.ts';
import { revokeAccess } from './membership-revocation.ts';
import { PresenceService } from './presence-service.ts';
import { NO_COUNTERS, type RealtimeCounters, type RealtimeStats } from './realtime-metrics.ts';
import { resume } from './resume.ts';
import { registerRoomHandlers, type SubscribeResult } from './room-handlers.ts';
import { RoomRegistry } from './room-registry.ts';
import { RoomStateSender } from './room-state.ts';
import { SignalPublisher } from './signal-publisher.ts';
import { SignalRelay } from './signal-relay.ts';

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

/**
 * The transport-independent realtime core: connections, rooms, durable-event fan-out with exact
 * resume, presence and cursors. The WebSocket server and the SSE route are thin shells that feed
 * it frames and give it a {@link Transport} to write to. It knows rooms and connections, never
 * records: domains register handlers for their client messages ({@link GatewayApi}) and reach
 * clients only through the event log, the bus and {@link GatewayApi.signals}.
 */
export class Gateway implements GatewayApi, RealtimeStats {
  readonly #connections = new ConnectionRegistry();
  readonly #rooms: RoomRegistry;
  readonly #handlers = new HandlerRegistry<ConnectionContext>();
  readonly #messages: ClientMessages;
  readonly #roomChecks = new Map<string, RoomCheck>();
  readonly #roomStates = new Map<RoomKind, RoomStateProvider>();
  readonly #roomState: RoomStateSender;
  readonly #closedListeners: ((caller: Caller) => Promise<void> | void)[] = [];
  readonly #keepAlive: KeepAlive;
  readonly #relay: SignalRelay;
  readonly #unsubscribeBus: (() => void)[] = [];
  readonly #ctx: AppContext;
  readonly #access: Access;
  readonly #onBus: (message: BusMessage) => void;
  /** Ephemeral signals to rooms on every node, through the bus. */
  readonly signals: SignalPublisher;
  readonly presence: PresenceService;
  readonly nodeId: string;
  readonly counters: RealtimeCounters;

  constructor(deps: GatewayDeps) {
    const { ctx, access } = deps;
    const { config, events, db, log } = ctx;
    this.#ctx = ctx;
    this.#access = access;
    this.nodeId = deps.nodeId;
    this.counters = deps.counters ?? NO_COUNTERS;
    this.signals = new SignalPublisher(ctx.bus);
    this.presence = new PresenceService(deps.presence, this.signals, { ttlMs: 2 * config.heartbeatMs, graceMs: config.presenceGraceMs });
    this.#relay = new SignalRelay(this.signals);
    this.#rooms = new RoomRegistry({
      source: { readAfter: (room, since, limit) => events.readAfter(db, room, since, limit), head: (room) => events.head(db, room) },
      log,
      // Never more than the log retains: a client away for longer gets `resync` either way.
      history: { events: Math.min(config.replayBufferEvents, config.eventHistoryCount) },
      lingerMs: config.roomLingerMs,
      counters: this.counters,
    });
    this.#messages = new ClientMessages(this.#handlers, this.#relay, log);
    this.#roomState = new RoomStateSender(this.presence, this.#roomStates, (err, room) => log.warn({ err, room }, 'realtime: sending room state failed'));
    registerRoomHandlers(this.#handlers, this);
    this.#onBus = busFanout(this.#rooms, (control) => {
      const deps = { connections: this.#connections, canRead: this.canRead.bind(this), leave: this.unsubscribe.bind(this) };
      void revokeAccess(control, deps).catch((err) => log.warn({ err }, 'realtime: control message failed'));
    });
    this.#unsubscribeBus.push(ctx.bus.onMessage(this.#onBus));
    this.#unsubscribeBus.push(ctx.bus.onReconnect(() => this.#rooms.catchUpAll()));
    this.#keepAlive = new KeepAlive(() => this.#connections.values(), log);
    // Presence entries live two heartbeats: refreshed at least every half heartbeat.
    this.#keepAlive.add(
      async () => {
        await this.presence.refresh(this.#connections.values());
        await this.presence.sweep();
      },
      Math.floor(config.heartbeatMs / 2),
    );
  }

  /**
   * Makes `handler` answer client messages of `type` (every transport that carries client
   * messages dispatches through the same registry). Registering a type again replaces its
   * handler: the gateway's default `typing` relay is meant to be replaced by the domain that owns typing.
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
    this.#keepAlive.add(task, withinMs);
  }

  /** Open connections of a user on this node. */
  connectionCount(userId: string): number {
    return this.#connections.countOf(userId);
  }

  /** Total open connections on this node. */
  get size(): number {
    return this.#connections.size;
  }

  /** Rooms with at least one local subscriber (not counting rooms lingering after their last one left). */
  get roomCount(): number {
    return this.#rooms.activeCount;
  }

  /** All open connections on this node. */
  connections(): IterableIterator<Connection> {
    return this.#connections.values();
  }

  /** Registers a new authenticated connection and marks its user online. */
  open(auth: AuthInfo, transport: Transport): Connection {
    const conn = new Connection(auth, transport, this.nodeId);
    this.#connections.add(conn);
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

  /** The transport closed: leave every room, run the close listeners (locks go), start the presence grace period. */
  async closed(conn: Connection): Promise<void> {
    if (conn.closed) return;
    conn.closed = true;
    this.#connections.remove(conn);
    for (const sub of conn.subscriptions.values()) this.#rooms.detach(sub);
    conn.subscriptions.clear();
    this.#relay.forget(conn);
    for (const cleanUp of [...this.#closedListeners, () => this.presence.disconnected(conn)]) {
      try {
        await cleanUp(conn);
      } catch (err) {
        this.#ctx.log.warn({ err }, 'realtime: cleaning up a closed connection failed');
      }
    }
  }

  /**
   * Handles one text frame from a client. Frames of one connection are handled one after the
   * other, in arrival order; an invalid frame is answered with `error` and changes nothing.
   */
  receive(conn: Connection, text: string): void {
    this.counters.frameReceived();
    this.#messages.receive(conn, text);
  }

  /** Whether the user may read the room (same rule as reading its data over REST). */
  canRead(userId: string, room: string): Promise<boolean> {
    return this.#access.canReadRoom(userId, room, (uid, kind, id) => this.#roomChecks.get(kind)?.(uid, kind, id) ?? Promise.resolve(false));
  }

  /**
   * Joins a room. With `since`: replays the events after it, then goes live with no gap and no
   * duplicate (see {@link resume}). Without `since`: live from the room's current seq, which the
   * result reports. Then the room's state (presence, and what domains registered) follows.
   */
  async subscribe(conn: Connection, room: string, since?: number): Promise<SubscribeResult> {
    if (!parseRoom(room)) throw errors.invalid(`Unknown room ${room}.`, { room });
    if (!(await this.canRead(conn.userId, room))) throw new AppError('forbidden', `You cannot join ${room}.`, { room });
    if (conn.closed) throw errors.invalid('The connection is closed.');
    const existing = conn.subscriptions.get(room);
    if (existing) this.#rooms.detach(existing);

    const joined = await this.#rooms.join(conn, room, since);
    // Only a gateway shutting down closes a room that someone is joining.
    if (!joined) throw errors.invalid('The server is shutting down.');
    const { sub, channel } = joined;
    if (conn.closed) {
      this.#rooms.detach(sub);
      throw errors.invalid('The connection is closed.');
    }
    let result = { replayed: 0, resync: false };
    if (since !== undefined) {
      const { events, db, config } = this.#ctx;
      try {
        result = await resume(channel, sub, since, {
          readAfter: (r, after, limit) => events.readAfter(db, r, after, limit),
          head: (r) => events.head(db, r),
          oldest: (r) => events.oldest(db, r),
          historyCount: config.eventHistoryCount,
        });
      } catch (err) {
        this.#rooms.detach(sub);
        throw err;
      }
    }
    sub.goLive();
    this.counters.resumed(result.replayed);
    this.#roomState.send(conn, room);
    return { room, seq: sub.lastSeq, ...result };
  }

  /** Leaves a room (and its presence). */
  async unsubscribe(conn: Connection, room: string): Promise<void> {
    const sub = conn.subscriptions.get(room);
    if (sub) this.#rooms.detach(sub);
    await this.presence.leave(conn, room);
  }

  /** Sends `signal` to the local subscribers of `room` that `to` accepts (this node only; nothing crosses the bus). */
  sendToLocalSubscribers(room: string, signal: ServerSignal, to: (caller: Caller) => boolean): void {
    const channel = this.#rooms.get(room);
    if (!channel) return;
    let frame: Frame | null = null;
    for (const sub of channel.subscribers) {
      if (!sub.active || !to(sub.connection)) continue;
      frame ??= Frame.of(signal);
      sub.connection.transport.sendSignal(frame, signal.type);
    }
  }

  /** The connections on this node subscribed to `room`. */
  localSubscribers(room: string): Caller[] {
    return [...(this.#rooms.get(room)?.subscribers ?? [])].filter((sub) => sub.active).map((sub) => sub.connection);
  }

  /** Open connections by transport, rooms and subscriptions on this node. */
  stats(): GatewayStats {
    let ws = 0;
    let sse = 0;
    let subscriptions = 0;
    for (const conn of this.#connections.values()) {
      if (conn.transport.kind === 'ws') ws++;
      else sse++;
      subscriptions += conn.subscriptions.size;
    }
    return { connectionsWs: ws, connectionsSse: sse, rooms: this.roomCount, subscriptions };
  }

  /** Sends a signal to every local subscriber of a room (used by tests and the system room). */
  broadcastLocal(room: string, signal: ServerSignal): void {
    this.#onBus({ kind: 'signal', room, signal });
  }

  /** Graceful shutdown: every client is told to reconnect elsewhere (`server_shutdown`), timers stop. */
  async close(): Promise<void> {
    this.#keepAlive.stop();
    for (const off of this.#unsubscribeBus) off();
    for (const conn of [...this.#connections.values()]) conn.transport.close(CLOSE_CODES.server_shutdown, 'server shutting down');
    this.#rooms.close();
    this.presence.close();
  }
}
