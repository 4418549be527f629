import type { ClientMessage, ClientMessageType, RoomKind, ServerSignal } from '@tandem/protocol';
import type { AuthInfo } from './auth/auth-service.ts';
import type { ConnectionKey } from './backends/presence-store.ts';

/**
 * What a domain may ask of the realtime gateway, as types only: the gateway (`realtime/gateway.ts`)
 * implements {@link GatewayApi}, and domains receive it from the composition in `app.ts`. A domain
 * never imports from `realtime/`: it registers handlers for its client messages and publishes
 * ephemeral signals through {@link RoomSignals}; durable changes reach clients only through the
 * event log and the bus.
 */

/** The connection a client message arrived on, as handlers see it. */
export interface Caller {
  /** Unique across the cluster; pass it as `except` so a relayed signal skips its sender. */
  readonly id: string;
  /** Key of this connection's presence entries and lock leases. */
  readonly key: ConnectionKey;
  readonly userId: string;
  readonly auth: AuthInfo;
  /** True once the connection closed (a late handler result then goes nowhere). */
  readonly closed: boolean;
}

/** The client message of one `type`, narrowed from the protocol's union. */
export type ClientMessageOf<T extends ClientMessageType> = Extract<ClientMessage, { readonly type: T }>;

/** The fields a handler adds to the `ack` of a message that carried an `id`; `null` sends no ack (e.g. `ping`, answered by `pong`). */
export type AckPayload = Readonly<Record<string, unknown>> | null;

/** What a handler gets besides the message: who sent it, and the gateway's per-connection helpers. */
export interface HandlerContext {
  /** The sender's connection; the same object for the connection's whole life (usable as a WeakMap key). */
  readonly caller: Caller;
  /** Throws `invalid_input` ("Subscribe to … first.") unless the caller subscribes to `room`. */
  requireSubscribed(room: string): void;
  /**
   * Relays `signal` to every other subscriber of `room`, throttled per caller and `key`: at most one
   * per `CURSOR_THROTTLE_MS` (50 ms), keeping only the newest, and the last one is always sent.
   * For cursor moves and live edits.
   */
  relayLatest(key: string, room: string, signal: ServerSignal): void;
  /**
   * Relays `signal` to every other subscriber of `room` at most once per `intervalMs` per caller
   * and `key`; returns false when the throttle dropped it. For indicators such as `typing`.
   */
  relayAtMost(key: string, room: string, signal: ServerSignal, intervalMs: number): boolean;
}

/**
 * Handles one client message type: validates and authorises it (the frame is already schema
 * valid), does the work, and returns the `ack` fields. Throwing an `AppError` answers the client
 * with `error` carrying its code; anything else is logged and answered with `internal`.
 */
export type MessageHandler<T extends ClientMessageType, C extends HandlerContext = HandlerContext> = (
  message: ClientMessageOf<T>,
  context: C,
) => Promise<AckPayload> | AckPayload;

/**
 * Decides whether a user may read a room of a kind `Access` does not know (e.g. `chat`).
 * `kind` and `id` are the parts of the room name (`chat:<id>`).
 */
export type RoomCheck = (userId: string, kind: string, id: string) => Promise<boolean>;

/**
 * Builds a state signal a new subscriber of a room gets right after `presence_state` (e.g.
 * `lock_state` for a `table:` room). Called once per room for every subscriber that joined in the
 * same turn of the event loop.
 */
export type RoomStateProvider = (id: string, room: string) => Promise<ServerSignal>;

/** Publishes ephemeral signals to a room on every node (through the bus). */
export interface RoomSignals {
  /** Publishes `signal` to every subscriber of `room` except the connection whose id is `except`. */
  publish(room: string, signal: ServerSignal, except?: string): Promise<void>;
}

/** The gateway's extension points, for domains that speak over the realtime connection. */
export interface GatewayApi {
  /**
   * Makes `handler` answer client messages of `type`, on every transport. Registering a type
   * again replaces its handler: the gateway's defaults (e.g. the `typing` relay) can be taken over
   * by the domain that owns the message.
   */
  registerHandler<T extends ClientMessageType>(type: T, handler: MessageHandler<T>): void;
  /**
   * Lets a domain authorise rooms of its own kind: `subscribe`, the SSE stream and `GET /presence`
   * ask `check` whether a user may read `<kind>:<id>`. Without a check such rooms are refused.
   * Registering a kind again replaces its check.
   */
  registerRoomCheck(kind: string, check: RoomCheck): void;
  /** Adds a state signal sent to new subscribers of rooms of `kind` (after `presence_state`); again for the same kind replaces it. */
  registerRoomState(kind: RoomKind, provider: RoomStateProvider): void;
  /** Runs `listener` when a connection closes (after it left its rooms, before its presence grace period starts). */
  onConnectionClosed(listener: (caller: Caller) => Promise<void> | void): void;
  /**
   * Runs `task` on the gateway's keep-alive tick with the open connections of this node; the tick
   * comes at least every `withinMs` (e.g. a third of a lease's lifetime). Failures are logged.
   */
  onKeepAlive(task: (callers: Iterable<Caller>) => Promise<void>, withinMs: number): void;
  /** Ephemeral signals to rooms, through the bus. */
  readonly signals: RoomSignals;
  /** Sends `signal` to the subscribers of `room` on this node that `to` accepts (e.g. only operators in `system`). */
  sendToLocalSubscribers(room: string, signal: ServerSignal, to: (caller: Caller) => boolean): void;
  /** The connections on this node subscribed to `room`. */
  localSubscribers(room: string): Caller[];
  /** Open connections by transport, rooms and subscriptions on this node. */
  stats(): GatewayStats;
}

/** What a node's gateway holds right now (read by `/metrics` and the operations sampler). */
export interface GatewayStats {
  readonly connectionsWs: number;
  readonly connectionsSse: number;
  /** Rooms with at least one local subscriber. */
  readonly rooms: number;
  readonly subscriptions: number;
}
