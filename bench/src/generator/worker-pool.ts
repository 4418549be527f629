import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { withTimeout } from './adapters/client-adapter.ts';
import type { WorkerCommand, WorkerReply } from './messages.ts';

const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));

/** Commands without the correlation id the pool adds. */
export type Command = WorkerCommand extends infer C ? (C extends WorkerCommand ? Omit<C, 'id'> : never) : never;

/** One load-generator child process. */
export class GeneratorWorker {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private exited = false;

  private constructor(
    readonly index: number,
    private readonly child: ChildProcess,
  ) {
    child.on('message', (reply: WorkerReply) => {
      const waiter = this.waiting.get(reply.id);
      if (!waiter) return;
      this.waiting.delete(reply.id);
      if (reply.ok) waiter.resolve(reply.result);
      else waiter.reject(new Error(`generator worker ${index}: ${reply.error}`));
    });
    child.on('exit', (code) => {
      this.exited = true;
      for (const waiter of this.waiting.values()) waiter.reject(new Error(`generator worker ${index} exited (${code})`));
      this.waiting.clear();
    });
  }

  /** Forks a worker and waits until it is ready. */
  static async start(index: number): Promise<GeneratorWorker> {
    const child = fork(WORKER, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const worker = new GeneratorWorker(index, child);
    await withTimeout(
      new Promise<void>((resolve) => worker.waiting.set(0, { resolve: () => resolve(), reject: () => undefined })),
      60_000,
      'generator worker start',
    );
    return worker;
  }

  /** The worker's process id. */
  get pid(): number {
    return this.child.pid ?? 0;
  }

  /** Sends a command and resolves with the worker's result; rejects after `timeoutMs`. */
  send<T>(command: Command, timeoutMs = 300_000): Promise<T> {
    if (this.exited) return Promise.reject(new Error(`generator worker ${this.index} has exited`));
    const id = this.nextId++;
    const done = new Promise<unknown>((resolve, reject) => this.waiting.set(id, { resolve, reject }));
    this.child.send({ ...command, id } as WorkerCommand);
    return withTimeout(done, timeoutMs, `generator ${command.cmd}`) as Promise<T>;
  }

  /** Ends the worker (it closes its sockets as it exits). */
  async stop(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.disconnect();
    await withTimeout(gone, 10_000, 'generator worker exit').catch(() => this.child.kill('SIGKILL'));
  }
}

/**
 * The load generator: one publisher process and several subscriber processes, so the clients'
 * work is spread over processes and each records its own CPU (a saturated generator shows in the
 * results instead of passing for a slow server).
 */
export class WorkerPool {
  private constructor(
    readonly publisher: GeneratorWorker,
    readonly subscribers: readonly GeneratorWorker[],
  ) {}

  /** Starts one publisher and `subscriberCount` subscriber processes. */
  static async start(subscriberCount: number): Promise<WorkerPool> {
    const all = await Promise.all(Array.from({ length: subscriberCount + 1 }, (_, i) => GeneratorWorker.start(i)));
    const [publisher, ...subscribers] = all as [GeneratorWorker, ...GeneratorWorker[]];
    return new WorkerPool(publisher, subscribers);
  }

  /** Every worker, publisher first. */
  get all(): readonly GeneratorWorker[] {
    return [this.publisher, ...this.subscribers];
  }

  /** Sends the same command to every worker. */
  broadcast<T>(command: Command, timeoutMs?: number): Promise<T[]> {
    return Promise.all(this.all.map((w) => w.send<T>(command, timeoutMs)));
  }

  /** Stops every worker. */
  async stop(): Promise<void> {
    await Promise.all(this.all.map((w) => w.stop()));
  }
}
