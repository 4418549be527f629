import { randomUUID } from 'node:crypto';
import type { DurableEvent, PresenceStatus, ServerSignal } from '@tandem/protocol';
import type { AuthInfo } from '../auth/auth-service.ts';
import { type ConnectionKey, connectionKey } from '../backends/presence-store.ts';
import type { Caller } from '../gateway-api.ts';
import { Frame } from './frame.ts';
import type { Subscription } from './subscription.ts';

/** How a connection reaches its client: a WebSocket or an SSE stream. */
export interface Transport {
  readonly kind: 'ws' | 'sse';
  /** True once `close` was called (the socket may still be draining). */
  readonly closing: boolean;
  /** Sends a durable event; `frame` is the event serialised once for all of the room's subscribers. */
  sendEvent(event: DurableEvent, frame: Frame): void;
  /** Sends any other message, already serialised; `type` is its `type` field. */
  sendSignal(frame: Frame, type: string): void;
  /** Closes the connection with a close code from `CLOSE_CODES`. */
  close(code: number, reason: string): void;
}

/** One client connection on this node, independent of its transport. */
export class Connection implements Caller {
  /** Unique across the cluster (a UUID), so `except` on bus signals can name it. */
  readonly id = randomUUID();
  /** Key of this connection's presence entries and lock leases. */
  readonly key: ConnectionKey;
  readonly subscriptions = new Map<string, Subscription>();
  /** Status the user last chose on this connection. */
  status: PresenceStatus = 'online';
  closed = false;
  /** Rooms where this connection announced presence, with when it first did; made on the first announcement (most connections never make one). */
  #presence: Map<string, string> | null = null;

  constructor(
    readonly auth: AuthInfo,
    readonly transport: Transport,
    nodeId: string,
  ) {
    this.key = connectionKey(nodeId, this.id);
  }

  get userId(): string {
    return this.auth.user.id;
  }

  /** When this connection first announced presence in `room`, if it has. */
  presentSince(room: string): string | undefined {
    return this.#presence?.get(room);
  }

  /** Notes that this connection announced presence in `room`, first at `since`. */
  markPresent(room: string, since: string): void {
    this.#presence ??= new Map();
    this.#presence.set(room, since);
  }

  /** Forgets this connection's presence in `room`; false when it had none there. */
  forgetPresence(room: string): boolean {
    return this.#presence?.delete(room) ?? false;
  }

  /** Serialises and sends one signal to this client only. */
  send(signal: ServerSignal): void {
    if (this.closed) return;
    this.transport.sendSignal(Frame.of(signal), signal.type);
  }
}
