import { roomName } from '@tandem/protocol';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from './support/each-database.ts';
import { type ApiClient, newTeam } from './support/http-client.ts';
import { startServer, type TestServer } from './support/server.ts';
import { createRecord, createTable, type TestTable } from './support/tables.ts';
import { connectWs } from './support/ws-client.ts';

describeEachDatabase('record update batches', (db) => {
  let server: TestServer;
  let alice: ApiClient;
  let bob: ApiClient;
  let table: TestTable<'Title' | 'Qty'>;
  /** Record ids whose write a test listener fails. */
  const poisoned = new Set<string>();
  /** How often the test listener ran per updated record id. */
  const listenerRuns = new Map<string, number>();

  beforeAll(async () => {
    server = await startServer({ db });
    // Alice owns the workspace and the table; Bob edits it.
    const team = await newTeam(server.url, { bob: ['Bob', 'editor'] });
    ({ owner: alice, bob } = team);
    table = await createTable(alice, team.workspaceId, [
      { name: 'Title', type: 'text' },
      { name: 'Qty', type: 'number' },
    ]);
    server.tandem.ctx.hooks.add(async (_tx, change) => {
      if (change.action !== 'updated') return;
      listenerRuns.set(change.recordId, (listenerRuns.get(change.recordId) ?? 0) + 1);
      if (poisoned.has(change.recordId)) throw new Error('listener refused the write');
    });
  });
  afterAll(async () => server?.close());

  const newRecords = (n: number) =>
    Promise.all(Array.from({ length: n }, (_, i) => createRecord(alice, table.id, { [table.f.Title]: `r${i}`, [table.f.Qty]: 0 })));

  /** How many transactions last wrote these records (rows written by one transaction share its xmin). */
  const writingTransactions = async (ids: readonly string[]) => {
    const [row] = await server.tandem.ctx.db.query<{ n: number }>('SELECT count(DISTINCT xmin::text)::int AS n FROM records WHERE id = ANY($1::uuid[])', [ids]);
    return row?.n ?? 0;
  };

  it('concurrent updates share transactions, and each lands once with its own version, activity entry and event', async () => {
    const { f } = table;
    const records = await newRecords(40);
    const ids = records.map((r) => r.id);
    const watcher = await connectWs(server.url, alice);
    const room = roomName('table', table.id);
    try {
      await watcher.subscribe(room);
      const writes = records.flatMap((r, i) => [
        alice.patch(`/records/${r.id}`, { values: { [f.Title]: `alice ${i}` } }),
        bob.patch(`/records/${r.id}`, { values: { [f.Qty]: i + 1 } }),
      ]);
      const answers = await Promise.all(writes);
      expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));

      // Each record took both writes, one version each, whichever came first.
      const stored = await Promise.all(ids.map((id) => alice.get(`/records/${id}`)));
      stored.forEach((res, i) => {
        expect(res.body).toMatchObject({ version: 3, values: { [f.Title]: `alice ${i}`, [f.Qty]: i + 1 } });
      });
      // Fewer transactions than records: the writes were batched.
      expect(await writingTransactions(ids)).toBeLessThan(ids.length);

      const [activity] = await server.tandem.ctx.db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM activity WHERE record_id = ANY($1::uuid[]) AND action = 'updated'",
        [ids],
      );
      expect(activity?.n).toBe(80);
      const events = (await watcher.collect(room, 80)).filter((e) => e.type === 'record_updated');
      expect(events).toHaveLength(80);
      const seqs = events.map((e) => e.seq);
      expect(seqs).toEqual(Array.from({ length: 80 }, (_, i) => (seqs[0] ?? 0) + i));
      for (const id of ids) {
        const versions = events.filter((e) => (e.data as { id: string }).id === id).map((e) => (e.data as { version: number }).version);
        expect(versions).toEqual([2, 3]);
      }
    } finally {
      await watcher.close();
    }
  });

  it('a write refused inside a batch (a bad value, a stale version) changes nothing and leaves the others be', async () => {
    const { f } = table;
    const records = await newRecords(30);
    const [bad, stale] = records;
    if (!bad || !stale) throw new Error('no records');
    await alice.patch(`/records/${stale.id}`, { values: { [f.Qty]: 5 } });
    const answers = await Promise.all(
      records.map((r) => {
        if (r === bad) return bob.patch(`/records/${r.id}`, { values: { [f.Qty]: 'many' } });
        if (r === stale) return bob.patch(`/records/${r.id}`, { values: { [f.Qty]: 6 }, expected_version: 1 });
        return bob.patch(`/records/${r.id}`, { values: { [f.Qty]: 7 } });
      }),
    );
    expect(answers[0]?.status).toBe(400);
    expect(answers[0]?.body.error.code).toBe('invalid_input');
    expect(answers[1]?.status).toBe(409);
    expect(answers.slice(2).map((a) => a.status)).toEqual(answers.slice(2).map(() => 200));
    expect((await alice.get(`/records/${bad.id}`)).body).toMatchObject({ version: 1, values: { [f.Qty]: 0 } });
    expect((await alice.get(`/records/${stale.id}`)).body).toMatchObject({ version: 2, values: { [f.Qty]: 5 } });
    for (const r of records.slice(2)) expect((await alice.get(`/records/${r.id}`)).body).toMatchObject({ version: 2, values: { [f.Qty]: 7 } });
  });

  it('when a write fails its whole transaction, the writes that shared it run again on their own and land; only the failing one fails', async () => {
    const { f } = table;
    const records = await newRecords(30);
    const poison = records[15];
    if (!poison) throw new Error('no records');
    poisoned.add(poison.id);
    try {
      const answers = await Promise.all(records.map((r) => bob.patch(`/records/${r.id}`, { values: { [f.Title]: 'after' } })));
      expect(answers[15]?.status).toBe(500);
      const others = answers.filter((_, i) => i !== 15);
      expect(others.map((a) => a.status)).toEqual(others.map(() => 200));
    } finally {
      poisoned.delete(poison.id);
    }
    expect((await alice.get(`/records/${poison.id}`)).body).toMatchObject({ version: 1, values: { [f.Title]: 'r15' } });
    for (const r of records.filter((r) => r !== poison))
      expect((await alice.get(`/records/${r.id}`)).body).toMatchObject({ version: 2, values: { [f.Title]: 'after' } });
    // Some write shared the failed transaction and so ran its listener twice, yet landed once.
    const reruns = records.filter((r) => r !== poison && (listenerRuns.get(r.id) ?? 0) > 1);
    expect(reruns.length).toBeGreaterThan(0);
    const [activity] = await server.tandem.ctx.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM activity WHERE record_id = ANY($1::uuid[]) AND action = 'updated'",
      [records.map((r) => r.id)],
    );
    expect(activity?.n).toBe(29);
  });
});
