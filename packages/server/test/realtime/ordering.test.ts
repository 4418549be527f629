import { randomUUID } from 'node:crypto';
import type { DurableEvent } from '@tandem/protocol';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { numberStagedEvents } from '../../src/events/event-sequencer.ts';
import { describeEachDatabase } from '../support/each-database.ts';
import { type ApiClient, newUser, workspaceWith } from '../support/http-client.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { connectWs } from '../support/ws-client.ts';
import { watchEventLog } from './event-log-watch.ts';
import { range, seqs, writeEvents } from './event-writer.ts';

/**
 * Stores an event in the log without publishing it, as if its bus message were lost or late: it
 * is staged in the outbox like any write and numbered by the event log's own numbering step, in
 * the same transaction so that no numbering pass of the server sees (and publishes) it first.
 */
async function storeSilently(server: TestServer, room: string): Promise<DurableEvent> {
  const { db } = server.tandem.ctx;
  const id = randomUUID();
  const numbered = await db.transaction(async (tx) => {
    await tx.query(`INSERT INTO event_outbox (id, room, type, actor, data) VALUES ($1, $2, 'record_updated', NULL, '{}'::jsonb)`, [id, room]);
    return numberStagedEvents(tx, 'silent-writer');
  });
  const stored = numbered.find((row) => row.id === id);
  if (!stored) throw new Error('the staged event was not numbered');
  return { type: 'record_updated', room, seq: stored.seq, ts: stored.ts.toISOString(), actor: null, data: {} };
}

describeEachDatabase('per-room ordering on one node', (db) => {
  let server: TestServer;
  let owner: ApiClient;
  let room: string;

  beforeAll(async () => {
    server = await startServer({ db });
    owner = await newUser(server.url, 'Owner');
    room = `workspace:${await workspaceWith(owner)}`;
  });
  afterAll(async () => server?.close());

  it('events published out of order are delivered in seq order', async () => {
    const client = await connectWs(server.url, owner);
    const start = (await client.subscribe(room)).seq as number;
    const first = await storeSilently(server, room);
    const second = await storeSilently(server, room);
    const third = await storeSilently(server, room);
    const { bus } = server.tandem.ctx;
    await bus.publish({ kind: 'event', event: third });
    await bus.publish({ kind: 'event', event: first });
    await bus.publish({ kind: 'event', event: second });
    expect(seqs(await client.collect(room, 3))).toEqual(range(start, 3));
    await client.close();
  });

  it('an event whose bus message is lost is read from the log before later events are delivered', async () => {
    const client = await connectWs(server.url, owner);
    const start = (await client.subscribe(room)).seq as number;
    await storeSilently(server, room);
    await writeEvents(server, room, 2);
    expect(seqs(await client.collect(room, 3))).toEqual(range(start, 3));
    await new Promise((r) => setTimeout(r, 100));
    expect(client.events(room)).toHaveLength(3);
    await client.close();
  });

  it('an event read from the log to fill a gap is kept with the others: a resume after it replays all from memory', async () => {
    const client = await connectWs(server.url, owner);
    const start = (await client.subscribe(room)).seq as number;
    await storeSilently(server, room);
    await writeEvents(server, room, 2);
    const live = await client.collect(room, 3);

    const back = await connectWs(server.url, owner);
    const log = watchEventLog(server, room);
    const ack = await back.subscribe(room, start);
    log.stop();
    expect(log.statements).toBe(0);
    expect(ack.replayed).toBe(3);
    expect(seqs(back.events(room))).toEqual(range(start, 3));
    expect(back.events(room)).toEqual(live);
    await back.close();
    await client.close();
  });

  it('every subscriber of a room receives the identical event, serialised once', async () => {
    const a = await connectWs(server.url, owner);
    const b = await connectWs(server.url, owner);
    const start = (await a.subscribe(room)).seq as number;
    await b.subscribe(room);
    await writeEvents(server, room, 5);
    const [ea, eb] = await Promise.all([a.collect(room, 5), b.collect(room, 5)]);
    expect(seqs(ea)).toEqual(range(start, 5));
    expect(eb).toEqual(ea);
    await a.close();
    await b.close();
  });

  it('an event this node staged but no longer holds in memory is read back from the log and delivered whole', async () => {
    const client = await connectWs(server.url, owner);
    const start = (await client.subscribe(room)).seq as number;
    const { db, events } = server.tandem.ctx;
    // Staged under this node's id but never through its own append, so the pass finds no payload in memory.
    await db.query(
      `INSERT INTO event_outbox (id, room, type, actor, data, node) VALUES ($1, $2, 'record_updated', '{"id":"y","name":"Forgotten"}'::jsonb, '{"kept":"in the log"}'::jsonb, $3)`,
      [randomUUID(), room, events.nodeId],
    );
    const [event] = await client.collect(room, 1);
    expect(event).toMatchObject({ type: 'record_updated', seq: start + 1, actor: { name: 'Forgotten' }, data: { kept: 'in the log' } });
    await client.close();
  });

  it('events another process staged and committed but never numbered (it died) are numbered and delivered with their payload', async () => {
    const client = await connectWs(server.url, owner);
    const start = (await client.subscribe(room)).seq as number;
    const { db } = server.tandem.ctx;
    await db.query(
      `INSERT INTO event_outbox (id, room, type, actor, data, node) VALUES ($1, $2, 'record_updated', '{"id":"x","name":"Ghost"}'::jsonb, '{"left":"behind"}'::jsonb, 'a-dead-node')`,
      [randomUUID(), room],
    );
    const [event] = await client.collect(room, 1);
    expect(event).toMatchObject({ type: 'record_updated', seq: start + 1, actor: { name: 'Ghost' }, data: { left: 'behind' } });
    await writeEvents(server, room, 1);
    expect(seqs(await client.collect(room, 2))).toEqual(range(start, 2));
    await client.close();
  });
});
