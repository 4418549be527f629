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

  async #write(tx: Transaction, drafts: readonly Draft[]): Promise<DurableEvent[]> {
    const perRoom = new Map<string, Draft[]>();
    for (const draft of drafts) {
      for (const room of draft.rooms) {
        const list = perRoom.get(room) ?? [];
        list.push(draft);
        perRoom.set(room, list);
      }
    }
    const events: DurableEvent[] = [];
    for (const room of [...perRoom.keys()].sort()) {
      const list = perRoom.get(room) ?? [];
      const [row] = await tx.query<{ seq: number }>(
        `INSERT INTO room_seqs (room, seq) VALUES ($1, $2)
         ON CONFLICT (room) DO UPDATE SET seq = room_seqs.seq + $2 RETURNING seq`,
        [room, list.length],
      );
      let seq = (row?.seq ?? list.length) - list.length;
      for (const draft of list) {
        seq += 1;
        const [stored] = await tx.query<EventRow>(`INSERT INTO events (room, seq, type, actor, data) VALUES ($1, $2, $3, $4::jsonb, $5::jsonb) RETURNING ts`, [
          room,
          seq,
          draft.type,
          draft.actor ? JSON.stringify(draft.actor) : null,
          JSON.stringify(draft.data ?? null),
        ]);
        events.push({ type: draft.type, room, seq, ts: (stored?.ts ?? new Date()).toISOString(), actor: draft.actor, data: draft.data });
      }
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
