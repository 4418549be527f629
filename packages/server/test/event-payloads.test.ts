import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { probePayload } from './realtime/event-writer.ts';
import { describeEachDatabase } from './support/each-database.ts';
import { startServer, type TestServer } from './support/server.ts';

describeEachDatabase('event payloads', (db) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer({ db });
  });
  afterAll(async () => server?.close());

  const count = async (sql: string, params: unknown[]) => (await server.tandem.ctx.db.query<{ n: number }>(sql, params as never[]))[0]?.n;

  it('an event for several rooms stores its payload once, and each room reads it back whole', async () => {
    const { ctx } = server.tandem;
    const rooms: [string, string] = [`table:${randomUUID()}`, `record:${randomUUID()}`];
    const actor = { id: randomUUID(), name: 'Ada' };
    await ctx.db.transaction(async (tx) => ctx.events.append(tx, rooms, 'record_updated', actor, probePayload('record_updated', { title: 'kept once' })));

    const [row] = await ctx.db.query<{ id: string }>('SELECT id FROM events WHERE room = $1', [rooms[0]]);
    const id = row?.id ?? '';
    expect(await count('SELECT count(*)::int AS n FROM event_payloads WHERE id = $1', [id])).toBe(1);
    expect(await count('SELECT count(*)::int AS n FROM events WHERE id = $1 AND data IS NULL AND type IS NULL', [id])).toBe(2);
    for (const room of rooms) {
      const [event] = await ctx.events.readAfter(ctx.db, room, 0);
      expect(event).toMatchObject({ room, seq: 1, type: 'record_updated', actor, data: { title: 'kept once' } });
    }
  });

  it('events written with their payload inline (before payloads were stored once) still read back', async () => {
    const { ctx } = server.tandem;
    const room = `table:${randomUUID()}`;
    await ctx.db.query(`INSERT INTO events (id, room, seq, type, actor, data) VALUES ($1, $2, 1, 'record_created', NULL, '{"old":true}'::jsonb)`, [
      randomUUID(),
      room,
    ]);
    const [event] = await ctx.events.readAfter(ctx.db, room, 0);
    expect(event).toMatchObject({ room, seq: 1, type: 'record_created', actor: null, data: { old: true } });
  });

  it('trimming history removes the payloads no kept event refers to, and keeps the others', async () => {
    const { ctx } = server.tandem;
    const room = `table:${randomUUID()}`;
    await ctx.db.transaction(async (tx) => {
      for (let i = 0; i < 5; i += 1) ctx.events.append(tx, [room], 'announcement', null, { i });
    });
    const ids = (await ctx.db.query<{ id: string }>('SELECT id FROM events WHERE room = $1 ORDER BY seq', [room])).map((r) => r.id);
    expect(ids).toHaveLength(5);

    await ctx.events.trim(ctx.db, { count: 2, hours: 24 });
    expect(await count('SELECT count(*)::int AS n FROM event_payloads WHERE id = ANY($1::uuid[])', [ids.slice(0, 3)])).toBe(0);
    expect(await count('SELECT count(*)::int AS n FROM event_payloads WHERE id = ANY($1::uuid[])', [ids.slice(3)])).toBe(2);
    expect((await ctx.events.readAfter(ctx.db, room, 0)).map((e) => e.data)).toEqual([{ i: 3 }, { i: 4 }]);
  });
});
