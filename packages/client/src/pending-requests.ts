import type { ClientMessage, ServerSignal } from '@tandem/protocol';
import { TandemError } from './tandem-error.ts';

/** Default time to wait for the `ack` of a sent request before rejecting it. */
export const REQUEST_TIMEOUT_MS = 15_000;

/** The server's answer to a request that carried an `id`. */
export type Ack = Extract<ServerSignal, { type: 'ack' }>;

interface Pending {
  readonly message: ClientMessage;
  readonly resolve: (ack: Ack) => void;
  readonly reject: (error: TandemError) => void;
  timer: ReturnType<typeof setTimeout> | null;
}

/**
 * Requests waiting for their `ack` or `error`, by id. A request counts as in flight from the
 * moment it is written to the link; if the link drops first, its fate is unknown and it is
 * rejected with `unavailable` (retryable), so the caller can decide to send it again.
 */
export class PendingRequests {
  #next = 0;
  readonly #byId = new Map<string, Pending>();

  constructor(private readonly timeoutMs = REQUEST_TIMEOUT_MS) {}

  /** A fresh request id. */
  nextId(): string {
    this.#next += 1;
    return `c${this.#next}`;
  }

  /** Tracks a request that has an id; the promise settles on ack, error, timeout or drop. */
  track(message: ClientMessage & { readonly id: string }): Promise<Ack> {
    return new Promise<Ack>((resolve, reject) => {
      this.#byId.set(message.id, { message, resolve, reject, timer: null });
    });
  }

  /** Starts the ack timeout of a request once it is on the wire. */
  sent(id: string): void {
    const pending = this.#byId.get(id);
    if (!pending || pending.timer) return;
    pending.timer = setTimeout(
      () => this.reject(id, new TandemError('unavailable', `No answer to ${pending.message.type} within ${this.timeoutMs} ms.`)),
      this.timeoutMs,
    );
  }

  /** Whether a request is still waiting. */
  has(id: string): boolean {
    return this.#byId.has(id);
  }

  /** Settles a request from an `ack`; returns false for an unknown id. */
  resolve(ack: Ack): boolean {
    const pending = this.#take(String(ack.id));
    pending?.resolve(ack);
    return pending !== undefined;
  }

  /** Rejects one request; returns false for an unknown id. */
  reject(id: string, error: TandemError): boolean {
    const pending = this.#take(id);
    pending?.reject(error);
    return pending !== undefined;
  }

  /** Rejects every request already on the wire (the link dropped); queued ones stay. */
  rejectSent(error: TandemError): void {
    for (const [id, pending] of [...this.#byId]) if (pending.timer) this.reject(id, error);
  }

  /** Rejects everything (the client closed). */
  rejectAll(error: TandemError): void {
    for (const id of [...this.#byId.keys()]) this.reject(id, error);
  }

  #take(id: string): Pending | undefined {
    const pending = this.#byId.get(id);
    if (!pending) return undefined;
    this.#byId.delete(id);
    if (pending.timer) clearTimeout(pending.timer);
    return pending;
  }
}
