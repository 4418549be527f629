import type { Actor, DurableEvent, DurableEventType } from '@tandem/protocol';
import type { Bus } from '../backends/bus.ts';
import type { Queryable, Transaction } from '../db/database.ts';

interface Draft {
  readonly rooms: readonly string[];
  readonly type: DurableEventType;
  readonly actor: Actor | null;
  readonly data: unknown;
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
 * COMMIT the staged events get their per-room `seq` (rooms locked in sorted order, so concurrent
 * writers cannot deadlock, and a room's seq order equals its commit order), and after COMMIT
 * they are published on the bus.
 */
export class EventLog {
  readonly #staged = new WeakMap<Transaction, Draft[]>();

  constructor(private readonly bus: Bus) {}

  /** Stages one event for every room in `rooms`; it is written and published with the transaction. */
  append(tx: Transaction, rooms: readonly string[], type: DurableEventType, actor: Actor | null, data: unknown): void {
    let drafts = this.#staged.get(tx);
    if (!drafts) {
      drafts = [];
      this.#staged.set(tx, drafts);
      const list = drafts;
      tx.beforeCommit(async () => {
        const events = await this.#write(tx, list);
        tx.afterCommit(() => this.#publish(events));
      });
    }
    drafts.push({ rooms: [...new Set(rooms)], type, actor, data });
  }

  /**
   * One statement, so the per-room counter rows stay locked for as short a time as possible (they
   * are held until COMMIT, and every writer to the same room waits on them): bump each room's
   * counter by its number of events, in room order so concurrent writers cannot deadlock, and
   * insert the events numbered within the reserved range.
   */
  async #write(tx: Transaction, drafts: readonly Draft[]): Promise<DurableEvent[]> {
    // Sorted by room (stable, so each room keeps the drafts' order): ordinality k within a room
    // is the event's place in the range reserved for that room.
    const rows = drafts.flatMap((draft) => draft.rooms.map((room) => ({ room, draft })));
    rows.sort((a, b) => (a.room < b.room ? -1 : a.room > b.room ? 1 : 0));
    const stored = await tx.query<{ room: string; seq: number; ts: Date }>(
      `WITH drafts AS (
         SELECT d.room, d.type, d.actor, d.data, d.ord,
                row_number() OVER (PARTITION BY d.room ORDER BY d.ord) AS k,
                count(*) OVER (PARTITION BY d.room) AS n
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS d(room, type, actor, data, ord)
       ), bumped AS (
         INSERT INTO room_seqs AS r (room, seq)
         SELECT room, n FROM (SELECT DISTINCT room, n FROM drafts) c ORDER BY room
         ON CONFLICT (room) DO UPDATE SET seq = r.seq + EXCLUDED.seq
         RETURNING r.room, r.seq
       )
       INSERT INTO events (room, seq, type, actor, data)
       SELECT d.room, b.seq - d.n + d.k, d.type, NULLIF(d.actor, '')::jsonb, d.data::jsonb
       FROM drafts d JOIN bumped b ON b.room = d.room
       RETURNING room, seq, ts`,
      [
        rows.map((r) => r.room),
        rows.map((r) => r.draft.type),
        rows.map((r) => (r.draft.actor ? JSON.stringify(r.draft.actor) : '')),
        rows.map((r) => JSON.stringify(r.draft.data ?? null)),
      ],
    );
    stored.sort((a, b) => (a.room < b.room ? -1 : a.room > b.room ? 1 : a.seq - b.seq));
    return rows.map(({ room, draft }, i) => {
      const row = stored[i];
      if (row?.room !== room) throw new Error(`event log: stored events do not match the drafts of ${room}`);
      return { type: draft.type, room, seq: row.seq, ts: row.ts.toISOString(), actor: draft.actor, data: draft.data };
    });
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
