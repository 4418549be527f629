import type { DatabaseStats } from './query-timer.ts';
/** A value that can be bound to a query parameter. */
export type SqlParam = string | number | boolean | null | Date | readonly string[];

/**
 * Begins a statement that must be planned for its parameters on every call, never prepared and
 * reused: PostgreSQL switches a prepared statement to one generic plan after five calls, and
 * for a full-text search the right plan depends on the words (a rare word wants the GIN index, a
 * common one the newest messages first), so one plan for all is slow for half of them.
 */
export const PLAN_EACH_CALL = '/* planned each call */ ';

/** Whether `text` is to be run unnamed (see {@link PLAN_EACH_CALL}). */
export function plannedEachCall(text: string): boolean {
  return text.startsWith(PLAN_EACH_CALL);
}

/** Something that runs SQL: the database itself or an open transaction. */
export interface Queryable {
  /** Runs one statement with `$1…` parameters and returns its rows. */
  query<T = Record<string, unknown>>(text: string, params?: readonly SqlParam[]): Promise<T[]>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(script: string): Promise<void>;
}

/** An open transaction; `afterCommit` callbacks run once it has committed, never on rollback. */
export interface Transaction extends Queryable {
  /**
   * Queues a data-changing statement whose result nobody reads and that nothing later in the
   * transaction reads back. Queued statements run together, as one statement, right before COMMIT
   * (after the `beforeCommit` hooks): one round trip instead of one each. They see the same
   * snapshot, so none may depend on another's effect.
   */
  defer(text: string, params?: readonly SqlParam[]): void;
  /** Runs `fn` after the work of the transaction, just before COMMIT (still inside it). */
  beforeCommit(fn: () => Promise<void>): void;
  /** Runs `fn` once the transaction has committed; never on rollback. */
  afterCommit(fn: () => void | Promise<void>): void;
}

/**
 * The storage engine: PostgreSQL through a pool, or embedded PGlite. PostgreSQL is the only
 * SQL dialect; both engines run the same statements.
 */
export interface Database extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** Runs `fn` in one transaction (READ COMMITTED), committing when it resolves. */
  transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T>;
  /**
   * A connection of its own, outside the pool, for one serial job that must not queue behind
   * the pool's transactions (the event numbering passes, which every write waits for). PGlite,
   * a single session, returns itself.
   */
  reserved(): Queryable;
  /** Pool use and statement times since the last call, for the operations dashboard. */
  stats(): DatabaseStats;
  close(): Promise<void>;
}

/** An engine's open transaction as {@link transactionBody} drives it. */
export interface OpenTransaction extends Queryable {
  /**
   * Commits; issued in the same tick as the deferred statements, so an engine that pipelines
   * sends both in one round trip. Absent when the engine commits by itself once the body resolves.
   */
  commit?(): Promise<void>;
}

/**
 * What every engine's transaction wrapper shares: runs `fn` with a {@link Transaction} over the
 * engine's open transaction (`query`, `exec`), then its before-commit hooks, then its deferred
 * statements together with the commit. The engine then runs the returned after-commit callbacks
 * (`afterCommit.run`); on a throw it rolls back and they never run.
 */
export async function transactionBody<T>(
  open: OpenTransaction,
  fn: (tx: Transaction) => Promise<T>,
): Promise<{ readonly result: T; readonly afterCommit: AfterCommitQueue }> {
  const afterCommit = new AfterCommitQueue();
  const before = new BeforeCommitQueue();
  const deferred = new DeferredStatements();
  const tx: Transaction = {
    query: (text, params) => open.query(text, params),
    exec: (script) => open.exec(script),
    defer: (text, params) => deferred.add(text, params),
    beforeCommit: (cb) => before.add(cb),
    afterCommit: (cb) => afterCommit.add(cb),
  };
  const result = await fn(tx);
  await before.run();
  // Should the deferred statements fail, the COMMIT behind them finds the transaction aborted and
  // ends it without committing anything (PostgreSQL answers it with ROLLBACK).
  const [ran, committed] = await Promise.allSettled([deferred.run(tx.query), open.commit?.()]);
  if (ran.status === 'rejected') throw ran.reason;
  if (committed.status === 'rejected') throw committed.reason;
  return { result, afterCommit };
}

/** Statements a transaction deferred to its end (see {@link Transaction.defer}). */
export class DeferredStatements {
  readonly #statements: { text: string; params: readonly SqlParam[] }[] = [];

  add(text: string, params: readonly SqlParam[] = []): void {
    this.#statements.push({ text, params });
  }

  /** Runs the queued statements in one round trip: each becomes a data-modifying CTE of one statement. */
  async run(query: (text: string, params: readonly SqlParam[]) => Promise<unknown>): Promise<void> {
    const statements = this.#statements.splice(0);
    if (statements.length === 0) return;
    const [only] = statements;
    if (statements.length === 1 && only) {
      await query(only.text, only.params);
      return;
    }
    const params: SqlParam[] = [];
    const parts = statements.map((s, i) => {
      const offset = params.length;
      params.push(...s.params);
      return `s${i} AS (${s.text.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + offset}`)})`;
    });
    // PostgreSQL runs every data-modifying CTE to completion even though the query reads none.
    await query(`WITH ${parts.join(', ')} SELECT 1`, params);
  }
}

/** Collects before-commit hooks for an engine's transaction wrapper; they may add more while running. */
export class BeforeCommitQueue {
  readonly #hooks: (() => Promise<void>)[] = [];

  add(fn: () => Promise<void>): void {
    this.#hooks.push(fn);
  }

  async run(): Promise<void> {
    while (this.#hooks.length > 0) await this.#hooks.shift()?.();
  }
}

/** Collects after-commit callbacks for an engine's transaction wrapper. */
export class AfterCommitQueue {
  readonly #callbacks: (() => void | Promise<void>)[] = [];

  add(fn: () => void | Promise<void>): void {
    this.#callbacks.push(fn);
  }

  /** Runs the callbacks in order; a failing callback is reported and does not stop the others. */
  async run(onError: (err: unknown) => void): Promise<void> {
    for (const fn of this.#callbacks) {
      try {
        await fn();
      } catch (err) {
        onError(err);
      }
    }
  }
}
