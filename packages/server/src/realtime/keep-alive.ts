import type { Logger } from 'pino';
import type { Caller } from '../gateway-api.ts';

/** The shortest keep-alive interval, whatever a task asks for. */
const MIN_TICK_MS = 50;

/** A task run on every tick with this node's open connections. */
export type KeepAliveTask = (callers: Iterable<Caller>) => Promise<void>;

/**
 * The gateway's keep-alive tick: renews what the connections of this node hold in shared stores
 * (presence entries, lock leases) and sweeps what dead nodes left. Each task asks to run at least
 * every `withinMs` (well inside its entries' TTL); the tick follows the most demanding one. Tasks
 * run one after the other, and one failing does not stop the others.
 */
export class KeepAlive {
  readonly #tasks: KeepAliveTask[] = [];
  #withinMs = Number.POSITIVE_INFINITY;
  #timer: NodeJS.Timeout | null = null;
  #stopped = false;

  constructor(
    private readonly callers: () => Iterable<Caller>,
    private readonly log: Logger,
  ) {}

  /** Adds a task that must run at least every `withinMs`. */
  add(task: KeepAliveTask, withinMs: number): void {
    this.#tasks.push(task);
    if (withinMs >= this.#withinMs) return;
    this.#withinMs = withinMs;
    this.#restart();
  }

  /** Stops the tick for good (shutdown). */
  stop(): void {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  #restart(): void {
    if (this.#timer) clearInterval(this.#timer);
    if (this.#stopped) return;
    this.#timer = setInterval(() => void this.#tick(), Math.max(MIN_TICK_MS, this.#withinMs));
    this.#timer.unref();
  }

  async #tick(): Promise<void> {
    for (const task of this.#tasks) {
      if (this.#stopped) return;
      try {
        await task(this.callers());
      } catch (err) {
        this.log.warn({ err }, 'realtime: keep-alive failed');
      }
    }
  }
}
