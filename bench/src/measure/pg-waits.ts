import pg from 'pg';

/** What PostgreSQL sessions of one application were doing, averaged over a step. */
export interface PgWaits {
  readonly samples: number;
  /** `wait_event_type:wait_event` (or `CPU` when running) and the statement's start → average sessions in that state. */
  readonly active: Readonly<Record<string, number>>;
}

/**
 * Samples `pg_stat_activity` every 50 ms for the sessions whose `application_name` is `appName`
 * (Tandem's pool takes it from `PGAPPNAME`), so a slow write path shows whether the database was
 * waiting on row locks, on commit flushes or was busy.
 */
export class PgWaitSampler {
  readonly #counts = new Map<string, number>();
  #samples = 0;
  #timer: NodeJS.Timeout | null = null;
  #client: pg.Client | null = null;
  #busy = false;

  constructor(
    private readonly url: string,
    private readonly appName: string,
  ) {}

  /** Starts sampling. */
  async start(): Promise<void> {
    this.#client = new pg.Client({ connectionString: this.url });
    await this.#client.connect();
    this.#timer = setInterval(() => void this.#sample(), 50);
  }

  async #sample(): Promise<void> {
    if (this.#busy || !this.#client) return;
    this.#busy = true;
    try {
      const { rows } = await this.#client.query<{ w: string; n: number }>(
        `SELECT coalesce(wait_event_type || ':' || wait_event, 'CPU') || ' in ' || left(regexp_replace(query, '[[:space:]]+', ' ', 'g'), 48) AS w, count(*)::int AS n
         FROM pg_stat_activity WHERE application_name = $1 AND state = 'active' GROUP BY 1`,
        [this.appName],
      );
      this.#samples++;
      for (const r of rows) this.#counts.set(r.w, (this.#counts.get(r.w) ?? 0) + r.n);
    } catch {
      // a missed sample only makes the average coarser
    } finally {
      this.#busy = false;
    }
  }

  /** Stops sampling and returns the averages. */
  async stop(): Promise<PgWaits> {
    if (this.#timer) clearInterval(this.#timer);
    await this.#client?.end().catch(() => undefined);
    const active: Record<string, number> = {};
    for (const [w, n] of [...this.#counts].sort((a, b) => b[1] - a[1])) active[w] = Math.round((n / Math.max(1, this.#samples)) * 100) / 100;
    return { samples: this.#samples, active };
  }
}
