import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { CLOSE_CODES, type DurableEvent, PROTOCOL_VERSION, WS_BATCH_PARAM } from '@tandem/protocol';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import type { AuthInfo, AuthService } from '../auth/auth-service.ts';
import type { AppContext } from '../context.ts';
import { SESSION_COOKIE } from '../http/authenticate.ts';
import { authenticateConnectToken } from './connect-token.ts';
import type { Connection, Transport } from './connection.ts';
import { Frame } from './frame.ts';
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
/** Pings a connection may leave unanswered; at the next heartbeat it is dead and cut. */
const MAX_MISSED_PONGS = 2;
/** Sockets a heartbeat pings in one go. */
const HEARTBEAT_SLICE = 128;
/** A batched frame is written out once the messages it holds reach this many characters. */
const BATCH_CHARS = 64 * 1024;

/**
 * One heartbeat: cuts sockets that missed too many pongs and pings the others. Pinging is a write
 * per socket, and ten thousand of them in one go held the event loop for a few hundred
 * milliseconds: a latency spike for every client at every heartbeat. So a heartbeat pings a slice
 * at a time, its slices spread over the first half of the interval.
 */
async function beat(sockets: ReadonlySet<GatewaySocket>, intervalMs: number): Promise<void> {
  const all = [...sockets];
  const gapMs = intervalMs / 2 / Math.ceil(all.length / HEARTBEAT_SLICE);
  for (let from = 0; from < all.length; from += HEARTBEAT_SLICE) {
    if (from > 0) await new Promise((resolve) => setTimeout(resolve, gapMs).unref());
    for (const ws of all.slice(from, from + HEARTBEAT_SLICE)) {
      if (ws.missedPongs >= MAX_MISSED_PONGS) {
        ws.terminate();
        continue;
      }
      ws.missedPongs += 1;
      if (ws.readyState === WebSocket.OPEN) ws.ping();
    }
  }
}

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
async function authenticateUpgrade(req: IncomingMessage, connectToken: string | null, deps: WsServerDeps): Promise<AuthInfo | null> {
  if (connectToken) return authenticateConnectToken(deps.ctx.db, connectToken, deps.ctx.secrets.sessionSecret);
  const header = req.headers.authorization;
  if (header?.startsWith('Bearer ')) return deps.auth.authenticate(header.slice(7).trim());
  const cookie = cookieValue(req.headers.cookie, SESSION_COOKIE);
  if (cookie && req.headers.origin) return deps.auth.authenticate(cookie);
  return null;
}

function refuse(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`);
}

/**
 * Swallows an `error` event (an emitter throws one nobody listens to): the socket is closed
 * right after by whoever owns it. One function for every socket, so no closure stays per socket.
 */
function ignoreError(): void {}

/** What every socket of one server shares (held once, not per socket). */
interface SocketHub {
  readonly gateway: Gateway;
  readonly counters: RealtimeCounters;
  /** Every socket past the upgrade, accepted or being refused, until it closes. */
  readonly sockets: Set<GatewaySocket>;
  /** Frames past this are refused with 4413. */
  readonly maxFrameBytes: number;
  /** Send-buffer cap: past it the client is a slow consumer and is closed. */
  readonly maxBuffered: number;
  /** Per-connection rate limit of client frames (each connection keeps its own bucket's state). */
  readonly frames: TokenBucket;
  /** Sockets with frames held until the end of this turn of the event loop. */
  readonly turn: TurnWrites;
}

/**
 * The server-side socket, carrying the little it needs per connection itself. Its listeners are
 * its own methods, registered unbound: ws calls a listener with the socket as `this`, so every
 * socket shares one function per event instead of holding closures of its own (a node holds
 * tens of thousands of mostly idle sockets).
 */
class GatewaySocket extends WebSocket {
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

/**
 * One accepted WebSocket as the gateway sees it: writes with the send-buffer cap, so a slow
 * reader never grows without bound, and reads with the frame-size cap and the rate limit. For a
 * client that takes batched frames, the messages of one turn leave as one frame of lines.
 */
class WsTransport implements Transport {
  /** The gateway's connection; set right after the gateway opens it. */
  connection: Connection | null = null;
  /** This connection's bucket of {@link SocketHub.frames}. */
  #frameBucket = TokenBucket.FULL;
  #closing = false;
  #corked = false;
  /** Frames held for this turn's batched frame (a client that takes them); null when none are. */
  #held: Frame[] | null = null;
  #heldChars = 0;

  /** @param batched the client takes several messages per frame (`?batch=1`) */
  constructor(
    private readonly ws: WebSocket,
    private readonly hub: SocketHub,
    private readonly batched: boolean,
  ) {}

  get kind(): 'ws' {
    return 'ws';
  }

  get closing(): boolean {
    return this.#closing;
  }

  /** One frame from the client: refused past the size cap or the rate limit, else handed to the gateway. */
  receive(data: RawData, isBinary: boolean): void {
    const conn = this.connection;
    if (!conn) return;
    const size = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : data instanceof ArrayBuffer ? data.byteLength : data.length;
    if (size > this.hub.maxFrameBytes) {
      this.close(CLOSE_CODES.too_large, 'frame too large');
      return;
    }
    const bucket = this.hub.frames.take(this.#frameBucket);
    if (bucket === null) {
      this.close(CLOSE_CODES.rate_limited, 'rate limited');
      return;
    }
    this.#frameBucket = bucket;
    if (isBinary) conn.send({ type: 'error', code: 'invalid_input', message: 'Frames must be text (JSON).' });
    else this.hub.gateway.receive(conn, data.toString());
  }

  sendEvent(_event: DurableEvent, frame: Frame): void {
    this.#send(frame);
  }

  sendSignal(frame: Frame): void {
    this.#send(frame);
  }

  close(code: number, reason: string): void {
    if (this.#closing) return;
    this.#closing = true;
    this.hub.counters.closedByServer(code);
    // What this turn still holds goes out before the close frame.
    this.uncork();
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close(code, reason);
    setTimeout(() => this.ws.terminate(), CLOSE_GRACE_MS).unref();
  }

  #send(frame: Frame): void {
    if (this.#closing || this.ws.readyState !== WebSocket.OPEN) return;
    // ws never blocks: a socket that stops reading only grows its own buffer, which we cap here.
    if (this.ws.bufferedAmount > this.hub.maxBuffered) {
      this.close(CLOSE_CODES.slow_consumer, 'slow consumer');
      return;
    }
    const socket = this.#cork();
    // ws frames synchronously when nothing is compressed (permessage-deflate is off), so writing the
    // prebuilt frame to its socket keeps the order of everything ws itself sends (pings, close); a
    // held batch goes out before a close frame (see close()).
    if (!socket) this.ws.send(frame.bytes, { binary: false });
    else if (this.batched) this.#hold(frame);
    else socket.write(frame.wire);
  }

  /** Keeps a frame for the batched frame written at the end of the turn (or once it is big). */
  #hold(frame: Frame): void {
    if (this.#held) this.#held.push(frame);
    else this.#held = [frame];
    this.#heldChars += frame.json.length;
    if (this.#heldChars >= BATCH_CHARS) this.#writeHeld();
  }

  /** Writes the held frames: the one frame as it is, several as one frame of lines. */
  #writeHeld(): void {
    const held = this.#held;
    if (!held) return;
    this.#held = null;
    this.#heldChars = 0;
    const socket = this.#socket;
    if (!socket || this.ws.readyState !== WebSocket.OPEN) return;
    socket.write(held.length === 1 ? (held[0] as Frame).wire : this.hub.turn.combine(held));
  }

  /** Frames sent in the same turn of the event loop leave in one write (see {@link TurnWrites}). */
  #cork(): Duplex | undefined {
    const socket = this.#socket;
    if (!socket) return undefined;
    if (this.#corked) {
      // A long burst (a big replay) is written out early, so only a client that really stops
      // reading reaches the send-buffer cap.
      if (this.ws.bufferedAmount > this.hub.maxBuffered / 4) this.uncork();
      return socket;
    }
    this.#corked = true;
    socket.cork();
    this.hub.turn.add(this);
    return socket;
  }

  /** Writes out what was corked (called by {@link TurnWrites}, or early for a long burst). */
  uncork(): void {
    if (!this.#corked) return;
    this.#corked = false;
    this.#writeHeld();
    this.#socket?.uncork();
  }

  /** The TCP socket ws writes to (ws has no public way to cork it). */
  get #socket(): Duplex | undefined {
    return (this.ws as unknown as { _socket?: Duplex })._socket;
  }
}

/**
 * The sockets written to during the current turn of the event loop, uncorked together once the
 * turn's I/O callbacks have run (`setImmediate`). Every frame a socket gets in one turn, from
 * however many events, leaves in one write: on small VMs the syscall and the wake-up of the
 * reader, not the bytes, are what fan-out costs. A client that takes batched frames gets them as
 * one frame, so it parses and dispatches one frame, not one per message. Idle, a turn holds one
 * event and nothing waits; under load a turn handles many commits (or many published messages),
 * so the messages per write grow with the load.
 */
class TurnWrites {
  #corked: WsTransport[] = [];
  /**
   * Batched frames made this turn, by their first message. The subscribers of a room are sent
   * the same messages in a turn, so they share one encoding of them, as single frames do.
   */
  #combined = new Map<Frame, { readonly frames: readonly Frame[]; readonly frame: Frame }[]>();

  /** The batched frame of several messages, made once a turn for every socket that gets the same ones. */
  combine(frames: readonly Frame[]): Buffer {
    const first = frames[0] as Frame;
    let made = this.#combined.get(first);
    if (!made) {
      made = [];
      this.#combined.set(first, made);
    }
    for (const run of made) if (sameFrames(run.frames, frames)) return run.frame.wire;
    const frame = Frame.lines(frames);
    made.push({ frames, frame });
    return frame.wire;
  }

  add(transport: WsTransport): void {
    if (this.#corked.length === 0) setImmediate(this.#flush);
    this.#corked.push(transport);
  }

  readonly #flush = (): void => {
    const corked = this.#corked;
    this.#corked = [];
    for (const transport of corked) transport.uncork();
    this.#combined.clear();
  };
}

function sameFrames(a: readonly Frame[], b: readonly Frame[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Serves WebSockets at {@link WS_PATH} on the API's HTTP server: checks `Origin` and credentials
 * on upgrade, then hands frames to the gateway, with the frame-size cap, the per-connection rate
 * limit, the per-user connection cap and the ping/pong heartbeat.
 */
export function attachWebSocketServer(server: Server, deps: WsServerDeps): WsServer {
  const { config, log } = deps.ctx;
  // Sockets are tracked here rather than by ws (`clientTracking`), which would add a closure per socket.
  const wss = new WebSocketServer<typeof GatewaySocket>({
    noServer: true,
    maxPayload: config.wsMaxFrameBytes * HARD_FRAME_FACTOR,
    clientTracking: false,
    // Off (the ws default, stated because WsTransport writes prebuilt uncompressed frames itself).
    perMessageDeflate: false,
    WebSocket: GatewaySocket,
  });
  const hub: SocketHub = {
    gateway: deps.gateway,
    counters: deps.gateway.counters,
    sockets: new Set(),
    maxFrameBytes: config.wsMaxFrameBytes,
    maxBuffered: config.wsSendBufferBytes,
    frames: new TokenBucket(config.wsMessagesPerSecond),
    turn: new TurnWrites(),
  };

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // Read what is needed now: a closure that outlives the upgrade must not keep the request or its URL.
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== WS_PATH) {
      // Other modules may serve their own upgrade paths; when nobody does, do not leave it hanging.
      if (server.listenerCount('upgrade') === 1) socket.destroy();
      return;
    }
    socket.on('error', ignoreError);
    const origin = req.headers.origin;
    if (origin && !deps.isAllowedOrigin(origin)) {
      refuse(socket, 403, 'Forbidden origin');
      return;
    }
    const version = url.searchParams.get('v');
    const batched = url.searchParams.get(WS_BATCH_PARAM) === '1';
    authenticateUpgrade(req, url.searchParams.get('token'), deps)
      .then((auth) => {
        if (socket.destroyed) return;
        wss.handleUpgrade(req, socket, head, (ws) => {
          // From here ws handles the socket's errors.
          socket.off('error', ignoreError);
          accept(ws, auth, version, batched);
        });
      })
      .catch((err) => {
        log.error({ err }, 'realtime: upgrade failed');
        refuse(socket, 500, 'Internal error');
      });
  };

  const accept = (ws: GatewaySocket, auth: AuthInfo | null, version: string | null, batched: boolean) => {
    ws.track(hub);
    if (!auth) return ws.close(CLOSE_CODES.unauthenticated, 'unauthenticated');
    if (version !== null && version !== String(PROTOCOL_VERSION)) return ws.close(CLOSE_CODES.protocol_mismatch, `protocol ${PROTOCOL_VERSION} required`);
    if (deps.gateway.connectionCount(auth.user.id) >= config.wsMaxConnectionsPerUser) return ws.close(CLOSE_CODES.forbidden, 'too many connections');

    const transport = new WsTransport(ws, hub, batched);
    transport.connection = deps.gateway.open(auth, transport);
    ws.accept(transport);
    deps.gateway.welcome(transport.connection);
  };

  // A connection that has not answered two pings in a row is dead: cut it so presence and locks go.
  const heartbeat = setInterval(() => void beat(hub.sockets, config.heartbeatMs), config.heartbeatMs);
  heartbeat.unref();

  server.on('upgrade', onUpgrade);
  return {
    async close() {
      clearInterval(heartbeat);
      server.off('upgrade', onUpgrade);
      const deadline = Date.now() + CLOSE_GRACE_MS;
      while (hub.sockets.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      for (const ws of hub.sockets) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
