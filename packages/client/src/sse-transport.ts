import { CLOSE_CODES, type ClientMessage, closeCodeOfStatus, encodeSseEventId, type ServerMessage } from '@tandem/protocol';
import { type CookiePolicy, decode, type FetchLike, type RestClient } from './rest-client.ts';
import { type SseEvent, SseParser } from './sse-parser.ts';
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

interface Waiting {
  readonly id: string;
  readonly room: string;
}

interface Stream {
  readonly abort: AbortController;
  readonly rooms: ReadonlySet<string>;
  /** Each room's starting seq, from the server's `ready` event (null until it arrives). */
  positions: Readonly<Record<string, number>> | null;
}

/**
 * Server-Sent Events over `fetch` streaming (so it runs in Node as well as in browsers), for
 * when WebSocket is unavailable. One stream (`GET /api/v1/events?room=…&room=…`) carries every
 * subscribed room; subscribing to a room it does not carry restarts it with a `Last-Event-ID`
 * holding every room's last seq, so nothing is missed or repeated. SSE is one-way: presence,
 * cursors, locks and live edits need the WebSocket transport (the client rejects those requests
 * with `unavailable`).
 */
export class SseTransport implements Transport {
  readonly kind = 'sse';

  constructor(private readonly options: SseTransportOptions) {}

  async open(handlers: LinkHandlers): Promise<TransportLink> {
    const link = new SseLink(this.options, handlers);
    // No stream yet: the client subscribes its rooms once the link is ready, and those
    // subscribes open it, so a refusal can be told apart per room instead of failing the link.
    // After `open` resolves, so the connection already holds the link when it becomes ready.
    setTimeout(() => link.ready(), 0);
    return link;
  }
}

class SseLink implements TransportLink {
  #stream: Stream | null = null;
  #closed = false;
  #isReady = false;
  #restartTimer: ReturnType<typeof setTimeout> | null = null;
  #waiting: Waiting[] = [];
  /** Messages that arrived before the link was ready (replay can start at once). */
  readonly #early: ServerMessage[] = [];
  readonly #fetch: FetchLike;

  constructor(
    private readonly options: SseTransportOptions,
    private readonly handlers: LinkHandlers,
  ) {
    // Bound: browsers refuse `fetch` called as a method of another object ("Illegal invocation").
    const fetchFn = options.fetch ?? (globalThis.fetch?.bind(globalThis) as FetchLike | undefined);
    if (!fetchFn) throw new Error('No fetch available; pass options.fetch.');
    this.#fetch = fetchFn;
  }

  ready(): void {
    if (this.#closed || this.#isReady) return;
    this.#isReady = true;
    this.handlers.onReady(null);
    const early = this.#early.splice(0);
    for (const message of early) this.handlers.onMessage(message);
  }

  canSend(type: ClientMessage['type']): boolean {
    return SSE_TYPES.has(type);
  }

  send(message: ClientMessage): void {
    if (this.#closed) return;
    const id = message.id === undefined ? null : String(message.id);
    if (message.type === 'unsubscribe') {
      if (id) this.#later({ type: 'ack', id, room: message.room });
      if (this.#stream?.rooms.has(message.room)) this.#scheduleRestart();
      return;
    }
    if (message.type !== 'subscribe') return;
    const stream = this.#stream;
    if (stream?.rooms.has(message.room) && !stream.positions) {
      // The starting stream carries the room: its `ready` event answers.
      if (id) this.#waiting.push({ id, room: message.room });
      return;
    }
    // A room the stream does not carry, or a resume of one it does (the client saw a gap):
    // restart from every room's last seq.
    if (id) this.#waiting.push({ id, room: message.room });
    this.#scheduleRestart();
  }

  close(): void {
    this.#closed = true;
    if (this.#restartTimer) clearTimeout(this.#restartTimer);
    this.#stream?.abort.abort();
    this.#stream = null;
  }

  /** Batches the membership changes of one tick (e.g. every room after connecting) into one restart. */
  #scheduleRestart(): void {
    this.#restartTimer ??= setTimeout(() => {
      this.#restartTimer = null;
      this.restart().catch((err: unknown) => this.#restartFailed(err));
    }, 0);
  }

  #restartFailed(err: unknown): void {
    const error = err instanceof TandemError ? err : new TandemError('unavailable', String(err));
    if (error.code === 'unauthenticated') {
      this.#lost(closeCodeOfStatus(error.status), error.message);
      return;
    }
    const waiting = this.#waiting;
    this.#waiting = [];
    if (error.retryable || waiting.length === 0) {
      this.#lost(CLOSE_CODES.abnormal, error.message);
      return;
    }
    // A room is not readable: refuse it (the server names it; else the whole batch), the client
    // marks it failed and stops asking for it, and the stream restarts with the others.
    const room = typeof error.details?.room === 'string' ? error.details.room : null;
    for (const w of waiting) {
      if (room === null || w.room === room) this.#emit({ type: 'error', id: w.id, code: error.code, message: error.message, details: error.details });
      else this.#waiting.push(w);
    }
    this.#scheduleRestart();
  }

  /** (Re)opens the stream with the rooms the client holds; rejects with a `TandemError` when refused. */
  async restart(): Promise<void> {
    const rooms = this.options.rooms();
    this.#stream?.abort.abort();
    this.#stream = null;
    // Nothing to carry: no stream until the first room is subscribed.
    if (rooms.length === 0 || this.#closed) return;
    const abort = new AbortController();
    const known = Object.fromEntries(rooms.filter((r) => r.since !== null).map((r) => [r.room, r.since as number]));
    const headers = await this.options.api.headers({
      accept: 'text/event-stream',
      ...(Object.keys(known).length > 0 ? { 'last-event-id': encodeSseEventId(known) } : {}),
    });
    let response: Response;
    try {
      response = await this.#fetch(this.options.api.url('/events', { room: rooms.map((r) => r.room) }), {
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
    if (this.#closed) {
      abort.abort();
      return;
    }
    const stream: Stream = { abort, rooms: new Set(rooms.map((r) => r.room)), positions: null };
    this.#stream = stream;
    void this.#read(response.body, stream);
  }

  async #read(body: ReadableStream<Uint8Array>, stream: Stream): Promise<void> {
    const reader = body.getReader();
    const decoder = new TextDecoder();
    const parser = new SseParser(
      (event) => {
        this.handlers.onActivity();
        if (this.#stream === stream) this.#onEvent(event, stream);
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
    if (this.#stream === stream && !stream.abort.signal.aborted) this.#lost(CLOSE_CODES.abnormal, 'event stream ended');
  }

  #onEvent(event: SseEvent, stream: Stream): void {
    let data: unknown;
    try {
      data = JSON.parse(event.data);
    } catch {
      // The server sends only JSON; anything else (a proxy's banner) is ignored, not fatal.
      return;
    }
    if (event.event === 'close') {
      const { code, reason } = data as { code?: unknown; reason?: unknown };
      this.#lost(typeof code === 'number' ? code : CLOSE_CODES.abnormal, typeof reason === 'string' ? reason : '');
      return;
    }
    if (event.event === 'ready') {
      const positions = ((data as { rooms?: Record<string, number> }).rooms ?? {}) as Record<string, number>;
      stream.positions = positions;
      const waiting = this.#waiting;
      this.#waiting = [];
      for (const w of waiting) {
        if (stream.rooms.has(w.room)) this.#emit({ type: 'ack', id: w.id, room: w.room, seq: positions[w.room] ?? null });
        else this.#waiting.push(w);
      }
      return;
    }
    if (data && typeof data === 'object' && typeof (data as { type?: unknown }).type === 'string') this.#emit(data as ServerMessage);
  }

  /** Delivers a synthesized answer after the caller finished sending (like a server would). */
  #later(message: ServerMessage): void {
    setTimeout(() => {
      if (!this.#closed) this.#emit(message);
    }, 0);
  }

  #emit(message: ServerMessage): void {
    if (this.#isReady) this.handlers.onMessage(message);
    else this.#early.push(message);
  }

  #lost(code: number, reason: string): void {
    if (this.#closed) return;
    this.close();
    this.handlers.onClose(code, reason);
  }
}
