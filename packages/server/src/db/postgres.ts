import pg from 'pg';
import { AfterCommitQueue, BeforeCommitQueue, type Database, type SqlParam, type Transaction } from './database.ts';

const typeParsers = {
  getTypeParser(oid: number, format?: string) {
    // int8 and numeric come back as numbers, as they do from PGlite; our counters stay far below 2^53.
    if (oid === 20 || oid === 1700) return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

/** Options of the PostgreSQL pool. */
export interface PostgresOptions {
  readonly url: string;
  /** Schema holding Tandem's tables (created when missing). Default `public`. */
  readonly schema?: string;
  /** Pool size. Default 20. */
  readonly poolSize?: number;
}

/** Connects to PostgreSQL through a pool. */
export async function openPostgres(opts: PostgresOptions, onCallbackError: (err: unknown) => void): Promise<Database> {
  const schema = opts.schema ?? 'public';
  const pool = new pg.Pool({
    connectionString: opts.url,
    max: opts.poolSize ?? 20,
    types: typeParsers,
    options: `-c search_path=${schema}`,
  });
  pool.on('error', onCallbackError);
  if (schema !== 'public') {
    // Two processes starting at once can both pass IF NOT EXISTS; the loser's duplicate is harmless.
    await pool.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`).catch((err: { code?: string }) => {
      if (err.code !== '23505' && err.code !== '42P06') throw err;
    });
  }
  return {
    kind: 'postgres',
    async query<T>(text: string, params: readonly SqlParam[] = []) {
      const res = await pool.query(text, params as unknown[]);
      return res.rows as T[];
    },
    async exec(script: string) {
      await pool.query(script);
    },
    async transaction<T>(fn: (tx: Transaction) => Promise<T>) {
      const client = await pool.connect();
      const queue = new AfterCommitQueue();
      const before = new BeforeCommitQueue();
      let result: T;
      try {
        await client.query('BEGIN');
        result = await fn({
          async query<R>(text: string, params: readonly SqlParam[] = []) {
            const res = await client.query(text, params as unknown[]);
            return res.rows as R[];
          },
          async exec(script: string) {
            await client.query(script);
          },
          beforeCommit: (cb) => before.add(cb),
          afterCommit: (cb) => queue.add(cb),
        });
        await before.run();
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        client.release();
        throw err;
      }
      client.release();
      await queue.run(onCallbackError);
      return result;
    },
    async close() {
      await pool.end();
    },
  };
}
