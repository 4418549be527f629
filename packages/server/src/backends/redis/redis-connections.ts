import { Redis } from 'ioredis';
import type { Logger } from 'pino';

/** The Redis connections one server node holds, each named so operators can tell them apart in `CLIENT LIST`. */
export interface RedisConnections {
  /**
   * Carries bus publishes. Commands issued while Redis is unreachable wait in an ordered offline
   * queue and go out after reconnecting, so a short outage delays messages instead of losing them.
   */
  readonly publisher: Redis;
  /** Held in subscribe mode by the bus; it re-subscribes itself after a reconnect. */
  readonly subscriber: Redis;
  /**
   * Carries presence and lock commands. They fail at once while Redis is unreachable (no offline
   * queue) so a caller gets an error instead of waiting out an outage.
   */
  readonly store: Redis;
  /** The `CLIENT SETNAME` prefix shared by this node's connections: `<prefix>node:<nodeId>:`. */
  readonly namePrefix: string;
  /** Closes every connection (QUIT, then disconnect if Redis does not answer). */
  close(): Promise<void>;
}

/** Options for {@link openRedisConnections}. */
export interface RedisConnectionOptions {
  /** `redis://` or `rediss://` URL. */
  readonly url: string;
  /** The key and channel prefix (`REDIS_PREFIX`, default `tandem:`). */
  readonly prefix: string;
  /** Identifies this node in connection names and presence entries. */
  readonly nodeId: string;
  readonly log: Logger;
}

/** How long `close` waits for QUIT before dropping a connection. */
const QUIT_WAIT_MS = 1000;

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/** Reconnect delay: quick at first, then at most 2 s, so a node rejoins soon after Redis returns. */
function retryDelay(attempt: number): number {
  return Math.min(50 * 2 ** Math.min(attempt, 6), 2000);
}

/**
 * Opens and readies the three connections of a node. Rejects (after closing what was opened) when
 * Redis cannot be reached at start-up: a node that starts without its bus would silently serve
 * stale data, so failing loudly is better.
 */
export async function openRedisConnections(options: RedisConnectionOptions): Promise<RedisConnections> {
  // Client names may not contain spaces; the prefix is operator-chosen, so replace them.
  const namePrefix = `${options.prefix}node:${options.nodeId}:`.replace(/\s/g, '_');
  const open = (role: string, extra: { enableOfflineQueue: boolean; maxRetriesPerRequest: number | null }) => {
    const client = new Redis(options.url, {
      connectionName: `${namePrefix}${role}`,
      lazyConnect: true,
      retryStrategy: retryDelay,
      // The bus restores its own subscription so it can tell the gateway once it is live again.
      autoResubscribe: false,
      ...extra,
    });
    let reported = false;
    client.on('error', (err: Error) => {
      // ioredis emits an error per failed reconnect attempt; one log line per outage is enough.
      if (reported) return;
      reported = true;
      options.log.warn({ err, connection: role }, 'Redis connection error');
    });
    client.on('ready', () => {
      if (reported) options.log.info({ connection: role }, 'Redis connection restored');
      reported = false;
    });
    return client;
  };
  const publisher = open('pub', { enableOfflineQueue: true, maxRetriesPerRequest: null });
  const subscriber = open('sub', { enableOfflineQueue: true, maxRetriesPerRequest: null });
  const store = open('store', { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  const all = [publisher, subscriber, store];
  const close = async () => {
    await Promise.all(
      all.map(async (client) => {
        if (client.status === 'end') return;
        // QUIT lets queued publishes go out first, but a connection that is down (or about to
        // find out it is) would keep it waiting for Redis to return; give it a moment, then drop.
        if (client.status === 'ready') await Promise.race([client.quit().catch(() => undefined), delay(QUIT_WAIT_MS)]);
        client.disconnect();
      }),
    );
  };
  try {
    await Promise.all(all.map((client) => client.connect()));
  } catch (err) {
    for (const client of all) client.disconnect();
    throw new Error(`Cannot reach Redis at REDIS_URL: ${(err as Error).message}`);
  }
  return { publisher, subscriber, store, namePrefix, close };
}
