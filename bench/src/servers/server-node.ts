import { type ChildProcess, fork, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { withTimeout } from '../generator/adapters/client-adapter.ts';
import { sleep } from '../generator/connect-queue.ts';
import { type ProcessSample, sampleProcess } from '../measure/proc-stats.ts';

/** One running server process under test. */
export interface ServerNode {
  readonly pid: number;
  /** HTTP base URL, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  /** CPU time and RSS of the process right now (null once it has exited). */
  sample(): ProcessSample | null;
  /** The process's inspector WebSocket URL (servers run with `--inspect=127.0.0.1:0`). */
  inspectorUrl(): string | null;
  /** Stops the process (SIGTERM, then SIGKILL after 15 s). */
  stop(): Promise<void>;
  /** Kills the process without warning (SIGKILL, as a crash) and waits until it is gone. */
  kill(): Promise<void>;
}

/** Every server process started and not yet exited, killed if the bench itself exits early. */
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** A free TCP port on 127.0.0.1 (closed again before returning; the server binds it next). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Node flag every server process runs with, so the bench can ask it for a settled heap. */
const INSPECT = '--inspect=127.0.0.1:0';

/** What a child wrote: the last few kilobytes (to explain a failed start) and its inspector URL. */
interface ChildOutput {
  text(): string;
  inspectorUrl(): string | null;
}

function watchOutput(child: ChildProcess): ChildOutput {
  let text = '';
  let inspector: string | null = null;
  const keep = (chunk: Buffer) => {
    const s = chunk.toString();
    inspector ??= /Debugger listening on (ws:\/\/\S+)/.exec(s)?.[1] ?? null;
    text = (text + s).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return { text: () => text, inspectorUrl: () => inspector };
}

function nodeHandle(child: ChildProcess, url: string, output: ChildOutput): ServerNode {
  let exited = child.exitCode !== null;
  let stopping = false;
  if (!exited) live.add(child);
  const gone = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exited = true;
      live.delete(child);
      // A server dying under load is a finding: say so with what it last wrote.
      if (!stopping)
        console.error(`\n!!! server ${url} (pid ${child.pid}) exited on its own (${code ?? signal}); its last output:\n${output.text().slice(-2500)}\n`);
      resolve();
    }),
  );
  return {
    pid: child.pid ?? 0,
    url,
    sample: () => (exited ? null : sampleProcess(child.pid ?? 0)),
    inspectorUrl: () => output.inspectorUrl(),
    async stop() {
      stopping = true;
      if (exited) return;
      child.kill('SIGTERM');
      await withTimeout(gone, 15_000, 'server stop').catch(async () => {
        child.kill('SIGKILL');
        await gone;
      });
    },
    async kill() {
      if (exited) return;
      stopping = true;
      child.kill('SIGKILL');
      await gone;
    },
  };
}

/**
 * Forks one of the bench's own peer servers (`ws-server.ts`, `socketio-server.ts`) and waits for
 * its `{type: 'ready', port}` message.
 */
export async function startPeerServer(script: string, env: Record<string, string>): Promise<ServerNode> {
  const port = await freePort();
  const child = fork(script, [], {
    execArgv: [INSPECT, '--import', 'tsx'],
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const output = watchOutput(child);
  const node = nodeHandle(child, `http://127.0.0.1:${port}`, output);
  try {
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        child.on('message', (m: { type?: string }) => {
          if (m.type === 'ready') resolve();
        });
        child.once('exit', (code) => reject(new Error(`${script} exited (${code}): ${output.text()}`)));
      }),
      60_000,
      `start ${script}`,
    );
  } catch (err) {
    await node.stop();
    throw err;
  }
  return node;
}

/**
 * Starts the real Tandem server exactly as `npm start` runs it (`packages/server/src/main.ts`
 * through tsx), as one Node process so its /proc counters are the server's own, and waits for
 * `GET /healthz`. `nodeArgs` adds Node flags such as `--cpu-prof`; `port` (default a free one) lets a
 * restarted node come back at the address its clients know.
 */
export async function startTandemProcess(repoRoot: string, env: Record<string, string>, nodeArgs: readonly string[] = [], port?: number): Promise<ServerNode> {
  port ??= await freePort();
  const child = spawn(process.execPath, [...nodeArgs, INSPECT, '--import', 'tsx', 'packages/server/src/main.ts'], {
    cwd: repoRoot,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = watchOutput(child);
  const url = `http://127.0.0.1:${port}`;
  const node = nodeHandle(child, url, output);
  const started = Date.now();
  // Bounded: polls every 100 ms for at most 90 s.
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Tandem exited during start (${child.exitCode}):\n${output.text()}`);
    if (Date.now() - started > 90_000) {
      await node.stop();
      throw new Error(`Tandem did not answer /healthz within 90 s:\n${output.text()}`);
    }
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) return node;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
}
