import { type RawData, WebSocket } from 'ws';
import type { TransportHub, WsTransport } from './ws-transport.ts';

/** What the sockets of one server share: the transports' hub and the set of live sockets. */
export interface SocketHub extends TransportHub {
  /** Every socket past the upgrade, accepted or being refused, until it closes. */
  readonly sockets: Set<GatewaySocket>;
}

/**
 * Swallows an `error` event (an emitter throws one nobody listens to): the socket is closed
 * right after by whoever owns it. One function for every socket, so no closure stays per socket.
 */
export function ignoreError(): void {}

/**
 * The server-side socket, carrying the little it needs per connection itself. Its listeners are
 * its own methods, registered unbound: ws calls a listener with the socket as `this`, so every
 * socket shares one function per event instead of holding closures of its own (a node holds
 * tens of thousands of mostly idle sockets).
 */
export class GatewaySocket extends WebSocket {
  /** Heartbeat pings sent since the last pong. */
  missedPongs = 0;
  #hub: SocketHub | null = null;
  #transport: WsTransport | null = null;

  /** Takes a socket fresh from the upgrade into the hub, until it closes. */
  track(hub: SocketHub): void {
    this.#hub = hub;
    hub.sockets.add(this);
    this.on('error', ignoreError);
    this.on('close', this.#onClose);
  }

  /** Feeds the client's frames to the accepted connection's transport; from now on pongs count. */
  accept(transport: WsTransport): void {
    this.#transport = transport;
    this.on('message', this.#onMessage);
  }

  /**
   * A pong is taken here rather than by a listener: a fourth event in a socket's listener table
   * doubles that table (~100 bytes a socket). A socket never accepted keeps counting missed
   * pongs, so the heartbeat cuts it if its close handshake stalls.
   */
  override emit(event: string | symbol, ...args: unknown[]): boolean {
    if (event !== 'pong') return super.emit(event, ...args);
    if (this.#transport) this.missedPongs = 0;
    return true;
  }

  #onMessage(data: RawData, isBinary: boolean): void {
    this.#transport?.receive(data, isBinary);
  }

  #onClose(): void {
    this.#hub?.sockets.delete(this);
    const conn = this.#transport?.connection;
    if (conn) void this.#hub?.gateway.closed(conn);
  }
}
