import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import pino from 'pino';
import { openRedisConnections, type RedisConnections } from '../../src/backends/redis/redis-connections.ts';
import { TEST_REDIS_URL } from './databases.ts';

/** A key prefix no other test uses, so suites can share one Redis and run in parallel. */
export function freshRedisPrefix(label = 't'): string {
  return `tandem-test:${label}:${randomUUID().slice(0, 8)}:`;
}

/** Opens the connections one server node would hold, against the test Redis. */
export function openTestConnections(prefix: string, nodeId = randomUUID().slice(0, 8)): Promise<RedisConnections> {
  return openRedisConnections({ url: TEST_REDIS_URL, prefix, nodeId, log: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }) });
}

/** A plain client for the test itself (inspecting keys, killing other clients). Close it with `quit`. */
export function adminRedis(): Redis {
  return new Redis(TEST_REDIS_URL);
}

/** The connected clients whose name starts with `namePrefix`: their id and name. */
export async function clientsNamed(admin: Redis, namePrefix: string): Promise<{ id: string; name: string }[]> {
  const list = String(await admin.client('LIST'));
  const out: { id: string; name: string }[] = [];
  for (const line of list.split('\n')) {
    const name = /(?:^| )name=(\S*)/.exec(line)?.[1] ?? '';
    const id = /(?:^| )id=(\d+)/.exec(line)?.[1];
    if (id && name.startsWith(namePrefix)) out.push({ id, name });
  }
  return out;
}

/**
 * Cuts every connection whose client name starts with `namePrefix`, as a network failure would;
 * returns how many were cut. Their owners reconnect by themselves.
 */
export async function killClients(admin: Redis, namePrefix: string): Promise<number> {
  let killed = 0;
  for (const { id } of await clientsNamed(admin, namePrefix)) killed += Number(await admin.client('KILL', 'ID', id));
  return killed;
}

/** Deletes every key under `prefix` (test clean-up). */
export async function deleteKeys(admin: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await admin.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) await admin.del(...keys);
  } while (cursor !== '0');
}
