import type { Duplex } from 'node:stream';
import { CLOSE_CODES, type DurableEvent } from '@tandem/protocol';
import { type RawData, WebSocket } from 'ws';
import type { Connection, Transport } from './connection.ts';
import { Frame } from './frame.ts';
import type { Gateway } from './gateway.ts';
import type { RealtimeCounters } from './realtime-metrics.ts';
import { TokenBucket } from './token-bucket.ts';

/** How long a closing socket may take to finish the close handshake before it is cut. */
export const CLOSE_GRACE_MS = 2000;
/** A batched frame is written out once the messages it holds reach this many characters. */
const BATCH_CHARS = 64 * 1024;

/** What every WebSocket transport of one server shares (held once, not per socket). */
export interface TransportHub {
  readonly gateway: Gateway;
  readonly counters: RealtimeCounters;
  /** Frames past this are refused with `too_large` (4413). */
  readonly maxFrameBytes: number;
  /** Send-buffer cap: past it the client is a slow consumer and is closed. */
  readonly maxBuffered: number;
  /** Per-connection rate limit of client frames (each connection keeps its own bucket's state). */
  readonly frames: TokenBucket;
  /** Sockets with frames held until the end of this turn of the event loop. */
  readonly turn: TurnWrites;
}

/**
 * One accepted WebSocket as the gateway sees it: writes with the send-buffer cap, so a slow
 * reader never grows without bound, and reads with the frame-size cap and the rate limit. For a
 * client that takes batched frames, the messages of one turn leave as one frame of lines.
 */
export class WsTransport implements Transport {
  /** The gateway's connection; set right after the gateway opens it. */
  connection: Connection | null = null;
  /** This connection's bucket of {@link TransportHub.frames}. */
  #frameBucket = TokenBucket.FULL;
  #closing = false;
  #corked = false;
  /** Frames held for this turn's batched frame (a client that takes them); null when none are. */
  #held: Frame[] | null = null;
  #heldChars = 0;

  /** @param batched the client takes several messages per frame (`?batch=1`) */
  constructor(
    private readonly ws: WebSocket,
    private readonly hub: TransportHub,
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
export class TurnWrites {
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

  /** Holds `transport` corked until the end of this turn (the first one of a turn schedules the flush). */
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
