/**
 * A message serialised once and shared by every recipient: the JSON text (for SSE) and, encoded
 * on first use, its UTF-8 bytes (for WebSocket frames), so a room with many subscribers pays for
 * `JSON.stringify` and the encoding once per message, not once per socket.
 */
export class Frame {
  #bytes: Buffer | null = null;
  #wire: Buffer | null = null;

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

  /**
   * The complete WebSocket text frame (RFC 6455 §5.2: FIN, opcode 1, unmasked as every
   * server-to-client frame is), built once, so fanning out to a thousand sockets writes the same
   * buffer a thousand times instead of framing the message for each.
   */
  get wire(): Buffer {
    this.#wire ??= wsTextFrame(this.bytes);
    return this.#wire;
  }
}

function wsTextFrame(payload: Buffer): Buffer {
  const length = payload.length;
  const headerLength = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(headerLength + length);
  frame[0] = 0x81;
  if (length < 126) {
    frame[1] = length;
  } else if (length < 65_536) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  payload.copy(frame, headerLength);
  return frame;
}
