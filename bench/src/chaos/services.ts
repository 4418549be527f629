import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { withTimeout } from '../generator/adapters/client-adapter.ts';
import { sleep } from '../generator/connect-queue.ts';
import { freePort } from '../servers/server-node.ts';

/** Processes started here and still alive, killed if the suite itself exits early. */
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

function track(child: ChildProcess): Promise<void> {
  live.add(child);
  return new Promise<void>((resolve) =>
    child.once('exit', () => {
      live.delete(child);
      resolve();
    }),
  );
}

/** Polls `ready` every 50 ms for at most `ms`. */
async function until(what: string, ms: number, ready: () => Promise<boolean>): Promise<void> {
  const started = Date.now();
  while (Date.now() - started < ms) {
    if (await ready().catch(() => false)) return;
    await sleep(50);
  }
  throw new Error(`${what} not ready within ${ms} ms`);
}

/**
 * A `redis-server` of the suite's own on a free loopback port, without persistence (what it loses
 * on a kill is exactly what a crashed Redis loses). It can be killed, restarted on the same port,
 * and paused (SIGSTOP: connections stay open, nothing answers — a network stall).
 */
export class RedisServer {
  #child: ChildProcess | null = null;
  #gone: Promise<void> = Promise.resolve();

  private constructor(readonly port: number) {}

  /** Starts one on a free port. */
  static async start(): Promise<RedisServer> {
    const server = new RedisServer(await freePort());
    await server.restart();
    return server;
  }

  /** `redis://127.0.0.1:{port}`. */
  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts the process (again) on the same port and waits until it answers PING. */
  async restart(): Promise<void> {
    const child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'no'], {
      stdio: 'ignore',
    });
    this.#child = child;
    this.#gone = track(child);
    await until('redis-server', 10_000, async () => ping(this.port));
  }

  /** SIGKILL, and waits until the process is gone. */
  async kill(): Promise<void> {
    this.#child?.kill('SIGKILL');
    await this.#gone;
  }

  /** Freezes the process (SIGSTOP). */
  pause(): void {
    this.#child?.kill('SIGSTOP');
  }

  /** Lets a paused process run again (SIGCONT). */
  resume(): void {
    this.#child?.kill('SIGCONT');
  }

  /** Stops it for good. */
  async stop(): Promise<void> {
    this.resume();
    await this.kill();
  }
}

/** True when a Redis on `port` answers `PING` with `+PONG`. */
async function ping(port: number): Promise<boolean> {
  const { Socket } = await import('node:net');
  return new Promise<boolean>((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
    socket.connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
  });
}

/** The newest `bin` directory of an installed PostgreSQL (Debian layout), or null. */
export function postgresBinDir(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : null;
}

/** uid/gid to run PostgreSQL as: `initdb` refuses to run as root, so root hands it to `postgres`. */
export function postgresUser(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch {
    throw new Error('running as root needs a `postgres` system user to own the temporary PostgreSQL cluster');
  }
}

/**
 * A PostgreSQL cluster of the suite's own: `initdb` into a temporary directory, `pg_ctl` to start
 * and stop it on a free loopback port (socket directory inside the cluster's folder, so it meets
 * no other PostgreSQL on the machine). `fsync=off`: the suite tests Tandem, not the disk, and a
 * killed PostgreSQL loses nothing it handed the OS; `synchronous_commit` stays on, or a crash
 * would lose commits it had already acknowledged.
 */
export class PostgresCluster {
  private constructor(
    readonly bin: string,
    readonly dir: string,
    readonly port: number,
    private readonly user: { uid: number; gid: number } | null,
  ) {}

  /** Creates the cluster in `parent/pg` and starts it. */
  static async create(parent: string): Promise<PostgresCluster> {
    const bin = postgresBinDir();
    if (!bin) throw new Error('no PostgreSQL found under /usr/lib/postgresql/*/bin (install postgresql)');
    const dir = join(parent, 'pg');
    mkdirSync(dir, { recursive: true });
    const user = postgresUser();
    if (user) {
      // The server's user must reach its folder through the (root-owned, private) parent.
      chmodSync(parent, 0o711);
      chownSync(dir, user.uid, user.gid);
    }
    const cluster = new PostgresCluster(bin, dir, await freePort(), user);
    await cluster.#run('initdb', ['-D', cluster.dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync']);
    await cluster.start();
    return cluster;
  }

  get dataDir(): string {
    return join(this.dir, 'data');
  }

  /** `postgres://postgres@127.0.0.1:{port}/postgres`. */
  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  /** `pg_ctl start`, waiting until it accepts connections. */
  async start(): Promise<void> {
    const options = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
    await this.#run('pg_ctl', ['-D', this.dataDir, '-o', options, '-l', join(this.dir, 'log'), '-w', '-t', '60', 'start']);
  }

  /**
   * `pg_ctl stop`: `immediate` ends every backend at once without a checkpoint (a crash; the next
   * start replays the WAL), `fast` rolls back open transactions and shuts down cleanly.
   */
  async stop(mode: 'immediate' | 'fast' = 'fast'): Promise<void> {
    await this.#run('pg_ctl', ['-D', this.dataDir, '-m', mode, '-w', '-t', '60', 'stop']);
  }

  /** Stops the cluster and deletes its directory. */
  async destroy(): Promise<void> {
    await this.stop('immediate').catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }

  async #run(tool: string, args: string[]): Promise<void> {
    const child = spawn(join(this.bin, tool), args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(this.user ?? {}),
    });
    let output = '';
    child.stdout?.on('data', (d: Buffer) => {
      output += d.toString();
    });
    child.stderr?.on('data', (d: Buffer) => {
      output += d.toString();
    });
    const code = await withTimeout(new Promise<number | null>((resolve) => child.once('exit', resolve)), 90_000, tool);
    if (code !== 0) throw new Error(`${tool} ${args.at(-1)} failed (${code}): ${output.slice(-1500)}`);
  }
}
