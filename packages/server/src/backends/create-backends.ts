import type { Logger } from 'pino';
import type { Config } from '../config/schema.ts';
import type { Bus } from './bus.ts';
import type { LockStore } from './lock-store.ts';
import { MemoryBus } from './memory/memory-bus.ts';
import { MemoryLockStore } from './memory/memory-lock-store.ts';
import { MemoryPresenceStore } from './memory/memory-presence-store.ts';
import type { PresenceStore } from './presence-store.ts';

/** The swappable backends, chosen from configuration in this one place. */
export interface Backends {
  readonly bus: Bus;
  /** Who is in which room, shared by every node. */
  readonly presence: PresenceStore;
  /** Cell and row leases, shared by every node. */
  readonly locks: LockStore;
  close(): Promise<void>;
}

/** In-process backends by default; Redis ones when `REDIS_URL` is set. */
export async function createBackends(config: Config, _log: Logger): Promise<Backends> {
  if (config.redisUrl) throw new Error('REDIS_URL is not supported yet');
  // Redis: build the bus, presence and lock stores from REDIS_URL here instead of the memory ones.
  const bus = new MemoryBus();
  const presence = new MemoryPresenceStore();
  const locks = new MemoryLockStore();
  return {
    bus,
    presence,
    locks,
    async close() {
      await presence.close();
      await locks.close();
      await bus.close();
    },
  };
}
