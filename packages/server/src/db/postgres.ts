import pg from 'pg';
import { type Database, plannedEachCall, type Queryable, type SqlParam, type Transaction, transactionBody } from './database.ts';
import { PostgresTransaction } from './postgres-transaction.ts';
import { QueryTimer } from './query-timer.ts';

const typeParsers = {
  getTypeParser(oid: number, format?: string) {
    // int8 and numeric come back as numbers, as they do from PGlite; our counters stay far below 2^53.
    if (oid === 20 || oid === 1700) return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

/**
 * Statement texts kept as named prepared statements, so PostgreSQL parses and plans each hot
 * statement once per connection instead of on every call. Texts past the bound (ad-hoc filter
 * queries) run unnamed, so no connection accumulates plans without limit.
 */
const MAX_PREPARED = 200;

/** Names prepared statements by text, consistently for every connection of the pool. */
class StatementNames {
  readonly #names = new Map<string, string>();

  /** A query config: named when the text is (or can become) one of the prepared ones. */
  config(text: string, values: readonly SqlParam[]): pg.QueryConfig {
    // Without parameters pg uses the simple protocol, which also runs multi-statement scripts.
    if (values.length === 0) return { text };
    let name = this.#names.get(text);
    if (!name && this.#names.size < MAX_PREPARED && !plannedEachCall(text)) {
      name = `tandem_${this.#names.size + 1}`;
      this.#names.set(text, name);
    }
    return name ? { name, text, values: values as unknown[] } : { text, values: values as unknown[] };
  }
}

/** Options of the PostgreSQL pool. */
export interface PostgresOptions {
  readonly url: string;
  /** Schema holding Tandem's tables (created when missing). Default `public`. */
  readonly schema?: string;
  /** Pool size. Default 20. */
  readonly poolSize?: number;
}

/**
 * How long a pooled connection may sit idle before it is closed. A new connection costs a
 * PostgreSQL backend process, cold catalog caches and its statements prepared again: under load
 * that rose and fell (node-postgres closes idle connections after 10 s by default), the writes
 * that opened connections anew took 50–80 ms where the others took 10–20 ms.
 */
const POOL_IDLE_MS = 5 * 60_000;

/** Connects to PostgreSQL through a pool. */
export async function openPostgres(opts: PostgresOptions, onCallbackError: (err: unknown) => void): Promise<Database> {
  const schema = opts.schema ?? 'public';
  /** What every connection of this database shares, the main pool's and the reserved one's. */
  const connection = { connectionString: opts.url, idleTimeoutMillis: POOL_IDLE_MS, types: typeParsers, options: `-c search_path=${schema}` };
  const pool = new pg.Pool({
    ...connection,
    max: opts.poolSize ?? 20,
    // A transaction writes its statements without waiting for the ones before (PostgresTransaction).
    pipeline: true,
  });
  pool.on('error', onCallbackError);
  if (schema !== 'public') {
    // Two processes starting at once can both pass IF NOT EXISTS; the loser's duplicate is harmless.
    await pool.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`).catch((err: { code?: string }) => {
      if (err.code !== '23505' && err.code !== '42P06') throw err;
    });
  }
  const statements = new StatementNames();
  const timer = new QueryTimer();
  /** `query` and `exec` straight on a pool, whose every call checks out a connection of its own. */
  const onPool = (on: pg.Pool): Queryable => ({
    query: async <T>(text: string, params: readonly SqlParam[] = []) => (await timer.time(() => on.query(statements.config(text, params)))).rows as T[],
    exec: async (script: string) => {
      await on.query(script);
    },
  });
  let reserved: pg.Pool | null = null;
  return {
    kind: 'postgres',
    ...onPool(pool),
    async transaction<T>(fn: (tx: Transaction) => Promise<T>) {
      const client = await pool.connect();
      // The pool listens for errors only on idle connections: a checked-out one that loses its
      // connection (PostgreSQL restarting) emits an 'error' nobody handles, which ends the process.
      // Its queries fail by themselves, so the listener has nothing to add.
      const lost = () => undefined;
      client.on('error', lost);
      const open = new PostgresTransaction(client, (text, params) => statements.config(text, params));
      let body: Awaited<ReturnType<typeof transactionBody<T>>>;
      try {
        body = await transactionBody(open, fn);
      } catch (err) {
        await open.rollback().catch(() => undefined);
        client.off('error', lost);
        client.release(open.refused);
        throw err;
      }
      client.off('error', lost);
      client.release();
      await body.afterCommit.run(onCallbackError);
      return body.result;
    },
    reserved() {
      // A pool of one: it reconnects by itself after a lost connection.
      if (!reserved) {
        reserved = new pg.Pool({ ...connection, max: 1 });
        reserved.on('error', onCallbackError);
      }
      return onPool(reserved);
    },
    stats: () => ({ poolInUse: pool.totalCount - pool.idleCount, poolWaiting: pool.waitingCount, queryMs: timer.take() }),
    async close() {
      await Promise.all([pool.end(), reserved?.end()]);
    },
  };
}
