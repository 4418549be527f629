import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dropSchema, freshSchema, TEST_DATABASE_URL, TEST_REDIS_URL } from '../support/databases.ts';
import { ApiClient } from '../support/http-client.ts';
import { freshRedisPrefix } from '../support/redis.ts';
import { startServer, type TestServer } from '../support/server.ts';

/**
 * Short lifetimes so a dead node's presence and locks expire within a test: presence lives two
 * heartbeats (1 s), a lease 1 s (the smallest allowed).
 */
export const FAST_EXPIRY = { heartbeatMs: 500, presenceGraceMs: 200, lockTtlMs: 1000 } as const;

/** What every node of one test cluster shares: a PostgreSQL schema and a Redis prefix. */
export interface ClusterSpace {
  readonly schema: string;
  readonly prefix: string;
}

/** A fresh schema and Redis prefix, so clusters of parallel tests never meet. */
export function freshSpace(): ClusterSpace {
  return { schema: freshSchema('so'), prefix: freshRedisPrefix('node') };
}

/**
 * Starts a node of the cluster in this process. The first node creates and migrates the schema;
 * later ones reuse it. Nodes keep the schema on close; {@link dropSpace} removes it.
 */
export function startNode(space: ClusterSpace, redisUrl = TEST_REDIS_URL, overrides: Record<string, unknown> = {}): Promise<TestServer> {
  return startServer({ db: 'postgres', schema: space.schema, keep: true, overrides: { redisUrl, redisPrefix: space.prefix, ...FAST_EXPIRY, ...overrides } });
}

/** Drops the cluster's schema (its Redis keys expire by themselves). */
export function dropSpace(space: ClusterSpace): Promise<void> {
  return dropSchema(space.schema);
}

/** The same user (same bearer token) talking to another node. */
export function onNode(client: ApiClient, node: { url: string }): ApiClient {
  return new ApiClient(node.url, client.token, client.user);
}

const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));
/** The repository root, where `tsx` resolves from. */
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/**
 * A node running as its own operating-system process: `node --import tsx packages/server/src/main.ts`
 * (not the `tsx` launcher, which would run the server in a grandchild that SIGKILL would miss).
 */
export interface ProcessNode {
  readonly url: string;
  readonly child: ChildProcess;
  /** Kills the process without warning (SIGKILL) and waits until it is gone. */
  kill(): Promise<void>;
}

/**
 * Spawns a node process on a free port and resolves once it prints the URL it listens on; `env`
 * overrides its environment (e.g. a `DATABASE_URL` through a link the test can cut).
 */
export async function spawnNode(space: ClusterSpace, env: Record<string, string> = {}): Promise<ProcessNode> {
  const dataDir = await mkdtemp(join(tmpdir(), 'tandem-node-'));
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      DATABASE_URL: TEST_DATABASE_URL,
      DATABASE_SCHEMA: space.schema,
      DATABASE_POOL_SIZE: '4',
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: space.prefix,
      DEMO_DATA: 'false',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
      LOGIN_RATE_LIMIT: '10000',
      HEARTBEAT_MS: String(FAST_EXPIRY.heartbeatMs),
      PRESENCE_GRACE_MS: String(FAST_EXPIRY.presenceGraceMs),
      LOCK_TTL_MS: String(FAST_EXPIRY.lockTtlMs),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /running at (http:\/\/\S+)/.exec(output);
      if (match?.[1]) resolve(match[1]);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', (code) => reject(new Error(`node exited with ${code} before listening:\n${output}`)));
  });
  return {
    url,
    child,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
