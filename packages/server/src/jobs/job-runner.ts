import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Database } from '../db/database.ts';

/** What a periodic job does; `now` is the runner's clock (overridable in tests). */
export type JobHandler = (now: Date) => Promise<void>;

/** A job known to this runner. */
interface JobSpec {
  readonly name: string;
  readonly intervalMs: number;
  readonly handler: JobHandler;
}

/**
 * Runs periodic jobs once per period across every server process that shares the database.
 *
 * Each job has a row in `jobs` with `next_run_at`. A process claims a run with one
 * `UPDATE … WHERE next_run_at <= now` that moves `next_run_at` one interval ahead: the row lock
 * taken by the UPDATE makes a second process wait, re-check the condition against the committed
 * row and find nothing due, so exactly one process runs each period. The job itself runs after
 * the claim has committed (never inside a long transaction, which would stall PGlite). Because
 * the schedule lives in the database, a restart neither repeats nor skips a period; a run that
 * crashes half-way is retried next period, so handlers are written to be idempotent.
 */
export class JobRunner {
  /** The time jobs see; replaced by tests to move through quiet hours and digest periods. Default: the wall clock. */
  clock: () => Date = () => new Date();
  readonly #jobs = new Map<string, JobSpec>();
  readonly #id = randomUUID();
  #registered = new Set<string>();
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<unknown> | null = null;
  #stopped = false;

  constructor(
    private readonly db: Database,
    private readonly log: Logger,
  ) {}

  /** Adds a job that runs every `intervalMs` (first run as soon as a runner polls). */
  register(name: string, intervalMs: number, handler: JobHandler): void {
    if (this.#jobs.has(name)) throw new Error(`job ${name} is already registered`);
    this.#jobs.set(name, { name, intervalMs, handler });
  }

  /** Names of the registered jobs. */
  names(): string[] {
    return [...this.#jobs.keys()];
  }

  /** Polls every `pollMs` (0: never; tests then call {@link tick}). */
  start(pollMs: number): void {
    if (pollMs <= 0 || this.#timer || this.#stopped) return;
    const loop = () => {
      this.#running = this.tick()
        .catch((err: unknown) => this.log.error({ err }, 'job poll failed'))
        .finally(() => {
          this.#running = null;
          if (!this.#stopped) this.#timer = setTimeout(loop, pollMs);
        });
    };
    this.#timer = setTimeout(loop, Math.min(pollMs, 1000));
  }

  /** Stops polling and waits for a run in progress. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#running;
  }

  /** Runs every due job whose run this process wins; returns the names it ran. */
  async tick(): Promise<string[]> {
    const now = this.clock();
    const ran: string[] = [];
    for (const job of this.#jobs.values()) {
      if (this.#stopped) break;
      await this.#ensureRow(job, now);
      if (!(await this.#claim(job, now))) continue;
      ran.push(job.name);
      let error: string | null = null;
      try {
        await job.handler(now);
      } catch (err) {
        error = err instanceof Error ? err.message : String(err);
        this.log.error({ err, job: job.name }, 'job failed');
      }
      await this.db.query('UPDATE jobs SET last_finished_at = $2, last_error = $3 WHERE name = $1', [job.name, this.clock(), error]);
    }
    return ran;
  }

  async #ensureRow(job: JobSpec, now: Date): Promise<void> {
    if (this.#registered.has(job.name)) return;
    await this.db.query(
      `INSERT INTO jobs (name, interval_ms, next_run_at) VALUES ($1, $2, $3)
       ON CONFLICT (name) DO UPDATE SET interval_ms = EXCLUDED.interval_ms`,
      [job.name, job.intervalMs, now],
    );
    this.#registered = new Set([...this.#registered, job.name]);
  }

  async #claim(job: JobSpec, now: Date): Promise<boolean> {
    const rows = await this.db.query(
      `UPDATE jobs SET next_run_at = $2::timestamptz + make_interval(secs => interval_ms / 1000.0),
              runs = runs + 1, last_started_at = $2, claimed_by = $3
       WHERE name = $1 AND next_run_at <= $2 RETURNING runs`,
      [job.name, now, this.#id],
    );
    return rows.length > 0;
  }
}
