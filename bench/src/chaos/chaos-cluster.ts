import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TANDEM_BENCH_ENV } from '../servers/deploy.ts';
import { freePort, type ServerNode, startTandemProcess } from '../servers/server-node.ts';
import { PostgresCluster, postgresUser, RedisServer } from './services.ts';

/**
 * What the suite's nodes run with, over the bench's environment: production defaults otherwise
 * (heartbeat 30 s, presence grace 5 s, 4 MiB send buffer, 50 messages/s per connection).
 */
export const CHAOS_ENV: Readonly<Record<string, string>> = {
  ...TANDEM_BENCH_ENV,
  REDIS_PREFIX: 'chaos:',
  DATABASE_POOL_SIZE: '8',
};

/** One Tandem node of the suite: a server process that can be killed and started again at the same port. */
export class ChaosNode {
  #process: ServerNode | null = null;

  constructor(
    readonly index: number,
    readonly port: number,
    private readonly start: (port: number) => Promise<ServerNode>,
  ) {}

  /** `http://127.0.0.1:{port}`, the same across restarts. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.#process !== null;
  }

  /** The server process's pid (0 while down). */
  get pid(): number {
    return this.#process?.pid ?? 0;
  }

  /** True when the process exited without the suite stopping it (a crash is a finding). */
  get diedOnItsOwn(): boolean {
    return this.#process !== null && this.#process.sample() === null;
  }

  /** Starts the process (again, also after it died on its own) and waits for `/healthz`. */
  async up(): Promise<void> {
    if (this.diedOnItsOwn) this.#process = null;
    if (!this.#process) this.#process = await this.start(this.port);
  }

  /** SIGKILL without warning: no close frames, no clean-up, whatever it held must expire. */
  async crash(): Promise<void> {
    await this.#process?.kill();
    this.#process = null;
  }

  /** A graceful stop (SIGTERM). */
  async stop(): Promise<void> {
    await this.#process?.stop();
    this.#process = null;
  }
}

/** PostgreSQL, Redis and the Tandem nodes of one chaos run, all on 127.0.0.1 and all the suite's own. */
export class ChaosCluster {
  private constructor(
    readonly dir: string,
    readonly postgres: PostgresCluster,
    readonly redis: RedisServer,
    readonly nodes: readonly ChaosNode[],
  ) {}

  /**
   * Creates a PostgreSQL cluster and a Redis in a temporary directory and starts `count` nodes on
   * them (one after the other: the first runs the migrations).
   */
  static async start(repoRoot: string, count: number, log: (m: string) => void): Promise<ChaosCluster> {
    const dir = mkdtempSync(join(tmpdir(), 'tandem-chaos-'));
    const postgres = await PostgresCluster.create(dir);
    // If the suite dies, its PostgreSQL must not outlive it (pg_ctl daemonises the server).
    process.once('exit', () => {
      try {
        execFileSync(join(postgres.bin, 'pg_ctl'), ['-D', postgres.dataDir, '-m', 'immediate', 'stop'], { stdio: 'ignore', ...(postgresUser() ?? {}) });
      } catch {
        // already stopped
      }
      rmSync(dir, { recursive: true, force: true });
    });
    log(`  PostgreSQL ${postgres.bin.split('/').at(-2)} on port ${postgres.port} (${postgres.dataDir})`);
    const redis = await RedisServer.start();
    log(`  redis-server on port ${redis.port}`);
    const nodes: ChaosNode[] = [];
    for (let i = 0; i < count; i++) {
      const dataDir = join(dir, `node${i}`);
      const env = { ...CHAOS_ENV, DATABASE_URL: postgres.url, REDIS_URL: redis.url, DATA_DIR: dataDir };
      const node = new ChaosNode(i, await freePort(), (port) => startTandemProcess(repoRoot, env, [], port));
      await node.up();
      nodes.push(node);
      log(`  node ${i} at ${node.url} (pid ${node.pid})`);
    }
    return new ChaosCluster(dir, postgres, redis, nodes);
  }

  get urls(): string[] {
    return this.nodes.map((n) => n.url);
  }

  /** Stops the nodes, Redis and PostgreSQL, and deletes the directory. */
  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.stop().catch(() => undefined)));
    await this.redis.stop().catch(() => undefined);
    await this.postgres.destroy();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
