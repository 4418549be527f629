import type { Redis } from 'ioredis';
import { afterAll, describe } from 'vitest';
import type { RedisConnections } from '../../src/backends/redis/redis-connections.ts';
import { RedisLockStore } from '../../src/backends/redis/redis-lock-store.ts';
import { RedisPresenceStore } from '../../src/backends/redis/redis-presence-store.ts';
import { redisAvailable } from '../support/databases.ts';
import { adminRedis, deleteKeys, freshRedisPrefix, openTestConnections } from '../support/redis.ts';
import { lockStoreConformance } from './lock-store-conformance.ts';
import { presenceStoreConformance } from './presence-store-conformance.ts';

const redisOk = await redisAvailable();
const root = freshRedisPrefix('stores');
const connections: RedisConnections | null = redisOk ? await openTestConnections(root) : null;

afterAll(async () => {
  if (!connections) return;
  await connections.close();
  const admin = adminRedis();
  await deleteKeys(admin, root);
  await admin.quit();
});

const client = () => connections?.store as Redis;
let n = 0;

describe.skipIf(!redisOk)('Redis stores', () => {
  // Each test gets its own prefix, so parallel runs and earlier tests never interfere.
  presenceStoreConformance('redis', async () => new RedisPresenceStore(client(), `${root}${++n}:`));
  lockStoreConformance('redis', async () => new RedisLockStore(client(), `${root}${++n}:`));
});
