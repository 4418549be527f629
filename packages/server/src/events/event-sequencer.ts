import type { Actor } from '@tandem/protocol';
import type { Queryable } from '../db/database.ts';

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
 * Numbers every committed, staged event in one statement: `tandem_number_events` (events
 * migration 13) takes the cluster-wide sequencer lock and moves the outbox to `events`, each event
 * its room's next seq in staging order. Outside a transaction that is one round trip and the lock
 * ends with it; inside one (`db` a transaction) it sees that transaction's own staged rows and
 * holds the lock to its end. Events staged by `nodeId` come back without their payload (that node still has it).
 */
export function numberStagedEvents(db: Queryable, nodeId: string): Promise<NumberedRow[]> {
  return db.query<NumberedRow>('SELECT id, room, seq, ts, mine, type, actor, data FROM tandem_number_events($1)', [nodeId]);
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
