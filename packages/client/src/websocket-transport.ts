import { type ClientMessage, PROTOCOL_VERSION, type ServerMessage, WS_BATCH_PARAM } from '@tandem/protocol';
import type { LinkHandlers, Transport, TransportLink } from './transport.ts';

/** The part of the WHATWG WebSocket (browser, Node ≥ 22, or the `ws` package) the SDK uses. */
export interface WebSocketLike {
  readonly readyState: number;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { readonly data: unknown }) => void) | null;
  onclose: ((event: { readonly code: number; readonly reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

/** Creates a WebSocket for a URL, e.g. `(url) => new WebSocket(url)` (in Node: the `ws` package). */
export type WebSocketFactory = (url: string) => WebSocketLike;

/** The WebSocket factory of the environment, or null when it has none (Node 20). */
export function environmentWebSocket(): WebSocketFactory | null {
  const ctor = (globalThis as { WebSocket?: new (url: string) => WebSocketLike }).WebSocket;
  return ctor ? (url) => new ctor(url) : null;
}

/** Options of {@link WebSocketTransport}. */
export interface WebSocketTransportOptions {
  /** Base HTTP URL of the server, e.g. `https://tandem.example.com`. */
  readonly baseUrl: string;
  readonly factory: WebSocketFactory;
  /** Mints a short-lived connect token; null connects without one (cookie or same-origin auth). */
  readonly connectToken: () => Promise<string | null>;
}

const OPEN = 1;

/** The WebSocket transport on `/ws`: one JSON object per frame sent, one or more (batched, one per line) per frame received. */
export class WebSocketTransport implements Transport {
  readonly kind = 'websocket';

  constructor(private readonly options: WebSocketTransportOptions) {}

  async open(handlers: LinkHandlers): Promise<TransportLink> {
    const token = await this.options.connectToken();
    const url = new URL('/ws', this.options.baseUrl);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    url.searchParams.set('v', String(PROTOCOL_VERSION));
    url.searchParams.set(WS_BATCH_PARAM, '1');
    if (token) url.searchParams.set('token', token);
    const socket = this.options.factory(url.toString());
    let closedByUs = false;
    let ready = false;
    socket.onmessage = (event) => {
      handlers.onActivity();
      for (const message of parseFrame(event.data)) {
        if (message.type === 'welcome' && !ready) {
          ready = true;
          handlers.onReady(message as Parameters<LinkHandlers['onReady']>[0]);
        } else handlers.onMessage(message);
        // A handler may have closed the link; the rest of the frame is then not for anyone.
        if (socket.onmessage === null) return;
      }
    };
    socket.onclose = (event) => {
      socket.onmessage = null;
      if (!closedByUs) handlers.onClose(event.code, event.reason);
    };
    // Errors are always followed by a close event, which carries the decision.
    socket.onerror = () => undefined;
    return {
      send(message: ClientMessage) {
        if (socket.readyState === OPEN) socket.send(JSON.stringify(message));
      },
      canSend: () => true,
      close(code: number, reason: string) {
        closedByUs = true;
        socket.onmessage = null;
        try {
          socket.close(code, reason);
        } catch {
          // Closing a socket that never opened may throw in some implementations; it is gone either way.
        }
      },
    };
  }
}

/** The messages of a frame: one, or several one per line (a batched frame). */
function parseFrame(data: unknown): ServerMessage[] {
  const text = typeof data === 'string' ? data : data instanceof ArrayBuffer ? new TextDecoder().decode(data) : String(data);
  const messages: ServerMessage[] = [];
  for (const line of text.split('\n')) {
    try {
      const value: unknown = JSON.parse(line);
      if (value && typeof value === 'object' && typeof (value as { type?: unknown }).type === 'string') messages.push(value as ServerMessage);
    } catch {
      // A line that is not JSON is ignored: the server never sends one, and a proxy banner must not kill the client.
    }
  }
  return messages;
}
