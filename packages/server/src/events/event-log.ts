import { randomUUID } from 'node:crypto';
import type { Actor, DurableEvent, DurableEventType } from '@tandem/protocol';
import type { Bus } from '../backends/bus.ts';
import type { Queryable, Transaction } from '../db/database.ts';

interface Draft {
  readonly rooms: readonly string[];
  readonly type: DurableEventType;
  readonly actor: Actor | null;
  readonly data: unknown;
}

/** One event for one room, staged in `event_outbox` until COMMIT numbers it. */
interface Staged {
  readonly id: string;
  readonly room: string;
  readonly draft: Draft;
}

interface EventRow {
  room: string;
  seq: number;
  type: string;
  actor: Actor | null;
  data: unknown;
  ts: Date;
}

/** History retention for resume. */
export interface Retention {
  /** Events kept per room. */
  readonly count: number;
  /** Events older than this many hours are trimmed. */
  readonly hours: number;
}

/**
 * The durable event log. Services `append` events inside their write transaction; just before
 * COMMIT they are staged in one statement, COMMIT itself numbers them with each room's gapless
 * `seq` (a deferred trigger holds the room counter until the commit is durable, so a room's seq
 * order equals its commit order), and after COMMIT they are read back with their seq and
 * published on the bus.
 */
export class EventLog {
  readonly #staged = new WeakMap<Transaction, Draft[]>();

  constructor(
    private readonly bus: Bus,
    private readonly db: Queryable,
  ) {}

  /** Stages one event for every room in `rooms`; it is written and published with the transaction. */
  append(tx: Transaction, rooms: readonly string[], type: DurableEventType, actor: Actor | null, data: unknown): void {
    let drafts = this.#staged.get(tx);
    if (!drafts) {
      drafts = [];
      this.#staged.set(tx, drafts);
      const list = drafts;
      tx.beforeCommit(async () => {
        const staged = await this.#stage(tx, list);
        tx.afterCommit(async () => this.#publish(await this.#numbered(staged)));
      });
    }
    drafts.push({ rooms: [...new Set(rooms)], type, actor, data });
  }

  /**
   * Stages the transaction's events in `event_outbox`, sorted by room so that the deferred
   * trigger (see events/migrations.ts) takes the room counters in the same order in every
   * transaction and concurrent writers cannot deadlock. Returns the staged rows; their `seq`
   * and `ts` are read back after COMMIT by {@link EventLog.#numbered}.
   */
  async #stage(tx: Transaction, drafts: readonly Draft[]): Promise<Staged[]> {
    const rows = drafts.flatMap((draft) => draft.rooms.map((room) => ({ id: randomUUID(), room, draft })));
    rows.sort((a, b) => (a.room < b.room ? -1 : a.room > b.room ? 1 : 0));
    await tx.query(
      `INSERT INTO event_outbox (id, room, type, actor, data)
       SELECT d.id, d.room, d.type, NULLIF(d.actor, '')::jsonb, d.data::jsonb
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[]) WITH ORDINALITY AS d(id, room, type, actor, data, ord)
       ORDER BY d.ord`,
      [
        rows.map((r) => r.id),
        rows.map((r) => r.room),
        rows.map((r) => r.draft.type),
        rows.map((r) => (r.draft.actor ? JSON.stringify(r.draft.actor) : '')),
        rows.map((r) => JSON.stringify(r.draft.data ?? null)),
      ],
    );
    return rows;
  }

  /** The committed events of staged rows, in staging order, with the seq and ts COMMIT gave them. */
  async #numbered(staged: readonly Staged[]): Promise<DurableEvent[]> {
    const stored = await this.db.query<{ id: string; seq: number; ts: Date }>('SELECT id, seq, ts FROM events WHERE id = ANY($1::uuid[])', [
      staged.map((s) => s.id),
    ]);
    const byId = new Map(stored.map((row) => [row.id, row]));
    const events: DurableEvent[] = [];
    for (const { id, room, draft } of staged) {
      // Missing only if history trimming removed it already; the gateway reads gaps from the log.
      const row = byId.get(id);
      if (row) events.push({ type: draft.type, room, seq: row.seq, ts: row.ts.toISOString(), actor: draft.actor, data: draft.data });
    }
    return events;
  }

  async #publish(events: readonly DurableEvent[]): Promise<void> {
    for (const event of events) await this.bus.publish({ kind: 'event', event });
  }

  /** Events of `room` after `since`, oldest first, at most `limit`. */
  async readAfter(db: Queryable, room: string, since: number, limit = 1000): Promise<DurableEvent[]> {
    const rows = await db.query<EventRow>('SELECT room, seq, type, actor, data, ts FROM events WHERE room = $1 AND seq > $2 ORDER BY seq LIMIT $3', [
      room,
      since,
      limit,
    ]);
    return rows.map(toEvent);
  }

  /** The newest seq of `room` (0 when nothing happened there yet). */
  async head(db: Queryable, room: string): Promise<number> {
    const [row] = await db.query<{ seq: number }>('SELECT seq FROM room_seqs WHERE room = $1', [room]);
    return row?.seq ?? 0;
  }

  /** The oldest seq still retained for `room`, or null when none is kept. */
  async oldest(db: Queryable, room: string): Promise<number | null> {
    const [row] = await db.query<{ seq: number | null }>('SELECT min(seq) AS seq FROM events WHERE room = $1', [room]);
    return row?.seq ?? null;
  }

  /** Deletes events past the retention limits; returns how many were removed. */
  async trim(db: Queryable, retention: Retention): Promise<number> {
    const old = await db.query<{ n: number }>(
      `WITH d AS (DELETE FROM events WHERE ts < now() - make_interval(hours => $1) RETURNING 1) SELECT count(*)::int AS n FROM d`,
      [retention.hours],
    );
    const extra = await db.query<{ n: number }>(
      `WITH d AS (DELETE FROM events e USING room_seqs r WHERE e.room = r.room AND e.seq <= r.seq - $1 RETURNING 1) SELECT count(*)::int AS n FROM d`,
      [retention.count],
    );
    return (old[0]?.n ?? 0) + (extra[0]?.n ?? 0);
  }
}

function toEvent(row: EventRow): DurableEvent {
  return { type: row.type, room: row.room, seq: row.seq, ts: row.ts.toISOString(), actor: row.actor, data: row.data };
}
