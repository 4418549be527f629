import type { Actor } from '@tandem/protocol';
import type { Database, Queryable } from '../db/database.ts';

/** Advisory lock key held by whichever node is numbering events (one at a time, cluster-wide). */
const SEQUENCER_LOCK = 7243812;
/** A staged event after numbering. `type`, `actor` and `data` are null when this node staged it (it still holds them). */
export interface NumberedRow {
  readonly id: string;
  readonly room: string;
  readonly seq: number;
  readonly ts: Date;
  readonly type: string | null;
  readonly actor: Actor | null;
  readonly data: unknown;
  /** True when this node staged it. */
  readonly mine: boolean;
}

/**
 * Moves every committed event from `event_outbox` to `events`, numbering each in its room in
 * staging order: every room's counter moves once, by the batch's count for that room. The caller
 * must hold {@link SEQUENCER_LOCK} (see {@link numberStagedEvents}), so two batches never
 * interleave and each room's seq stays gapless. It takes the whole outbox rather than the oldest
 * N rows: the outbox only holds what committed since the last pass, and an `IN (… LIMIT N)`
 * subquery let the planner pick a nested loop that made a pass quadratic in its size.
 */
const NUMBER_SQL = `
  WITH batch AS (
    DELETE FROM event_outbox WHERE pos > 0
    RETURNING pos, id, room, type, actor, data, node
  ), ranked AS (
    SELECT b.*, row_number() OVER (PARTITION BY room ORDER BY pos) AS n, count(*) OVER (PARTITION BY room) AS total FROM batch b
  ), counters AS (
    INSERT INTO room_seqs AS r (room, seq) SELECT room, max(total) FROM ranked GROUP BY room
    ON CONFLICT (room) DO UPDATE SET seq = r.seq + EXCLUDED.seq
    RETURNING r.room, r.seq
  ), stored AS (
    INSERT INTO events (id, room, seq, type, actor, data)
    SELECT k.id, k.room, c.seq - k.total + k.n, k.type, k.actor, k.data FROM ranked k JOIN counters c ON c.room = k.room
    RETURNING id, seq, ts
  )
  SELECT k.id, k.room, s.seq, s.ts, k.node = $1 AS mine,
    CASE WHEN k.node = $1 THEN NULL ELSE k.type END AS type,
    CASE WHEN k.node = $1 THEN NULL ELSE k.actor END AS actor,
    CASE WHEN k.node = $1 THEN NULL ELSE k.data END AS data
  FROM ranked k JOIN stored s ON s.id = k.id
  ORDER BY k.pos`;

/**
 * Numbers every committed, staged event in one transaction under the cluster-wide sequencer
 * lock. Events staged by `nodeId` come back without their payload (that node still has it).
 */
export function numberStagedEvents(db: Database, nodeId: string): Promise<NumberedRow[]> {
  return db.transaction((tx) => numberStagedIn(tx, nodeId));
}

/** {@link numberStagedEvents} inside a transaction the caller opened (it then sees its own staged rows too). */
export async function numberStagedIn(tx: Queryable, nodeId: string): Promise<NumberedRow[]> {
  // The outbox is a queue whose heap is mostly rows earlier passes deleted: read it through its
  // pos index. And the statement joins its own CTEs, whose sizes the planner cannot know: a nested
  // loop there made a pass quadratic in its rows (half a second for a few hundred under load).
  await tx.query(
    `SELECT pg_advisory_xact_lock(${SEQUENCER_LOCK}), set_config('enable_seqscan', 'off', true), set_config('enable_bitmapscan', 'off', true), set_config('enable_nestloop', 'off', true)`,
  );
  return tx.query<NumberedRow>(NUMBER_SQL, [nodeId]);
}

/**
 * Runs numbering passes one at a time and coalesces requests: {@link PassScheduler.request}
 * resolves once a pass that started after the call has finished, so every event committed before
 * the call is numbered (by this node or another) by then. Many writers committing together share
 * one pass, which is what lets writes to one room run concurrently: the room counter is touched
 * once per pass instead of being held by each writer through its COMMIT.
 */
export class PassScheduler {
  #current: Promise<void> | null = null;
  #next: Promise<void> | null = null;
  #lastStart = Number.NEGATIVE_INFINITY;

  /**
   * @param pass one numbering pass; must not reject
   * @param minGapMs least time between the starts of back-to-back passes: under load, writers
   *   that commit meanwhile share the next pass instead of each paying for a transaction of its own
   */
  constructor(
    private readonly pass: () => Promise<void>,
    private readonly minGapMs = 0,
  ) {}

  /** Resolves after a pass that starts no earlier than now has finished (whether or not it failed). */
  request(): Promise<void> {
    if (this.#next) return this.#next;
    if (this.#current) {
      this.#next = this.#current.then(async () => {
        const wait = this.#lastStart + this.minGapMs - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        return this.#start();
      });
      return this.#next;
    }
    return this.#start();
  }

  /** Resolves once no pass is running or queued. */
  async idle(): Promise<void> {
    while (this.#current || this.#next) await (this.#next ?? this.#current);
  }

  #start(): Promise<void> {
    this.#next = null;
    this.#lastStart = performance.now();
    const run: Promise<void> = this.pass().finally(() => {
      if (this.#current === run) this.#current = null;
    });
    this.#current = run;
    return run;
  }
}
