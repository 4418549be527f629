import { mkdir } from 'node:fs/promises';
import { PGlite, types } from '@electric-sql/pglite';
import { type Database, type SqlParam, type Transaction, transactionBody } from './database.ts';
import { PgliteStatements } from './pglite-statements.ts';
import { QueryTimer } from './query-timer.ts';

const parsers = { [types.INT8]: (v: string) => Number(v), [types.NUMERIC]: (v: string) => Number(v) };

/**
 * Opens the embedded PGlite database in `dir` (or in memory when `dir` is null). PGlite runs
 * one statement at a time, so transactions are serialised by the engine itself.
 */
export async function openPglite(dir: string | null, onCallbackError: (err: unknown) => void): Promise<Database> {
  if (dir) await mkdir(dir, { recursive: true });
  const pg = await PGlite.create(dir ?? undefined, { parsers });
  const statements = new PgliteStatements(pg);
  const timer = new QueryTimer();
  const db: Database = {
    kind: 'pglite',
    async query<T>(text: string, params: readonly SqlParam[] = []) {
      // Statements without parameters are one-offs (set-up, maintenance): PGlite's own path.
      if (params.length === 0) return (await timer.time(() => pg.query<T>(text))).rows;
      return timer.time(() => statements.run<T>(text, params));
    },
    async exec(script: string) {
      await pg.exec(script);
    },
    async transaction<T>(fn: (tx: Transaction) => Promise<T>) {
      const { result, afterCommit } = await pg.transaction((inner) =>
        transactionBody(
          {
            query: async <R>(text: string, params: readonly SqlParam[] = []) =>
              params.length === 0 ? (await inner.query<R>(text)).rows : statements.runInTransaction<R>(text, params),
            exec: async (script: string) => {
              await inner.exec(script);
            },
          },
          fn,
        ),
      );
      await afterCommit.run(onCallbackError);
      return result;
    },
    reserved: () => db,
    stats: () => ({ poolInUse: 0, poolWaiting: 0, queryMs: timer.take() }),
    async close() {
      await pg.close();
    },
  };
  return db;
}
