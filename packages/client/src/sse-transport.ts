import type { ClientMessage, ServerMessage } from '@tandem/protocol';
import { type CookiePolicy, decode, type FetchLike, type RestClient } from './rest-client.ts';
import { SseParser } from './sse-parser.ts';
import { TandemError } from './tandem-error.ts';
import type { LinkHandlers, Transport, TransportLink } from './transport.ts';

/** A room the SSE stream should carry, with the last seq the client has. */
export interface SseRoom {
  readonly room: string;
  readonly since: number | null;
}

/** Options of {@link SseTransport}. */
export interface SseTransportOptions {
  readonly api: RestClient;
  readonly fetch?: FetchLike;
  readonly credentials?: CookiePolicy;
  /** The rooms the stream must carry right now, read on every (re)start. */
  readonly rooms: () => readonly SseRoom[];
}

/** Message types an SSE link carries: only room membership (it restarts the stream). */
const SSE_TYPES: ReadonlySet<ClientMessage['type']> = new Set(['subscribe', 'unsubscribe']);

/**
 * Server-Sent Events over `fetch` streaming (so it runs in Node as well as in browsers), for
 * when WebSocket is unavailable. One stream carries every subscribed room: subscribing or
 * leaving a room restarts it with `Last-Event-ID` so nothing is missed. SSE is one-way:
 * presence, cursors, locks and live edits need the WebSocket transport.
 */
export class SseTransport implements Transport {
  readonly kind = 'sse';

  constructor(private readonly options: SseTransportOptions) {}

  async open(handlers: LinkHandlers): Promise<TransportLink> {
    const link = new SseLink(this.options, handlers);
    await link.start();
    // After `open` resolves, so the connection already holds the link when it becomes ready.
    setTimeout(() => link.ready(), 0);
    return link;
  }
}

class SseLink implements TransportLink {
  #abort: AbortController | null = null;
  #closed = false;
  #restartTimer: ReturnType<typeof setTimeout> | null = null;
  #waiting: string[] = [];
  #isReady = false;
  readonly #fetch: FetchLike;

  constructor(
    private readonly options: SseTransportOptions,
    private readonly handlers: LinkHandlers,
  ) {
    const fetchFn = options.fetch ?? (globalThis.fetch as FetchLike | undefined);
    if (!fetchFn) throw new Error('No fetch available; pass options.fetch.');
    this.#fetch = fetchFn;
  }

  ready(): void {
    if (this.#closed || this.#isReady) return;
    this.#isReady = true;
    this.handlers.onReady(null);
  }

  canSend(type: ClientMessage['type']): boolean {
    return SSE_TYPES.has(type);
  }

  send(message: ClientMessage): void {
    if (!SSE_TYPES.has(message.type) || this.#closed) return;
    if (message.id !== undefined) this.#waiting.push(String(message.id));
    // Batch the subscribes of one tick (e.g. every room after connecting) into one restart.
    this.#restartTimer ??= setTimeout(() => {
      this.#restartTimer = null;
      void this.#restart();
    }, 0);
  }

  close(): void {
    this.#closed = true;
    if (this.#restartTimer) clearTimeout(this.#restartTimer);
    this.#abort?.abort();
  }

  /** Opens the first stream; rejects with a `TandemError` when the server refuses it. */
  async start(): Promise<void> {
    await this.#openStream();
  }

  async #restart(): Promise<void> {
    const waiting = this.#waiting;
    this.#waiting = [];
    try {
      await this.#openStream();
    } catch (err) {
      const error = err instanceof TandemError ? err : new TandemError('unavailable', String(err));
      if (error.retryable || waiting.length === 0) {
        this.#lost(1006, error.message);
        return;
      }
      // A room in this batch is not readable: refuse the batch; the client drops those rooms.
      for (const id of waiting) this.#deliver({ type: 'error', id, code: error.code, message: error.message });
      return;
    }
    for (const id of waiting) this.#deliver({ type: 'ack', id });
  }

  async #openStream(): Promise<void> {
    this.#abort?.abort();
    this.#abort = null;
    const rooms = this.options.rooms();
    // Nothing to carry: no stream until the first room is subscribed.
    if (rooms.length === 0 || this.#closed) return;
    const abort = new AbortController();
    const lastEventId = resumeId(rooms);
    const headers = await this.options.api.headers({ accept: 'text/event-stream', ...(lastEventId ? { 'last-event-id': lastEventId } : {}) });
    let response: Response;
    try {
      response = await this.#fetch(this.options.api.url('/events', resumeQuery(rooms)), {
        headers,
        signal: abort.signal,
        credentials: this.options.credentials ?? 'same-origin',
      });
    } catch (err) {
      throw new TandemError('unavailable', `Could not open the event stream: ${(err as Error)?.message ?? err}`);
    }
    if (!response.ok || !response.body) {
      await decode(response);
      throw new TandemError('unavailable', 'The event stream has no body.');
    }
    this.#abort = abort;
    void this.#read(response.body, abort);
  }

  async #read(body: ReadableStream<Uint8Array>, abort: AbortController): Promise<void> {
    const reader = body.getReader();
    const decoder = new TextDecoder();
    const parser = new SseParser(
      (event) => {
        this.handlers.onActivity();
        try {
          const message = JSON.parse(event.data) as ServerMessage;
          if (message && typeof message.type === 'string') this.#deliver(message);
        } catch {
          // Not a protocol message (the server sends only JSON); ignore rather than drop the stream.
        }
      },
      () => this.handlers.onActivity(),
    );
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        parser.push(decoder.decode(value, { stream: true }));
      }
    } catch {
      // An aborted or broken stream ends the same way: below.
    }
    if (abort.signal.aborted || this.#abort !== abort) return;
    this.#lost(1006, 'event stream ended');
  }

  #deliver(message: ServerMessage): void {
    if (this.#closed) return;
    const closeFrame = message as { type: string; code?: unknown; reason?: unknown };
    if (closeFrame.type === 'close' && typeof closeFrame.code === 'number') {
      this.#lost(closeFrame.code, typeof closeFrame.reason === 'string' ? closeFrame.reason : '');
      return;
    }
    this.handlers.onMessage(message);
  }

  #lost(code: number, reason: string): void {
    if (this.#closed) return;
    this.close();
    this.handlers.onClose(code, reason);
  }
}

/** Query parameters of the stream: every room, repeated. */
function resumeQuery(rooms: readonly SseRoom[]): Record<string, readonly string[]> {
  return { room: rooms.map((r) => r.room) };
}

/** The `Last-Event-ID` the stream resumes from (none when no room has a seq yet). */
function resumeId(rooms: readonly SseRoom[]): string | null {
  const known = rooms.filter((r) => r.since !== null);
  if (known.length === 0) return null;
  if (rooms.length === 1 && known[0]) return String(known[0].since);
  return JSON.stringify(Object.fromEntries(known.map((r) => [r.room, r.since])));
}
