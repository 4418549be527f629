import { rm } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../src/app.ts';
import { migrate } from '../src/db/migrate.ts';
import { openPglite } from '../src/db/pglite.ts';
import { openPostgres } from '../src/db/postgres.ts';
import { dropSchema, freshSchema, TEST_DATABASE_URL } from './support/databases.ts';
import { describeEachDatabase, postgresRuns } from './support/each-database.ts';
import { ApiClient, newUser, workspaceWith } from './support/http-client.ts';
import { startServer } from './support/server.ts';
import { createRecord, createTable } from './support/tables.ts';

const ALL_IDS = MIGRATIONS.map((m) => m.id).sort((a, b) => a - b);
const failOnCallback = (err: unknown) => {
  throw err;
};

describe('migrations run twice at once', () => {
  const schemas: string[] = [];
  afterAll(async () => {
    for (const schema of schemas) await dropSchema(schema);
  });

  it.skipIf(!postgresRuns)('[postgres] two processes migrating a fresh schema at once: no error, every migration applied once', async () => {
    const schema = freshSchema('mig');
    schemas.push(schema);
    const a = await openPostgres({ url: TEST_DATABASE_URL, schema, poolSize: 2 }, failOnCallback);
    const b = await openPostgres({ url: TEST_DATABASE_URL, schema, poolSize: 2 }, failOnCallback);
    try {
      const results = await Promise.all([migrate(a, MIGRATIONS), migrate(b, MIGRATIONS)]);
      expect(results.map((r) => r.length).sort((x, y) => x - y)).toEqual([0, ALL_IDS.length]);
      const rows = await a.query<{ id: number }>('SELECT id FROM schema_migrations ORDER BY id');
      expect(rows.map((r) => r.id)).toEqual(ALL_IDS);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it.skipIf(!postgresRuns)('[postgres] two servers starting at once on one schema both serve the same data', async () => {
    const schema = freshSchema('two');
    schemas.push(schema);
    const [one, two] = await Promise.all([startServer({ db: 'postgres', schema, keep: true }), startServer({ db: 'postgres', schema, keep: true })]);
    try {
      const user = await newUser(one.url, 'Both');
      const ws = await workspaceWith(user);
      const viaTwo = new ApiClient(two.url, user.token, user.user);
      expect((await viaTwo.get(`/workspaces/${ws}`)).status).toBe(200);
    } finally {
      await one.close();
      await two.close();
      await rm(one.dataDir, { recursive: true, force: true });
      await rm(two.dataDir, { recursive: true, force: true });
    }
  });

  it('[pglite] two migrate() calls at once on a fresh database: no error, every migration applied once', async () => {
    const db = await openPglite(null, failOnCallback);
    try {
      const results = await Promise.all([migrate(db, MIGRATIONS), migrate(db, MIGRATIONS)]);
      expect(results.map((r) => r.length).sort((x, y) => x - y)).toEqual([0, ALL_IDS.length]);
      const rows = await db.query<{ id: number }>('SELECT id FROM schema_migrations ORDER BY id');
      expect(rows.map((r) => r.id)).toEqual(ALL_IDS);
      expect(await migrate(db, MIGRATIONS)).toEqual([]);
    } finally {
      await db.close();
    }
  });

  it('[pglite] two domains claiming one migration id are refused before anything is applied', async () => {
    const db = await openPglite(null, failOnCallback);
    try {
      const clash = { id: 1, name: 'a second domain picking id 1', sql: 'CREATE TABLE clash (id int)' };
      await expect(migrate(db, [...MIGRATIONS, clash])).rejects.toThrow(/Migration id 1 .* used twice/);
      const tables = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_tables WHERE tablename IN ('clash', 'schema_migrations', 'users')`);
      expect(tables[0]?.n).toBe(0);
    } finally {
      await db.close();
    }
  });
});

describeEachDatabase('restart', (db) => {
  it('a restarted server keeps tables, records, versions, activity, sessions and continues room sequences', async () => {
    const schema = db === 'postgres' ? freshSchema('restart') : undefined;
    const first = await startServer({ db, schema, keep: true });
    const user = await newUser(first.url, 'Durable');
    const ws = await workspaceWith(user);
    const table = await createTable(user, ws, [
      { name: 'Title', type: 'text' },
      { name: 'Qty', type: 'number' },
    ]);
    const record = await createRecord(user, table.id, { [table.f.Title]: 'survives', [table.f.Qty]: 3 });
    await user.patch(`/records/${record.id}`, { values: { [table.f.Qty]: 4 }, expected_version: 1 });
    const before = (await user.get(`/records/${record.id}`)).body;
    const room = `record:${record.id}`;
    const headBefore = await first.tandem.ctx.events.head(first.tandem.ctx.db, room);
    await first.close();

    const second = await startServer({ db, schema, dataDir: first.dataDir });
    try {
      const again = new ApiClient(second.url, user.token, user.user);
      const after = await again.get(`/records/${record.id}`);
      expect(after.status).toBe(200);
      expect(after.body).toEqual(before);
      expect((await again.get(`/tables/${table.id}`)).body.fields.map((f: { name: string }) => f.name)).toEqual(['Title', 'Qty']);
      expect((await again.get(`/records/${record.id}/activity`)).body.activity.map((e: { action: string }) => e.action)).toEqual(['updated', 'created']);
      const conflict = await again.patch(`/records/${record.id}`, { values: { [table.f.Qty]: 9 }, expected_version: 1 });
      expect(conflict.status).toBe(409);
      await again.patch(`/records/${record.id}`, { values: { [table.f.Qty]: 5 }, expected_version: 2 });
      const events = await second.tandem.ctx.events.readAfter(second.tandem.ctx.db, room, headBefore);
      // The write's activity entry and its change, numbered on from where the first server stopped.
      expect(events.map((e) => [e.seq, e.type])).toEqual([
        [headBefore + 1, 'activity_created'],
        [headBefore + 2, 'record_updated'],
      ]);
    } finally {
      await second.close();
    }
  });
});
