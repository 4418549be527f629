import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probePayload } from './realtime/event-writer.ts';
import { postgresRuns } from './support/each-database.ts';
import { startServer, type TestServer } from './support/server.ts';

describe.skipIf(!postgresRuns)('event numbering passes [postgres]', () => {
  let server: TestServer;

  beforeAll(async () => {
    // One pooled connection: any transaction waiting for it holds the whole pool.
    server = await startServer({ db: 'postgres', overrides: { databasePoolSize: 1 } });
  });
  afterAll(async () => server?.close());

  it('run on a connection of their own, so a writer waiting for its pass is not stuck behind the pool', async () => {
    const { db, events } = server.tandem.ctx;
    // The writer resolves once a pass has numbered and published its event. The moment it
    // commits, the only pooled connection goes to the second transaction, which waits for the
    // writer: were the pass to need the pool, neither could ever finish.
    const writer = db.transaction(async (tx) => {
      events.append(tx, ['table:00000000-0000-4000-8000-000000000001'], 'record_updated', null, probePayload('record_updated', { probe: true }));
    });
    const waiting = db.transaction(async (tx) => {
      await tx.query('SELECT 1');
      await writer;
      return 'done';
    });
    const stuck = new Promise<string>((resolve) => setTimeout(() => resolve('stuck'), 5000).unref());
    expect(await Promise.race([Promise.all([writer, waiting]).then(([, w]) => w), stuck])).toBe('done');
    const [numbered] = await db.query<{ seq: number }>('SELECT seq FROM events WHERE room = $1', ['table:00000000-0000-4000-8000-000000000001']);
    expect(numbered?.seq).toBe(1);
  });
});
