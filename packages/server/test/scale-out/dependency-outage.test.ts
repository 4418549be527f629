import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { postgresAvailable, redisAvailable, TEST_DATABASE_URL } from '../support/databases.ts';
import { type ApiClient, newTeam } from '../support/http-client.ts';
import { RedisLink } from '../support/redis.ts';
import { startServer } from '../support/server.ts';
import { createRecord, createTable } from '../support/tables.ts';
import { type ClusterSpace, dropSpace, freshSpace, spawnNode, startNode } from './cluster.ts';

const ready = (await postgresAvailable()) && (await redisAvailable());

/** The test database's URL with its host and port replaced by a link's. */
function through(link: RedisLink, url: string): string {
  const target = new URL(url);
  target.port = new URL(link.url).port;
  return target.toString();
}

describe.skipIf(!ready)('writes while a dependency is unreachable', () => {
  let space: ClusterSpace;
  const cleanups: (() => Promise<unknown>)[] = [];

  beforeAll(() => {
    space = freshSpace();
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  afterAll(async () => {
    if (space) await dropSpace(space);
  });

  async function teamWithRecord(server: { url: string }): Promise<{ alice: ApiClient; recordId: string; fieldId: string }> {
    const { owner, alice, workspaceId } = await newTeam(server.url, { alice: ['Alice', 'editor'] });
    const table = await createTable(owner, workspaceId, [{ name: 'Title', type: 'text' }]);
    const record = await createRecord(owner, table.id, { [table.f.Title]: 'before' });
    return { alice, recordId: record.id, fieldId: table.f.Title };
  }

  it('a write while PostgreSQL is unreachable answers 503 unavailable, and the same server writes again once it is back', async () => {
    const link = new RedisLink(TEST_DATABASE_URL);
    await link.up();
    cleanups.push(() => link.cut());
    const server = await startServer({ db: 'postgres', schema: space.schema, keep: true, overrides: { databaseUrl: through(link, TEST_DATABASE_URL) } });
    cleanups.push(() => server.close());
    const { alice, recordId, fieldId } = await teamWithRecord(server);

    await link.cut();
    const refused = await alice.patch(`/records/${recordId}`, { values: { [fieldId]: 'while down' } });
    expect(refused.status).toBe(503);
    expect(refused.body.error.code).toBe('unavailable');
    expect(typeof refused.body.error.message).toBe('string');

    await link.up();
    const written = await alice.patch(`/records/${recordId}`, { values: { [fieldId]: 'after' } });
    expect(written.status).toBe(200);
    const read = await alice.get(`/records/${recordId}`);
    expect(read.body.values[fieldId]).toBe('after');
    expect(read.body.version).toBe(2);
  });

  it('a node whose PostgreSQL connection is lost in the middle of a transaction answers 503 and keeps running', async () => {
    const link = new RedisLink(TEST_DATABASE_URL);
    await link.up();
    cleanups.push(() => link.cut());
    // Its own process: a lost connection that nobody listens to ends the process, not just the request.
    const node = await spawnNode(space, { DATABASE_URL: through(link, TEST_DATABASE_URL) });
    cleanups.push(() => node.kill());
    const { alice, recordId, fieldId } = await teamWithRecord(node);

    // The write's transaction holds a checked-out connection while it waits for the row.
    const blocker = new pg.Client({ connectionString: TEST_DATABASE_URL, options: `-c search_path=${space.schema}` });
    await blocker.connect();
    cleanups.push(() => blocker.end());
    await blocker.query('BEGIN');
    await blocker.query('SELECT id FROM records WHERE id = $1 FOR UPDATE', [recordId]);
    const writing = alice.patch(`/records/${recordId}`, { values: { [fieldId]: 'lost' } });
    await waitForLockWait(blocker);
    await link.cut();
    await blocker.query('COMMIT');

    const refused = await writing;
    expect(refused.status).toBe(503);
    expect(refused.body.error.code).toBe('unavailable');
    await link.up();
    const written = await alice.patch(`/records/${recordId}`, { values: { [fieldId]: 'after' } });
    expect(written.status).toBe(200);
    expect((await alice.get(`/records/${recordId}`)).body.values[fieldId]).toBe('after');
    expect(node.child.exitCode).toBeNull();
  });

  it('a record write while Redis is unreachable answers 503 unavailable and changes nothing', async () => {
    const link = new RedisLink();
    await link.up();
    cleanups.push(() => link.cut());
    const server = await startNode(space, link.url);
    cleanups.push(() => server.close());
    const { alice, recordId, fieldId } = await teamWithRecord(server);

    await link.cut();
    const refused = await alice.patch(`/records/${recordId}`, { values: { [fieldId]: 'while down' } });
    expect(refused.status).toBe(503);
    expect(refused.body.error.code).toBe('unavailable');
    const read = await alice.get(`/records/${recordId}`);
    expect(read.body.values[fieldId]).toBe('before');
  });

  it('a record write that committed is answered 200 even when Redis goes away before its cell locks are released', async () => {
    const link = new RedisLink();
    await link.up();
    cleanups.push(() => link.cut());
    const server = await startNode(space, link.url);
    cleanups.push(() => server.close());
    const { alice, recordId, fieldId } = await teamWithRecord(server);

    // Hold the record's row so the write passes its lock check (Redis is up) and then waits.
    const blocker = new pg.Client({ connectionString: TEST_DATABASE_URL, options: `-c search_path=${space.schema}` });
    await blocker.connect();
    cleanups.push(() => blocker.end());
    await blocker.query('BEGIN');
    await blocker.query('SELECT id FROM records WHERE id = $1 FOR UPDATE', [recordId]);
    const writing = alice.patch(`/records/${recordId}`, { values: { [fieldId]: 'committed' } });
    await waitForLockWait(blocker);
    await link.cut();
    await blocker.query('COMMIT');

    const answer = await writing;
    expect(answer.status).toBe(200);
    const { rows } = await blocker.query('SELECT values ->> $2 AS title FROM records WHERE id = $1', [recordId, fieldId]);
    expect(rows[0]?.title).toBe('committed');
  });
});

/** Polls until another session waits for a row lock (the write queued behind the blocker). Bounded: 10 s. */
async function waitForLockWait(client: pg.Client): Promise<void> {
  for (let i = 0; i < 200; i++) {
    // A row lock wait is on the holder's transaction (or the tuple); advisory waits of other work are not.
    const { rows } = await client.query(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND wait_event IN ('transactionid', 'tuple') AND pid <> pg_backend_pid()",
    );
    if ((rows[0]?.n ?? 0) > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the write never waited for the row lock');
}
