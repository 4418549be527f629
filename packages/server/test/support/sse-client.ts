/** One Server-Sent Event as a test sees it. */
export interface SseEvent {
  readonly event: string;
  readonly id: string | null;
  readonly data: unknown;
}

/** A streaming SSE reader over `fetch`, for tests. */
export class SseTestClient {
  readonly events: SseEvent[] = [];
  readonly status: number;
  readonly headers: Headers;
  /** Resolves when the server ends the stream. */
  readonly ended: Promise<void>;
  readonly #controller: AbortController;

  private constructor(res: Response, controller: AbortController) {
    this.status = res.status;
    this.headers = res.headers;
    this.#controller = controller;
    this.ended = this.#read(res);
  }

  /** Opens `GET /api/v1/events?room=…` with the bearer token and optional `Last-Event-ID`. */
  static async open(baseUrl: string, token: string, rooms: readonly string[], lastEventId?: string): Promise<SseTestClient> {
    const url = new URL('/api/v1/events', baseUrl);
    for (const room of rooms) url.searchParams.append('room', room);
    const controller = new AbortController();
    const res = await fetch(url, {
      headers: { authorization: `Bearer ${token}`, ...(lastEventId ? { 'last-event-id': lastEventId } : {}) },
      signal: controller.signal,
    });
    return new SseTestClient(res, controller);
  }

  async #read(res: Response): Promise<void> {
    if (!res.body) return;
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          this.#parse(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
          end = buffer.indexOf('\n\n');
        }
      }
    } catch {
      // aborted by close()
    }
  }

  #parse(block: string): void {
    let event = 'message';
    let id: string | null = null;
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') event = value;
      else if (field === 'id') id = value;
      else if (field === 'data') data.push(value);
    }
    if (data.length === 0) return;
    const text = data.join('\n');
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {}
    this.events.push({ event, id, data: parsed });
  }

  /** The id of the last event that carried one (what a browser would send as `Last-Event-ID`). */
  lastEventId(): string | undefined {
    for (let i = this.events.length - 1; i >= 0; i--) {
      const id = this.events[i]?.id;
      if (id) return id;
    }
    return undefined;
  }

  /** Resolves once an event matching `match` has arrived. */
  async waitFor(match: (e: SseEvent) => boolean, timeoutMs = 20_000): Promise<SseEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.find(match);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`timed out waiting for an SSE event; got ${JSON.stringify(this.events.slice(-3))}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Durable events (those with a `seq`) of `room`. */
  durable(room: string): { seq: number; type: string }[] {
    return this.events
      .map((e) => e.data as { room?: string; seq?: number; type?: string })
      .filter((d) => d && d.room === room && typeof d.seq === 'number')
      .map((d) => ({ seq: d.seq as number, type: d.type as string }));
  }

  /** Drops the connection. */
  close(): void {
    this.#controller.abort();
  }
}
