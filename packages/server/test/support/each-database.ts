import { describe } from 'vitest';
import { postgresAvailable } from './databases.ts';
import type { DbKind } from './server.ts';

const pgOk = await postgresAvailable();

/** Runs the same suite against embedded PGlite and the real PostgreSQL. */
export function describeEachDatabase(name: string, suite: (db: DbKind) => void): void {
  describe(`${name} [pglite]`, () => suite('pglite'));
  describe.skipIf(!pgOk)(`${name} [postgres]`, () => suite('postgres'));
}

/** Whether PostgreSQL suites run (false only outside CI when it is missing). */
export const postgresRuns = pgOk;
