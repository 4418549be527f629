import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Database } from '../src/db/database.ts';
import { openPglite } from '../src/db/pglite.ts';
import { openPostgres } from '../src/db/postgres.ts';
import { dropSchema, freshSchema, TEST_DATABASE_URL } from './support/databases.ts';
import { describeEachDatabase } from './support/each-database.ts';

const failOnCallback = (err: unknown) => {
  throw err;
};

/** Both engines run hot statements as named prepared statements; these are the guarantees callers rely on. */
describeEachDatabase('statements run as prepared statements', (kind) => {
  let db: Database;
  const schema = freshSchema('prep');

  beforeAll(async () => {
    db = kind === 'pglite' ? await openPglite(null, failOnCallback) : await openPostgres({ url: TEST_DATABASE_URL, schema, poolSize: 2 }, failOnCallback);
    await db.exec('CREATE TABLE probe (id int PRIMARY KEY, big bigint, at timestamptz, tags text[], doc jsonb, flag boolean)');
  });
  afterAll(async () => {
    await db?.close();
    if (kind === 'postgres') await dropSchema(schema);
  });

  it('one statement text run again with other parameters returns each call its own typed rows', async () => {
    const insert = 'INSERT INTO probe (id, big, at, tags, doc, flag) VALUES ($1, $2, $3, $4::text[], $5::jsonb, $6) RETURNING id, big, at, tags, doc, flag';
    const at = new Date('2026-01-02T03:04:05.678Z');
    const first = await db.query(insert, [1, 9_007_199_254_740_000, at, ['a', 'b,c'], JSON.stringify({ k: [1, 'x'] }), true]);
    const second = await db.query(insert, [2, null, null, [], JSON.stringify('plain'), false]);
    expect(first).toEqual([{ id: 1, big: 9_007_199_254_740_000, at, tags: ['a', 'b,c'], doc: { k: [1, 'x'] }, flag: true }]);
    expect(second).toEqual([{ id: 2, big: null, at: null, tags: [], doc: 'plain', flag: false }]);
    const select = 'SELECT id FROM probe WHERE id = ANY($1::int[]) ORDER BY id';
    expect(await db.query(select, [['2']])).toEqual([{ id: 2 }]);
    expect(await db.query(select, [['1', '2', '3']])).toEqual([{ id: 1 }, { id: 2 }]);
  });

  it('an error carries its SQLSTATE, rolls its transaction back and leaves the session usable', async () => {
    const insert = 'INSERT INTO probe (id, flag) VALUES ($1, $2)';
    await db.query(insert, [10, true]);
    const failed = db.transaction(async (tx) => {
      await tx.query(insert, [11, true]);
      await tx.query(insert, [10, false]);
    });
    await expect(failed).rejects.toMatchObject({ code: '23505' });
    await expect(db.query('SELECT $1::int AS n', ['not a number'])).rejects.toMatchObject({ code: '22P02' });
    const rows = await db.query<{ id: number }>('SELECT id FROM probe WHERE id = ANY($1::int[]) ORDER BY id', [['10', '11']]);
    expect(rows).toEqual([{ id: 10 }]);
    expect(await db.transaction((tx) => tx.query('SELECT count(*)::int AS n FROM probe WHERE id >= $1', [10]))).toEqual([{ n: 1 }]);
  });

  it('more distinct statement texts than are kept prepared all run correctly', async () => {
    for (let i = 0; i < 230; i++) {
      const rows = await db.query<{ n: number; s: string }>(`SELECT $1::int + ${i} AS n, $2::text AS s`, [i, `text ${i}`]);
      expect(rows).toEqual([{ n: 2 * i, s: `text ${i}` }]);
    }
    const inside = await db.transaction((tx) => tx.query<{ n: number }>('SELECT $1::int * 3 AS n', [7]));
    expect(inside).toEqual([{ n: 21 }]);
  });
});
