import type { RoomSpec } from '../messages.ts';

/** What an adapter hands back to the worker for every frame a connection receives. */
export interface FrameSink {
  /** A frame that may carry a delivery; `text` is the raw payload. */
  frame(text: string): void;
  /** The connection closed (for any reason). */
  closed(): void;
}

/** One open client connection, whichever server it talks to. */
export interface ClientConnection {
  /**
   * Joins `room`; `since` asks for the events after that order key (Tandem resume). Resolves with
   * the order key the connection now has (Tandem's `seq` in the `ack`), when the server says.
   */
  subscribe(room: RoomSpec, since: number | undefined): Promise<number | undefined>;
  /** Publishes a message carrying `marker` into `room`. */
  publish(room: RoomSpec, marker: string): void;
  /** Bytes queued in the socket that the kernel has not taken yet. */
  bufferedAmount(): number;
  /** Drops the connection at once, without a closing handshake where the transport allows. */
  terminate(): void;
}

/** Where and as whom to connect. */
export interface OpenOptions {
  /** HTTP base URL of the node, e.g. `http://127.0.0.1:4100`. */
  readonly url: string;
  readonly token: string | undefined;
  /** Source address to bind (spreads connections past the ephemeral port range of one address). */
  readonly localAddress: string | undefined;
  readonly timeoutMs: number;
}

/** A small per-server shim: the load generator speaks to every server only through this. */
export interface ClientAdapter {
  open(options: OpenOptions, sink: FrameSink): Promise<ClientConnection>;
  /**
   * Whether a frame counts as a delivery, given its text (Tandem also sends other event types to
   * the same room, e.g. `activity_created` next to `record_updated`).
   */
  counts(text: string): boolean;
  /**
   * The order key of a frame for gap detection: Tandem's per-room `seq` of durable events, the
   * publisher's message number for the peers (they have none). Undefined: not ordered.
   */
  orderKey(text: string, msgno: number | undefined): number | undefined;
}

/** Rejects after `ms` unless `promise` settles first. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}
