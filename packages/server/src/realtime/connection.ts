import { randomUUID } from 'node:crypto';
import type { DurableEvent, PresenceStatus, ServerSignal } from '@tandem/protocol';
import type { AuthInfo } from '../auth/auth-service.ts';
import { type ConnectionKey, connectionKey } from '../backends/presence-store.ts';
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
export class Connection {
  /** Unique across the cluster (a UUID), so `except` on bus signals can name it. */
  readonly id = randomUUID();
  /** Key of this connection's presence entries and lock leases. */
  readonly key: ConnectionKey;
  readonly subscriptions = new Map<string, Subscription>();
  /** Rooms where this connection announced presence, with when it first did. */
  readonly presence = new Map<string, string>();
  /** Status the user last chose on this connection. */
  status: PresenceStatus = 'online';
  closed = false;

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

  /** Serialises and sends one signal to this client only. */
  send(signal: ServerSignal): void {
    if (this.closed) return;
    this.transport.sendSignal(Frame.of(signal), signal.type);
  }
}
