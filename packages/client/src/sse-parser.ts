/** One event of a `text/event-stream`. */
export interface SseEvent {
  /** The `id:` field, or null when the event had none. */
  readonly id: string | null;
  /** The `event:` field (default `message`). */
  readonly event: string;
  readonly data: string;
}

/**
 * An incremental parser of the `text/event-stream` format (WHATWG HTML §9.2): feed it chunks
 * as they arrive; it calls `onEvent` per complete event and `onComment` per `:` line
 * (keep-alives). Handles CRLF, CR and LF line ends split across chunks.
 */
export class SseParser {
  #buffer = '';
  #id: string | null = null;
  #event = '';
  #data: string[] = [];
  #sawCr = false;

  constructor(
    private readonly onEvent: (event: SseEvent) => void,
    private readonly onComment: (text: string) => void = () => undefined,
  ) {}

  /** Feeds decoded text. */
  push(chunk: string): void {
    let text = chunk;
    // A CRLF split across chunks: the LF belongs to the line the CR already ended.
    if (this.#sawCr && text.startsWith('\n')) text = text.slice(1);
    this.#sawCr = false;
    this.#buffer += text;
    let start = 0;
    for (let i = 0; i < this.#buffer.length; i += 1) {
      const ch = this.#buffer[i];
      if (ch !== '\n' && ch !== '\r') continue;
      this.#line(this.#buffer.slice(start, i));
      if (ch === '\r') {
        if (i + 1 === this.#buffer.length) this.#sawCr = true;
        else if (this.#buffer[i + 1] === '\n') i += 1;
      }
      start = i + 1;
    }
    this.#buffer = this.#buffer.slice(start);
  }

  #line(line: string): void {
    if (line === '') {
      if (this.#data.length > 0) this.onEvent({ id: this.#id, event: this.#event || 'message', data: this.#data.join('\n') });
      this.#event = '';
      this.#data = [];
      return;
    }
    if (line.startsWith(':')) {
      this.onComment(line.slice(1).trimStart());
      return;
    }
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.#data.push(value);
    else if (field === 'event') this.#event = value;
    else if (field === 'id' && !value.includes('\0')) this.#id = value;
  }
}
