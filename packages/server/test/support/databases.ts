import { Redis } from 'ioredis';
import pg from 'pg';

/** The PostgreSQL the integration tests use (this machine's, unless TEST_DATABASE_URL says otherwise). */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
/** The Redis the integration tests use. */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

let pgAvailable: Promise<boolean> | undefined;

/**
 * Whether the test PostgreSQL answers. Under `CI=true` a missing PostgreSQL is a failure, not a
 * skip; elsewhere the suites that need it are skipped with a loud message.
 */
export function postgresAvailable(): Promise<boolean> {
  pgAvailable ??= (async () => {
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 3000 });
    try {
      return await reachable('PostgreSQL', TEST_DATABASE_URL, async () => {
        await client.connect();
        await client.query('SELECT 1');
      });
    } finally {
      await client.end().catch(() => undefined);
    }
  })();
  return pgAvailable;
}

let redisUp: Promise<boolean> | undefined;

/**
 * Whether the test Redis answers. Under `CI=true` a missing Redis is a failure, not a skip;
 * elsewhere the suites that need it are skipped with a loud message.
 */
export function redisAvailable(): Promise<boolean> {
  redisUp ??= (async () => {
    const client = new Redis(TEST_REDIS_URL, { lazyConnect: true, connectTimeout: 3000, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => undefined);
    try {
      return await reachable('Redis', TEST_REDIS_URL, async () => {
        await client.connect();
        await client.ping();
      });
    } finally {
      client.disconnect();
    }
  })();
  return redisUp;
}

/**
 * Runs `probe` against the service `name` at `url`: true when it answers. Under `CI=true` an
 * unreachable service fails the run; elsewhere it is reported loudly and its suites are skipped.
 */
async function reachable(name: string, url: string, probe: () => Promise<void>): Promise<boolean> {
  try {
    await probe();
    return true;
  } catch (err) {
    if (process.env.CI === 'true') throw new Error(`${name} is required under CI but ${url} is unreachable: ${(err as Error).message}`);
    console.warn(`\n!!! ${name} at ${url} is unreachable; ${name} suites are SKIPPED (${(err as Error).message})\n`);
    return false;
  }
}

/** A fresh schema name, so parallel test files never see each other's rows. */
export function freshSchema(prefix = 't'): string {
  return `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
}

/** Drops a schema created by a test. */
export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}
