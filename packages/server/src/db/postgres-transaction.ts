import type pg from 'pg';
import type { OpenTransaction, SqlParam } from './database.ts';

/**
 * A transaction on one pooled connection in pg's pipeline mode: statements are written without
 * waiting for the ones before them, and those issued in the same tick leave in one write.
 *
 * `BEGIN` is not sent on its own: it travels with the transaction's first statements, and
 * `COMMIT` with its deferred statements. A record write, which reads its table's fields and its
 * row together and then writes everything in one deferred statement, so costs two round trips to
 * PostgreSQL instead of five. On this kind of machine a round trip is mostly two process
 * wake-ups, which cost far more than the statements themselves.
 *
 * PostgreSQL runs pipelined statements in order. A statement that fails aborts the transaction,
 * so the statements behind it fail too and a `COMMIT` behind it rolls back instead. The one case
 * the server cannot catch, a statement pg refuses before sending it, is caught here: `COMMIT` is
 * then not sent.
 */
export class PostgresTransaction implements OpenTransaction {
  #begun = false;
  #corked = false;
  /** A statement of this transaction failed; nothing may commit. */
  #failed = false;
  #refused = false;

  constructor(
    private readonly client: pg.PoolClient,
    private readonly config: (text: string, params: readonly SqlParam[]) => pg.QueryConfig,
  ) {}

  query = async <R>(text: string, params: readonly SqlParam[] = []): Promise<R[]> => (await this.#send(this.config(text, params))).rows as R[];

  exec = async (script: string): Promise<void> => {
    await this.#send({ text: script });
  };

  /**
   * pg refused a statement before sending it. It may then have closed a prepared statement it
   * still counts as prepared, so the connection should not go back to the pool.
   */
  get refused(): boolean {
    return this.#refused;
  }

  commit = async (): Promise<void> => {
    if (!this.#begun) return;
    if (this.#failed) throw new Error('A statement of the transaction failed: not committed.');
    this.#cork();
    await this.#issue({ text: 'COMMIT' });
  };

  /** Ends the transaction without committing (nothing to do when it never began). */
  async rollback(): Promise<void> {
    if (this.#begun) await this.#issue({ text: 'ROLLBACK' });
  }

  #send(config: pg.QueryConfig): Promise<pg.QueryResult> {
    this.#cork();
    if (!this.#begun) {
      this.#begun = true;
      // BEGIN fails only with its connection, which then fails everything behind it too; its
      // failure still marks the transaction failed, so no COMMIT is sent.
      void this.#issue({ text: 'BEGIN' }).catch(() => undefined);
    }
    return this.#issue(config);
  }

  /**
   * Hands one statement to pg. The callback form is used because pg calls it at once, in this
   * tick, when it refuses a statement without sending it (a parameter it cannot serialise).
   */
  #issue(config: pg.QueryConfig): Promise<pg.QueryResult> {
    return new Promise((resolve, reject) => {
      let issuing = true;
      this.client.query(config, (err: Error | undefined, result: pg.QueryResult) => {
        if (err) {
          this.#failed = true;
          if (issuing) this.#refused = true;
          reject(err);
        } else resolve(result);
      });
      issuing = false;
    });
  }

  /** Holds the connection's writes until this tick ends, so statements issued together leave together. */
  #cork(): void {
    if (this.#corked) return;
    const stream = this.client.connection.stream;
    this.#corked = true;
    stream.cork();
    queueMicrotask(() => {
      this.#corked = false;
      stream.uncork();
    });
  }
}
