import type { ServerMessage } from '@tandem/protocol';
import type { WebSocketLike } from '../src/websocket-transport.ts';

/** A scripted WebSocket for state-machine tests: the test plays the server. */
export class FakeSocket implements WebSocketLike {
  readyState = 0;
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { readonly data: unknown }) => void) | null = null;
  onclose: ((event: { readonly code: number; readonly reason: string }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  readonly sent: Record<string, unknown>[] = [];
  closedWith: number | null = null;

  constructor(readonly url: string) {}

  send(data: string): void {
    this.sent.push(JSON.parse(data));
  }

  close(code = 1000): void {
    this.closedWith = code;
    this.readyState = 3;
  }

  /** The server accepts the socket and says welcome. */
  accept(heartbeatMs = 30_000): void {
    this.readyState = 1;
    this.onopen?.({});
    this.serverSends({ type: 'welcome', protocol: 1, connection_id: 'c', user: { id: 'u1', name: 'Ada' }, heartbeat_ms: heartbeatMs });
  }

  serverSends(message: ServerMessage | Record<string, unknown>): void {
    this.onmessage?.({ data: JSON.stringify(message) });
  }

  /** The server sends several messages in one batched frame, one per line. */
  serverSendsBatch(messages: readonly (ServerMessage | Record<string, unknown>)[]): void {
    this.onmessage?.({ data: messages.map((m) => JSON.stringify(m)).join('\n') });
  }

  /** The server (or the network) closes the socket. */
  drop(code: number, reason = ''): void {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }
}

/** A factory that records every socket it creates. */
export function fakeSockets(): { readonly sockets: FakeSocket[]; readonly factory: (url: string) => FakeSocket; last(): FakeSocket } {
  const sockets: FakeSocket[] = [];
  return {
    sockets,
    factory: (url) => {
      const socket = new FakeSocket(url);
      sockets.push(socket);
      return socket;
    },
    last() {
      const socket = sockets.at(-1);
      if (!socket) throw new Error('no socket was opened');
      return socket;
    },
  };
}
