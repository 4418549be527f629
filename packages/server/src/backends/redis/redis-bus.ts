import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Bus, BusMessage } from '../bus.ts';

/** Options for {@link RedisBus}. */
export interface RedisBusOptions {
  /** Connection used only for PUBLISH; its offline queue keeps messages in order across a short outage. */
  readonly publisher: Redis;
  /** Connection the bus puts in subscribe mode; nothing else may use it. */
  readonly subscriber: Redis;
  /** Key and channel prefix (`REDIS_PREFIX`); the channel is `<prefix>bus`. */
  readonly prefix: string;
  /** This node's id: its own messages come back from Redis marked with it and are skipped (it delivered them already). */
  readonly nodeId: string;
  readonly log: Logger;
  /**
   * Publishes not yet acknowledged by Redis beyond which new ones are dropped (they pile up only
   * while Redis is unreachable). Default 10 000.
   */
  readonly maxPending?: number;
}

/**
 * The bus over Redis pub/sub: every node subscribes to one channel. A node delivers its own
 * messages to its handlers at once (on the next microtask, as the in-process bus does) and other
 * nodes get them through Redis, so subscribers on the publishing node never wait for the Redis
 * round trip and the publisher never parses its own messages; each payload carries its node's id
 * so the copy Redis echoes back is skipped. Messages of one publisher reach every node in publish
 * order. A message is serialised once on publish and parsed once per other node on receipt.
 *
 * Failure behaviour: while the subscriber connection is down, messages for this node are lost;
 * once it is back and subscribed again, `onReconnect` handlers run so the gateway can read what
 * it missed from the event log. Publishes made while Redis is unreachable wait (in order) until
 * it returns, up to `maxPending`; beyond that they are dropped and logged.
 */
export class RedisBus implements Bus {
  readonly #publisher: Redis;
  readonly #subscriber: Redis;
  readonly #channel: string;
  readonly #log: Logger;
  readonly #maxPending: number;
  /** Prefix of this node's payloads: its id and a newline (ids never contain one). */
  readonly #origin: string;
  readonly #handlers = new Set<(message: BusMessage) => void>();
  readonly #reconnectHandlers = new Set<() => void>();
  #pending = 0;
  #dropped = 0;
  #closed = false;
  /** Set when the subscriber connection closes; cleared once it is subscribed again. */
  #lost = false;

  readonly #onMessage = (channel: string, payload: string) => {
    if (this.#closed || channel !== this.#channel || payload.startsWith(this.#origin)) return;
    let message: BusMessage;
    try {
      message = JSON.parse(payload.slice(payload.indexOf('\n') + 1)) as BusMessage;
    } catch (err) {
      this.#log.error({ err }, 'unreadable bus message ignored');
      return;
    }
    this.#deliver(message);
  };

  #deliver(message: BusMessage): void {
    if (this.#closed) return;
    for (const handler of this.#handlers) {
      try {
        handler(message);
      } catch (err) {
        // One failing handler must not starve the others of the message.
        this.#log.error({ err }, 'bus handler failed');
      }
    }
  }

  readonly #onClose = () => {
    if (!this.#closed) this.#lost = true;
  };

  readonly #onReady = () => {
    if (this.#closed || !this.#lost) return;
    void this.#resubscribe();
  };

  constructor(options: RedisBusOptions) {
    this.#publisher = options.publisher;
    this.#subscriber = options.subscriber;
    this.#channel = `${options.prefix}bus`;
    this.#log = options.log;
    this.#maxPending = options.maxPending ?? 10_000;
    this.#origin = `${options.nodeId}\n`;
    this.#subscriber.on('message', this.#onMessage);
    this.#subscriber.on('close', this.#onClose);
    this.#subscriber.on('ready', this.#onReady);
  }

  /** The Redis channel every node publishes to and subscribes to. */
  get channel(): string {
    return this.#channel;
  }

  /** Subscribes; resolves once Redis confirms, so nothing published afterwards is missed. */
  async start(): Promise<void> {
    await this.#subscriber.subscribe(this.#channel);
  }

  /**
   * Delivers the message on this node and hands it to the publisher connection at once (which
   * fixes its order for the other nodes); resolves without waiting for Redis: a committed write
   * must not stall on a Redis outage, and the event log is the source of truth for anything lost.
   */
  async publish(message: BusMessage): Promise<void> {
    if (this.#closed) throw new Error('bus closed');
    queueMicrotask(() => this.#deliver(message));
    if (this.#pending >= this.#maxPending) {
      this.#dropped += 1;
      // Log the first drop and then every thousandth, not one line per message.
      if (this.#dropped % 1000 === 1) this.#log.warn({ dropped: this.#dropped, pending: this.#pending }, 'Redis unreachable: bus messages dropped');
      return;
    }
    this.#pending += 1;
    this.#publisher.publish(this.#channel, this.#origin + JSON.stringify(message)).then(
      () => {
        this.#pending -= 1;
      },
      (err: unknown) => {
        this.#pending -= 1;
        if (!this.#closed) this.#log.warn({ err }, 'bus publish failed');
      },
    );
  }

  onMessage(handler: (message: BusMessage) => void): () => void {
    this.#handlers.add(handler);
    return () => this.#handlers.delete(handler);
  }

  onReconnect(handler: () => void): () => void {
    this.#reconnectHandlers.add(handler);
    return () => this.#reconnectHandlers.delete(handler);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#handlers.clear();
    this.#reconnectHandlers.clear();
    this.#subscriber.off('message', this.#onMessage);
    this.#subscriber.off('close', this.#onClose);
    this.#subscriber.off('ready', this.#onReady);
    // Not awaited: during an outage the command would wait for Redis to return.
    if (this.#subscriber.status === 'ready') this.#subscriber.unsubscribe(this.#channel).catch(() => undefined);
  }

  async #resubscribe(): Promise<void> {
    try {
      await this.#subscriber.subscribe(this.#channel);
    } catch (err) {
      // The connection dropped again; its next 'ready' retries.
      this.#log.warn({ err }, 'bus re-subscribe failed');
      return;
    }
    if (this.#closed) return;
    this.#lost = false;
    this.#log.info('bus subscription restored');
    // Only now, with the subscription live, may the gateway read the log: anything committed
    // after its read arrives through the subscription, so there is no window for a silent gap.
    for (const handler of this.#reconnectHandlers) {
      try {
        handler();
      } catch (err) {
        this.#log.error({ err }, 'bus reconnect handler failed');
      }
    }
  }
}
