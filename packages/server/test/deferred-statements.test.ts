import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from './support/each-database.ts';
import { startServer, type TestServer } from './support/server.ts';

describeEachDatabase('statements deferred to the end of a transaction', (db) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer({ db });
    await server.tandem.ctx.db.exec('CREATE TABLE deferred_probe (n int, label text, tags text[])');
  });
  afterAll(async () => server?.close());

  it('run together before COMMIT with their own parameters, after what the transaction did meanwhile', async () => {
    const { db } = server.tandem.ctx;
    const seenInside = await db.transaction(async (tx) => {
      tx.defer('INSERT INTO deferred_probe (n, label, tags) VALUES ($1, $2, $3::text[])', [1, 'first', ['a', 'b']]);
      tx.defer('INSERT INTO deferred_probe (n, label) SELECT $1, $2', [2, '$1 is text, not a parameter']);
      tx.defer('UPDATE deferred_probe SET label = $2 WHERE n = $1', [0, 'updated at the end']);
      await tx.query('INSERT INTO deferred_probe (n, label) VALUES ($1, $2)', [0, 'direct']);
      return (await tx.query<{ n: number }>('SELECT n FROM deferred_probe')).map((r) => r.n);
    });
    expect(seenInside).toEqual([0]);
    const rows = await db.query<{ n: number; label: string; tags: string[] | null }>('SELECT n, label, tags FROM deferred_probe ORDER BY n');
    expect(rows).toEqual([
      { n: 0, label: 'updated at the end', tags: null },
      { n: 1, label: 'first', tags: ['a', 'b'] },
      { n: 2, label: '$1 is text, not a parameter', tags: null },
    ]);
  });

  it('roll back with the transaction when one of them fails', async () => {
    const { db } = server.tandem.ctx;
    await expect(
      db.transaction(async (tx) => {
        await tx.query('INSERT INTO deferred_probe (n, label) VALUES ($1, $2)', [10, 'kept only if all commit']);
        tx.defer('INSERT INTO deferred_probe (n, label) VALUES ($1, $2)', [11, 'fine']);
        tx.defer('INSERT INTO deferred_probe (n, label) VALUES ($1::int, $2)', ['not a number', 'broken']);
      }),
    ).rejects.toThrow();
    expect(await db.query('SELECT n FROM deferred_probe WHERE n >= 10')).toEqual([]);
  });

  it('keep nothing when one of them cannot even be sent (a parameter that fails to serialise)', async () => {
    const { db } = server.tandem.ctx;
    const unsendable = {
      toPostgres: () => {
        throw new Error('cannot serialise');
      },
      toString: () => {
        throw new Error('cannot serialise');
      },
    } as unknown as string;
    await expect(
      db.transaction(async (tx) => {
        await tx.query('INSERT INTO deferred_probe (n, label) VALUES ($1, $2)', [20, 'kept only if all commit']);
        tx.defer('INSERT INTO deferred_probe (n, label) VALUES ($1, $2)', [21, unsendable]);
      }),
    ).rejects.toThrow(/cannot serialise/);
    expect(await db.query('SELECT n FROM deferred_probe WHERE n >= 20')).toEqual([]);
  });

  it('see, when issued together, each other in order within the transaction', async () => {
    const { db } = server.tandem.ctx;
    const [, seen] = await db.transaction((tx) =>
      Promise.all([
        tx.query('INSERT INTO deferred_probe (n, label) VALUES ($1, $2)', [30, 'together']),
        tx.query<{ label: string }>('SELECT label FROM deferred_probe WHERE n = $1', [30]),
      ]),
    );
    expect(seen).toEqual([{ label: 'together' }]);
  });
});
