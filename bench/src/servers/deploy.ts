import { rmSync } from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import pg from 'pg';
import type { TargetKind } from '../generator/messages.ts';
import { type ServerNode, startPeerServer, startTandemProcess } from './server-node.ts';

/** PostgreSQL the bench points Tandem at (`BENCH_DATABASE_URL`, default this machine's test database). */
export const BENCH_DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
/** Redis for the two-node workloads (`BENCH_REDIS_URL`). */
export const BENCH_REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

const WS_SERVER = fileURLToPath(new URL('./ws-server.ts', import.meta.url));
const SOCKETIO_SERVER = fileURLToPath(new URL('./socketio-server.ts', import.meta.url));

/** How to run a target. */
export interface DeployOptions {
  /** Server processes; two share PostgreSQL and Redis (Tandem) or Redis (peers). Default 1. */
  readonly nodes?: 1 | 2;
  /** Tandem storage; two nodes always use PostgreSQL. Default `pglite`. */
  readonly database?: 'pglite' | 'postgres';
  /** When set, Tandem runs with `--cpu-prof` and writes its profiles here. */
  readonly profileDir?: string;
  /** Label used in the profile file names. */
  readonly label?: string;
  /**
   * Extra environment variables for Tandem's processes, over {@link TANDEM_BENCH_ENV} (e.g. `METRICS_INTERVAL_MS`);
   * ignored by the peers. Default none.
   */
  readonly env?: Readonly<Record<string, string>>;
}

/** The server processes of one target, ready for load. */
export interface Deployment {
  readonly target: TargetKind;
  readonly nodes: readonly ServerNode[];
  /** What ran, for the results (storage, bus, versions). */
  readonly description: string;
  /** `application_name` of Tandem's PostgreSQL sessions (PostgreSQL deployments only). */
  readonly pgAppName: string | null;
  stop(): Promise<void>;
}

/**
 * The environment Tandem runs with in the bench: production defaults except what a load test
 * needs to log in many times and hold many connections per user (documented in docs/benchmarks.md).
 */
export const TANDEM_BENCH_ENV: Readonly<Record<string, string>> = {
  DEMO_DATA: 'false',
  LOG_LEVEL: 'warn',
  LOGIN_RATE_LIMIT: '10000',
  WS_MAX_CONNECTIONS_PER_USER: '20000',
};

let pgliteTemplate: Promise<string> | null = null;

/**
 * A data directory holding a migrated, empty PGlite database, made once per run by starting and
 * stopping Tandem on it. Each PGlite deployment starts from a copy, which skips creating the
 * database cluster (seconds per start on this machine); what is measured is unchanged.
 */
function pgliteDataDir(repoRoot: string): Promise<string> {
  pgliteTemplate ??= (async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tandem-bench-template-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    const node = await startTandemProcess(repoRoot, { ...TANDEM_BENCH_ENV, DATA_DIR: dir });
    await node.stop();
    return dir;
  })();
  return pgliteTemplate;
}

/** Starts a target's server processes on 127.0.0.1. */
export async function deploy(target: TargetKind, repoRoot: string, options: DeployOptions = {}): Promise<Deployment> {
  const count = options.nodes ?? 1;
  const prefix = `bench:${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}:`;
  const shared: Record<string, string> = count === 2 ? { REDIS_URL: BENCH_REDIS_URL, REDIS_PREFIX: prefix } : {};
  const nodes: ServerNode[] = [];
  const cleanups: (() => Promise<void>)[] = [];
  const stop = async () => {
    await Promise.all(nodes.map((n) => n.stop()));
    for (const cleanup of cleanups) await cleanup().catch(() => undefined);
  };
  try {
    if (count === 2) cleanups.push(() => deleteRedisKeys(prefix));
    if (target === 'tandem') {
      const postgres = count === 2 || options.database === 'postgres';
      const schema = `bench_${prefix.slice(6, -1)}`;
      if (postgres) cleanups.push(() => dropSchema(schema));
      for (let i = 0; i < count; i++) {
        const dataDir = await mkdtemp(join(tmpdir(), 'tandem-bench-'));
        cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
        if (!postgres) await cp(await pgliteDataDir(repoRoot), dataDir, { recursive: true });
        const env = {
          ...TANDEM_BENCH_ENV,
          ...options.env,
          ...shared,
          DATA_DIR: dataDir,
          ...(postgres ? { DATABASE_URL: BENCH_DATABASE_URL, DATABASE_SCHEMA: schema, PGAPPNAME: schema } : {}),
        };
        const nodeArgs = options.profileDir
          ? ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}`, `--cpu-prof-name=${options.label ?? 'tandem'}-node${i}-${Date.now()}.cpuprofile`]
          : [];
        // One after the other: the first node runs the migrations.
        nodes.push(await startTandemProcess(repoRoot, env, nodeArgs));
      }
      const storage = postgres ? 'PostgreSQL' : 'PGlite';
      return { target, nodes, description: `Tandem (${storage}${count === 2 ? ' + Redis, 2 nodes' : ''})`, pgAppName: postgres ? schema : null, stop };
    }
    const script = target === 'ws' ? WS_SERVER : SOCKETIO_SERVER;
    for (let i = 0; i < count; i++) nodes.push(await startPeerServer(script, shared));
    const name = target === 'ws' ? 'bare ws' : 'Socket.IO 4';
    return { target, nodes, description: `${name}${count === 2 ? ' (Redis, 2 nodes)' : ''}`, pgAppName: null, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: BENCH_DATABASE_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}

async function deleteRedisKeys(prefix: string): Promise<void> {
  const redis = new Redis(BENCH_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    let cursor = '0';
    // Bounded: SCAN walks the keyspace once.
    for (let turns = 0; turns < 100_000; turns++) {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
      if (cursor === '0') break;
    }
  } finally {
    redis.disconnect();
  }
}
