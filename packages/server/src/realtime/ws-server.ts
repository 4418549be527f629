import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { CLOSE_CODES, type DurableEvent, PROTOCOL_VERSION } from '@tandem/protocol';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import type { AuthInfo, AuthService } from '../auth/auth-service.ts';
import type { AppContext } from '../context.ts';
import { SESSION_COOKIE } from '../http/authenticate.ts';
import { authenticateConnectToken } from './connect-token.ts';
import type { Connection, Transport } from './connection.ts';
import type { Frame } from './frame.ts';
import type { Gateway } from './gateway.ts';
import type { RealtimeCounters } from './realtime-metrics.ts';
import { TokenBucket } from './token-bucket.ts';

/** Path of the WebSocket endpoint. */
export const WS_PATH = '/ws';
/** How long a closing socket may take to finish the close handshake before it is cut. */
const CLOSE_GRACE_MS = 2000;
/**
 * ws rejects frames past this outright (close 1009, nothing read into memory). Frames between
 * the configured limit and this are read and refused with 4413, so clients learn why.
 */
const HARD_FRAME_FACTOR = 16;

/** What the WebSocket endpoint needs. */
export interface WsServerDeps {
  readonly ctx: AppContext;
  readonly gateway: Gateway;
  readonly auth: AuthService;
  readonly isAllowedOrigin: (origin: string) => boolean;
}

/** The WebSocket endpoint attached to the HTTP server. */
export interface WsServer {
  /** Stops heartbeats; existing sockets are closed by the gateway. Resolves once all sockets are gone. */
  close(): Promise<void>;
}

function cookieValue(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return null;
}

/**
 * Who opens the socket: `?token=` connect token, then `Authorization: Bearer`, then the session
 * cookie. A cookie counts only with an allowed `Origin` (browsers always send one), so another
 * site cannot open a socket with the user's cookie.
 */
async function authenticateUpgrade(req: IncomingMessage, url: URL, deps: WsServerDeps): Promise<AuthInfo | null> {
  const token = url.searchParams.get('token');
  if (token) return authenticateConnectToken(deps.ctx.db, token, deps.ctx.secrets.sessionSecret);
  const header = req.headers.authorization;
  if (header?.startsWith('Bearer ')) return deps.auth.authenticate(header.slice(7).trim());
  const cookie = cookieValue(req.headers.cookie, SESSION_COOKIE);
  if (cookie && req.headers.origin) return deps.auth.authenticate(cookie);
  return null;
}

function refuse(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`);
}

/** Writes to one WebSocket, enforcing the send-buffer cap so a slow reader never grows without bound. */
class WsTransport implements Transport {
  readonly kind = 'ws' as const;
  #closing = false;
  #corked = false;

  get closing(): boolean {
    return this.#closing;
  }

  constructor(
    private readonly ws: WebSocket,
    private readonly maxBuffered: number,
    private readonly counters: RealtimeCounters,
  ) {}

  sendEvent(_event: DurableEvent, frame: Frame): void {
    this.#send(frame);
  }

  sendSignal(frame: Frame): void {
    this.#send(frame);
  }

  close(code: number, reason: string): void {
    if (this.#closing) return;
    this.#closing = true;
    this.counters.closedByServer(code);
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close(code, reason);
    setTimeout(() => this.ws.terminate(), CLOSE_GRACE_MS).unref();
  }

  #send(frame: Frame): void {
    if (this.#closing || this.ws.readyState !== WebSocket.OPEN) return;
    // ws never blocks: a socket that stops reading only grows its own buffer, which we cap here.
    if (this.ws.bufferedAmount > this.maxBuffered) {
      this.close(CLOSE_CODES.slow_consumer, 'slow consumer');
      return;
    }
    this.#cork();
    this.ws.send(frame.bytes, { binary: false });
  }

  /**
   * Frames sent in the same tick (an event and its activity entry, a replay) leave in one
   * write: on small VMs the syscall per frame, not the bytes, is what fan-out costs. `ws` has no
   * public cork, so this reaches for the socket it writes to.
   */
  #cork(): void {
    const socket = (this.ws as unknown as { _socket?: Duplex })._socket;
    if (!socket) return;
    if (this.#corked) {
      // A long burst (a big replay) is written out early, so only a client that really stops
      // reading reaches the send-buffer cap.
      if (this.ws.bufferedAmount > this.maxBuffered / 4) this.#uncork(socket);
      return;
    }
    this.#corked = true;
    socket.cork();
    process.nextTick(() => this.#uncork(socket));
  }

  #uncork(socket: Duplex): void {
    if (!this.#corked) return;
    this.#corked = false;
    socket.uncork();
  }
}

/**
 * Serves WebSockets at {@link WS_PATH} on the API's HTTP server: checks `Origin` and credentials
 * on upgrade, then hands frames to the gateway, with the frame-size cap, the per-connection rate
 * limit, the per-user connection cap and the ping/pong heartbeat.
 */
export function attachWebSocketServer(server: Server, deps: WsServerDeps): WsServer {
  const { config, log } = deps.ctx;
  const wss = new WebSocketServer({ noServer: true, maxPayload: config.wsMaxFrameBytes * HARD_FRAME_FACTOR, clientTracking: true });
  const missed = new WeakMap<WebSocket, number>();

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== WS_PATH) {
      // Other modules may serve their own upgrade paths; when nobody does, do not leave it hanging.
      if (server.listenerCount('upgrade') === 1) socket.destroy();
      return;
    }
    socket.on('error', () => undefined);
    const origin = req.headers.origin;
    if (origin && !deps.isAllowedOrigin(origin)) {
      refuse(socket, 403, 'Forbidden origin');
      return;
    }
    authenticateUpgrade(req, url, deps)
      .then((auth) => {
        if (socket.destroyed) return;
        wss.handleUpgrade(req, socket, head, (ws) => accept(ws, auth, url));
      })
      .catch((err) => {
        log.error({ err }, 'realtime: upgrade failed');
        refuse(socket, 500, 'Internal error');
      });
  };

  const accept = (ws: WebSocket, auth: AuthInfo | null, url: URL) => {
    ws.on('error', () => undefined);
    const version = url.searchParams.get('v');
    if (!auth) return ws.close(CLOSE_CODES.unauthenticated, 'unauthenticated');
    if (version !== null && version !== String(PROTOCOL_VERSION)) return ws.close(CLOSE_CODES.protocol_mismatch, `protocol ${PROTOCOL_VERSION} required`);
    if (deps.gateway.connectionCount(auth.user.id) >= config.wsMaxConnectionsPerUser) return ws.close(CLOSE_CODES.forbidden, 'too many connections');

    const transport = new WsTransport(ws, config.wsSendBufferBytes, deps.gateway.counters);
    const conn: Connection = deps.gateway.open(auth, transport);
    const bucket = new TokenBucket(config.wsMessagesPerSecond);
    missed.set(ws, 0);
    ws.on('pong', () => missed.set(ws, 0));
    ws.on('message', (data: RawData, isBinary: boolean) => {
      const size = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : data instanceof ArrayBuffer ? data.byteLength : data.length;
      if (size > config.wsMaxFrameBytes) return transport.close(CLOSE_CODES.too_large, 'frame too large');
      if (!bucket.take()) return transport.close(CLOSE_CODES.rate_limited, 'rate limited');
      if (isBinary) return conn.send({ type: 'error', code: 'invalid_input', message: 'Frames must be text (JSON).' });
      deps.gateway.receive(conn, data.toString());
    });
    ws.on('close', () => void deps.gateway.closed(conn));
    deps.gateway.welcome(conn);
  };

  // A connection that has not answered two pings in a row is dead: cut it so presence and locks go.
  const heartbeat = setInterval(() => {
    for (const ws of wss.clients) {
      const count = missed.get(ws) ?? 0;
      if (count >= 2) {
        ws.terminate();
        continue;
      }
      missed.set(ws, count + 1);
      if (ws.readyState === WebSocket.OPEN) ws.ping();
    }
  }, config.heartbeatMs);
  heartbeat.unref();

  server.on('upgrade', onUpgrade);
  return {
    async close() {
      clearInterval(heartbeat);
      server.off('upgrade', onUpgrade);
      const deadline = Date.now() + CLOSE_GRACE_MS;
      while (wss.clients.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
