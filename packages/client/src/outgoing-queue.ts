import type { ClientMessage } from '@tandem/protocol';
import type { PendingRequests } from './pending-requests.ts';
import { TandemError } from './tandem-error.ts';
import type { TransportLink } from './transport.ts';

/** Most messages kept while offline; past this the oldest is dropped (and its request rejected). */
export const OUTGOING_QUEUE_LIMIT = 1000;

/** A client message without its correlation id (the SDK assigns ids). */
export type OutgoingMessage = ClientMessage extends infer M ? (M extends ClientMessage ? Omit<M, 'id'> : never) : never;

/** Message types that only make sense "now": dropped while offline instead of queued. */
const EPHEMERAL: ReadonlySet<ClientMessage['type']> = new Set([
  'user_cursor',
  'cell_edit',
  'typing',
  'ping',
  // A document re-syncs on every subscription, which carries whatever did not go out.
  'doc_sync',
  'doc_awareness',
]);

interface Queued {
  readonly message: ClientMessage;
  /** The request id, when a caller waits for the answer (rejected if the message cannot go). */
  readonly id: string | null;
}

/**
 * Messages on their way to the server: written at once while a link is up, kept in order (up to
 * a limit, oldest dropped first) while it is down, ephemeral ones dropped. A request whose
 * message is dropped or cannot travel on the link is rejected through `pending`.
 */
export class OutgoingQueue {
  readonly #queue: Queued[] = [];

  constructor(
    private readonly pending: PendingRequests,
    /** Most messages kept while offline. */
    private readonly limit: number,
  ) {}

  /** Messages waiting for the connection. */
  get length(): number {
    return this.#queue.length;
  }

  /** Sends `message` on `link`, or keeps it for the next link when there is none. */
  write(link: TransportLink | null, message: ClientMessage, id: string | null): void {
    const item = { message, id };
    if (link) {
      this.#transmit(link, item);
      return;
    }
    if (EPHEMERAL.has(message.type)) {
      if (id) this.pending.reject(id, new TandemError('unavailable', 'Not connected.'));
      return;
    }
    this.#queue.push(item);
    while (this.#queue.length > this.limit) {
      const dropped = this.#queue.shift();
      if (dropped?.id) this.pending.reject(dropped.id, new TandemError('unavailable', 'The offline queue is full; the oldest message was dropped.'));
    }
  }

  /** Sends everything kept, in order, on a new link. */
  flush(link: TransportLink): void {
    for (const item of this.#queue.splice(0)) this.#transmit(link, item);
  }

  /** Forgets everything kept (the client was closed; the requests are rejected by the caller). */
  clear(): void {
    this.#queue.length = 0;
  }

  #transmit(link: TransportLink, item: Queued): void {
    if (!link.canSend(item.message.type)) {
      if (item.id) this.pending.reject(item.id, new TandemError('unavailable', `${item.message.type} needs the WebSocket transport.`));
      return;
    }
    link.send(item.message);
    if (item.id) this.pending.sent(item.id);
  }
}
