import { FallbackTransport } from './fallback-transport.ts';
import type { CookiePolicy, FetchLike, RestClient } from './rest-client.ts';
import type { Room } from './room.ts';
import { SseTransport } from './sse-transport.ts';
import type { Transport } from './transport.ts';
import { environmentWebSocket, type WebSocketFactory, WebSocketTransport } from './websocket-transport.ts';

/**
 * Which transport to use: `auto` picks WebSocket when the environment (or the `WebSocket` option)
 * has one, and SSE when it has none or WebSocket keeps failing before the server's welcome.
 */
export type TransportChoice = 'auto' | 'websocket' | 'sse';

/** What {@link createTransport} builds a transport from. */
export interface TransportSetup {
  readonly choice: TransportChoice;
  readonly url: string;
  readonly api: RestClient;
  readonly WebSocket?: WebSocketFactory;
  readonly fetch?: FetchLike;
  readonly credentials?: CookiePolicy;
  /** Mints the WebSocket's connect token. */
  readonly connectToken: () => Promise<string | null>;
  /** The rooms an SSE stream opens with (it subscribes through its URL). */
  readonly heldRooms: () => readonly Room[];
}

/** The transport for a client: WebSocket, SSE, or WebSocket falling back to SSE (`auto`). */
export function createTransport(setup: TransportSetup): Transport {
  const factory = setup.WebSocket ?? environmentWebSocket();
  const sse = () =>
    new SseTransport({
      api: setup.api,
      fetch: setup.fetch,
      credentials: setup.credentials,
      rooms: () =>
        setup
          .heldRooms()
          .filter((room) => room.state !== 'error')
          .map((room) => ({ room: room.name, since: room.lastSeq })),
    });
  if (setup.choice === 'sse') return sse();
  if (!factory) {
    if (setup.choice === 'websocket') throw new Error('No WebSocket in this environment; pass options.WebSocket (in Node: the ws package).');
    return sse();
  }
  const webSocket = new WebSocketTransport({ baseUrl: setup.url, factory, connectToken: setup.connectToken });
  return setup.choice === 'websocket' ? webSocket : new FallbackTransport(webSocket, sse());
}
