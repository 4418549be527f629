/** A value that can be bound to a query parameter. */
export type SqlParam = string | number | boolean | null | Date | readonly string[];

/** Something that runs SQL: the database itself or an open transaction. */
export interface Queryable {
  /** Runs one statement with `$1…` parameters and returns its rows. */
  query<T = Record<string, unknown>>(text: string, params?: readonly SqlParam[]): Promise<T[]>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(script: string): Promise<void>;
}

/** An open transaction; `afterCommit` callbacks run once it has committed, never on rollback. */
export interface Transaction extends Queryable {
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
  close(): Promise<void>;
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
