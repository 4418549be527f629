/**
 * A message serialised once and shared by every recipient: the JSON text (for SSE) and, encoded
 * on first use, its WebSocket frame, so a room with many subscribers pays for `JSON.stringify`
 * and the encoding once per message, not once per socket.
 */
export class Frame {
  #wire: Buffer | null = null;
  #headerLength = 0;

  constructor(readonly json: string) {}

  /** Serialises `message` into a frame. */
  static of(message: unknown): Frame {
    return new Frame(JSON.stringify(message));
  }

  /** One frame carrying several messages, one per line (a batched frame, see `WS_BATCH_PARAM`). */
  static lines(frames: readonly Frame[]): Frame {
    return new Frame(frames.map((f) => f.json).join('\n'));
  }

  /** The UTF-8 bytes of {@link json} (a view into {@link wire}, not a second copy). */
  get bytes(): Buffer {
    return this.wire.subarray(this.#headerLength);
  }

  /**
   * The complete WebSocket text frame (RFC 6455 §5.2: FIN, opcode 1, unmasked as every
   * server-to-client frame is), encoded once straight from the JSON, so fanning out to a thousand
   * sockets writes the same buffer a thousand times instead of framing the message for each.
   */
  get wire(): Buffer {
    if (!this.#wire) {
      const length = Buffer.byteLength(this.json);
      this.#headerLength = length < 126 ? 2 : length < 65_536 ? 4 : 10;
      this.#wire = wsTextFrame(this.json, length, this.#headerLength);
    }
    return this.#wire;
  }
}

function wsTextFrame(json: string, length: number, headerLength: number): Buffer {
  const frame = Buffer.allocUnsafe(headerLength + length);
  frame[0] = 0x81;
  if (headerLength === 2) {
    frame[1] = length;
  } else if (headerLength === 4) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  frame.write(json, headerLength, 'utf8');
  return frame;
}
