/**
 * A message serialised once and shared by every recipient: the JSON text (for SSE) and, encoded
 * on first use, its UTF-8 bytes (for WebSocket frames), so a room with many subscribers pays for
 * `JSON.stringify` and the encoding once per message, not once per socket.
 */
export class Frame {
  #bytes: Buffer | null = null;

  constructor(readonly json: string) {}

  /** Serialises `message` into a frame. */
  static of(message: unknown): Frame {
    return new Frame(JSON.stringify(message));
  }

  /** The UTF-8 bytes of {@link json}. */
  get bytes(): Buffer {
    this.#bytes ??= Buffer.from(this.json);
    return this.#bytes;
  }
}
