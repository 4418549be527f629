import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Config } from '../config/schema.ts';
import type { Bus } from './bus.ts';
import type { LockStore } from './lock-store.ts';
import { MemoryBus } from './memory/memory-bus.ts';
import { MemoryLockStore } from './memory/memory-lock-store.ts';
import { MemoryPresenceStore } from './memory/memory-presence-store.ts';
import type { PresenceStore } from './presence-store.ts';
import { RedisBus } from './redis/redis-bus.ts';
import { openRedisConnections } from './redis/redis-connections.ts';
import { RedisLockStore } from './redis/redis-lock-store.ts';
import { RedisPresenceStore } from './redis/redis-presence-store.ts';

/** The swappable backends, chosen from configuration in this one place. */
export interface Backends {
  readonly bus: Bus;
  /** Who is in which room, shared by every node. */
  readonly presence: PresenceStore;
  /** Cell and row leases, shared by every node. */
  readonly locks: LockStore;
  /** This node's id (random per process); names its Redis connections `<REDIS_PREFIX>node:<nodeId>:pub|sub|store`. */
  readonly nodeId: string;
  /** Round trip of a PING to the store connection in ms, or null when it is not connected; 0 without Redis. */
  ping(): Promise<number | null>;
  close(): Promise<void>;
}

/** In-process backends by default; Redis ones when `REDIS_URL` is set. */
export async function createBackends(config: Config, log: Logger): Promise<Backends> {
  const nodeId = randomUUID();
  if (config.redisUrl) return createRedisBackends(config.redisUrl, config.redisPrefix, nodeId, log);
  const bus = new MemoryBus();
  const presence = new MemoryPresenceStore();
  const locks = new MemoryLockStore();
  return {
    bus,
    presence,
    locks,
    nodeId,
    ping: async () => 0,
    async close() {
      await presence.close();
      await locks.close();
      await bus.close();
    },
  };
}

/** Bus, presence and locks over one Redis: three connections per node (see docs/operations.md). */
async function createRedisBackends(url: string, prefix: string, nodeId: string, log: Logger): Promise<Backends> {
  const connections = await openRedisConnections({ url, prefix, nodeId, log });
  const bus = new RedisBus({ publisher: connections.publisher, subscriber: connections.subscriber, prefix, nodeId, log });
  try {
    await bus.start();
  } catch (err) {
    await connections.close();
    throw err;
  }
  const presence = new RedisPresenceStore(connections.store, prefix);
  const locks = new RedisLockStore(connections.store, prefix);
  return {
    bus,
    presence,
    locks,
    nodeId,
    async ping() {
      if (connections.store.status !== 'ready') return null;
      const started = performance.now();
      await connections.store.ping();
      return performance.now() - started;
    },
    async close() {
      await presence.close();
      await locks.close();
      await bus.close();
      await connections.close();
    },
  };
}
