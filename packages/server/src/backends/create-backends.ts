import type { Logger } from 'pino';
import type { Config } from '../config/schema.ts';
import type { Bus } from './bus.ts';
import { MemoryBus } from './memory/memory-bus.ts';

/** The swappable backends, chosen from configuration in this one place. */
export interface Backends {
  readonly bus: Bus;
  close(): Promise<void>;
}

/** In-process backends by default; Redis ones when `REDIS_URL` is set. */
export async function createBackends(config: Config, _log: Logger): Promise<Backends> {
  if (config.redisUrl) throw new Error('REDIS_URL is not supported yet');
  const bus = new MemoryBus();
  return {
    bus,
    async close() {
      await bus.close();
    },
  };
}
