import { CLOSE_CODES, type DurableEvent, type ServerMessage } from '@tandem/protocol';
import WebSocket from 'ws';
import type { ApiClient } from './http-client.ts';

/** A message as tests see it (any server message, loosely typed for assertions). */
export type WireMessage = ServerMessage & { readonly [key: string]: unknown };

/** How a test client closed. */
export interface CloseInfo {
  readonly code: number;
  readonly reason: string;
}

/** Options for {@link connectWs}. */
export interface ConnectOptions {
  /** Extra query parameters, e.g. `{ v: '1' }`. */
  readonly query?: Record<string, string>;
  /** Extra headers on the upgrade request (e.g. `Origin`, `Cookie`, `Authorization`). */
  readonly headers?: Record<string, string>;
  /** Use a connect token from `POST /realtime/token` (default true when a client is given). */
  readonly useToken?: boolean;
  /** Wait for `welcome` before resolving (default true). */
  readonly awaitWelcome?: boolean;
}

let nextId = 0;

/**
 * A real WebSocket client for tests: records every message, sends with ids and awaits the
 * matching `ack`/`error`, waits for a message matching a predicate, collects durable events.
 */
export class WsTestClient {
  readonly messages: WireMessage[] = [];
  /** Every frame as it arrived (a batched frame holds several messages, one per line). */
  readonly frames: string[] = [];
  readonly closed: Promise<CloseInfo>;
  #waiters: { match: (m: WireMessage) => boolean; resolve: (m: WireMessage) => void }[] = [];

  constructor(readonly ws: WebSocket) {
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    ws.on('error', () => undefined);
    ws.on('message', (data) => {
      const frame = data.toString();
      this.frames.push(frame);
      for (const line of frame.split('\n')) {
        const message = JSON.parse(line) as WireMessage;
        this.messages.push(message);
        this.#waiters = this.#waiters.filter((w) => {
          if (!w.match(message)) return true;
          w.resolve(message);
          return false;
        });
      }
    });
  }

  /** Sends a raw object or string as one frame. */
  sendRaw(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** Sends a message with a fresh `id` and resolves with its `ack` or `error`. */
  async request(message: Record<string, unknown>): Promise<WireMessage> {
    nextId += 1;
    const id = `t${nextId}`;
    const answer = this.waitFor((m) => (m.type === 'ack' || m.type === 'error') && m.id === id);
    this.sendRaw({ ...message, id });
    return answer;
  }

  /** Subscribes and resolves with the ack; throws when the server answers `error`. */
  async subscribe(room: string, since?: number): Promise<WireMessage> {
    const answer = await this.request({ type: 'subscribe', room, ...(since !== undefined ? { since } : {}) });
    if (answer.type !== 'ack') throw new Error(`subscribe ${room} failed: ${JSON.stringify(answer)}`);
    return answer;
  }

  /** Resolves with the first message (already received or future) matching `match`. */
  waitFor(match: (m: WireMessage) => boolean, timeoutMs = 10_000): Promise<WireMessage> {
    const seen = this.messages.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for a message; got ${JSON.stringify(this.messages.slice(-5))}`)), timeoutMs);
      this.#waiters.push({
        match,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
      });
    });
  }

  /** Durable events received for `room`, in arrival order. */
  events(room: string): DurableEvent[] {
    return this.messages.filter(
      (m): m is WireMessage & DurableEvent => typeof (m as { seq?: unknown }).seq === 'number' && 'ts' in m && 'actor' in m && m.room === room,
    ) as DurableEvent[];
  }

  /** Resolves once `count` durable events of `room` have arrived. */
  async collect(room: string, count: number, timeoutMs = 20_000): Promise<DurableEvent[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.events(room).length < count) {
      if (Date.now() > deadline) throw new Error(`expected ${count} events in ${room}, got ${this.events(room).length}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    return this.events(room);
  }

  /** Closes the socket normally and waits for it to be closed. */
  async close(): Promise<CloseInfo> {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close(CLOSE_CODES.normal);
    return this.closed;
  }

  /** Kills the socket without a close handshake (like a crashed client). */
  kill(): void {
    this.ws.terminate();
  }
}

/** The `ws://…/ws` URL of a test server. */
export function wsUrl(baseUrl: string, query: Record<string, string> = {}): string {
  const url = new URL('/ws', baseUrl.replace(/^http/, 'ws'));
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  return url.toString();
}

/** A connect token for `client` (`POST /realtime/token`). */
export async function connectToken(client: ApiClient): Promise<string> {
  const res = await client.post('/realtime/token');
  if (res.status !== 200) throw new Error(`token failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.token;
}

/**
 * Opens a WebSocket as `client` (connect token by default; `null` for an anonymous socket) and
 * waits for `welcome`.
 */
export async function connectWs(baseUrl: string, client: ApiClient | null, options: ConnectOptions = {}): Promise<WsTestClient> {
  const query = { ...options.query };
  if (client && options.useToken !== false) query.token = await connectToken(client);
  const ws = new WebSocket(wsUrl(baseUrl, query), { headers: options.headers });
  const test = new WsTestClient(ws);
  if (options.awaitWelcome === false) return test;
  await Promise.race([
    test.waitFor((m) => m.type === 'welcome'),
    test.closed.then((c) => {
      throw new Error(`closed before welcome: ${c.code} ${c.reason}`);
    }),
  ]);
  return test;
}
