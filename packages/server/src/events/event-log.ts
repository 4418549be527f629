import { randomUUID } from 'node:crypto';
import type { Actor, DurableEvent, DurableEventData, DurableEventType } from '@tandem/protocol';
import type { Bus } from '../backends/bus.ts';
import type { Database, Queryable, Transaction } from '../db/database.ts';
import { type NumberedRow, numberStagedEvents, PassScheduler } from './event-sequencer.ts';

interface Draft {
  readonly rooms: readonly string[];
  readonly type: DurableEventType;
  readonly actor: Actor | null;
  readonly data: unknown;
}

/** An event this node staged and has not yet seen numbered, kept so its payload need not travel back. */
interface Staged {
  readonly draft: Draft;
  /** When it was staged (ms), so entries of rolled-back transactions are dropped eventually. */
  readonly at: number;
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
 * Numbers events inside the writing transaction: each event's payload is stored once, in
 * `event_payloads`, and each event gets the next seq of each of its rooms (in append order, and
 * within an event in the order of its rooms) as a payload-less `events` row; each room's counter
 * moves once, by its count. Payloads are parsed once per event (the materialised `src`).
 */
const NUMBER_INLINE_SQL = `
  WITH src AS MATERIALIZED (
    SELECT u.id, u.rooms, u.type, NULLIF(u.actor, '')::jsonb AS actor, u.data::jsonb AS data, u.ord
    FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[]) WITH ORDINALITY AS u(id, rooms, type, actor, data, ord)
  ), payloads AS (
    INSERT INTO event_payloads (id, type, actor, data) SELECT s.id, s.type, s.actor, s.data FROM src s
  ), d AS (
    SELECT s.id, r.room, s.ord, r.ord AS room_ord
    FROM src s CROSS JOIN LATERAL unnest(string_to_array(s.rooms, E'\\n')) WITH ORDINALITY AS r(room, ord)
  ), ranked AS (
    SELECT d.*, row_number() OVER (PARTITION BY room ORDER BY ord, room_ord) AS n, count(*) OVER (PARTITION BY room) AS total FROM d
  ), counters AS (
    INSERT INTO room_seqs AS r (room, seq) SELECT room, max(total) FROM ranked GROUP BY room
    ON CONFLICT (room) DO UPDATE SET seq = r.seq + EXCLUDED.seq
    RETURNING r.room, r.seq
  )
  INSERT INTO events (id, room, seq)
  SELECT k.id, k.room, c.seq - k.total + k.n FROM ranked k JOIN counters c ON c.room = k.room
  RETURNING id, room, seq, ts`;

/** Stores payloads once: `$1…$4` are the events' ids, types, actors and data. */
const INSERT_PAYLOADS_SQL = `
  INSERT INTO event_payloads (id, type, actor, data)
  SELECT u.id, u.type, NULLIF(u.actor, '')::jsonb, u.data::jsonb
  FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[]) AS u(id, type, actor, data)`;

/** Stages events for a numbering pass in append order (`pos`): `$1` their ids, `$2` their rooms, `$3` this node. */
const STAGE_SQL = `
  INSERT INTO event_outbox (id, rooms, node)
  SELECT u.id, string_to_array(u.rooms, E'\\n'), $3
  FROM unnest($1::uuid[], $2::text[]) WITH ORDINALITY AS u(id, rooms, ord)
  ORDER BY u.ord`;

/**
 * An event with its payload: from `event_payloads`, or from the `events` row itself when it was
 * written before payloads were stored once.
 */
const EVENT_COLUMNS = `e.room, e.seq, coalesce(e.type, p.type) AS type, coalesce(e.data, p.data) AS data,
  CASE WHEN e.data IS NULL THEN p.actor ELSE e.actor END AS actor, e.ts`;

/** Where {@link EVENT_COLUMNS} read from. */
const EVENTS_WITH_PAYLOADS = 'events e LEFT JOIN event_payloads p ON p.id = e.id';

/** Least time between back-to-back numbering passes (a few ms of latency under load, far fewer transactions). */
const PASS_GAP_MS = 5;

/** Rows moved out of the outbox after which this node vacuums it (see `#vacuumSoon`). */
const VACUUM_AFTER_ROWS = 2000;

/** How often a node numbers whatever is staged even when none of its own writes asked (events of a node that died mid-way). */
const SWEEP_MS = 1000;
/** Staged entries older than this belong to transactions that rolled back. */
const STAGED_MAX_AGE_MS = 5 * 60_000;

/**
 * The durable event log. Services `append` events inside their write transaction; just before
 * COMMIT they are staged in `event_outbox` in one statement. After COMMIT the writer asks for a
 * numbering pass (see event-sequencer.ts): one node at a time moves every committed staged event
 * to `events`, giving each its room's next gapless `seq` in staging order, and publishes them on
 * the bus. A writer's `transaction()` resolves once its events are numbered and published.
 *
 * Why not number inside each COMMIT: the room counter would then be held by every writer through
 * its own COMMIT, so writes to one room (every write to a table) queue one fsync at a time.
 * Numbering committed events in passes keeps the guarantees — a room's seqs have no gap, and a
 * write that depended on another (it waited for its row lock) is staged, and so numbered, after
 * it — while writers commit in parallel and share one counter update per pass.
 */
export class EventLog {
  readonly #drafts = new WeakMap<Transaction, Draft[]>();
  /** This node's staged events by outbox id, until a pass numbers them. */
  readonly #staged = new Map<string, Staged>();
  readonly #passes: PassScheduler;
  readonly #sweep: NodeJS.Timeout;
  #closed = false;
  #movedSinceVacuum = 0;
  #vacuuming = false;
  /**
   * Embedded PGlite runs one transaction at a time, so numbering inside the writer's own
   * transaction makes nobody wait and saves the pass's extra transaction.
   */
  readonly #inline: boolean;
  /** Where passes run: a connection of their own, so a pass never waits behind the pool's transactions. */
  readonly #passDb: Queryable;

  constructor(
    private readonly bus: Bus,
    private readonly db: Database,
    /** This process's id in the outbox: rows it staged come back from a pass without their payload. */
    readonly nodeId: string,
    private readonly onError: (err: unknown) => void,
  ) {
    this.#inline = db.kind === 'pglite';
    this.#passDb = db.reserved();
    this.#passes = new PassScheduler(() => this.#pass(), PASS_GAP_MS);
    this.#sweep = setInterval(() => void this.#passes.request(), SWEEP_MS);
    this.#sweep.unref();
  }

  /**
   * Stages one event for every room in `rooms`; it is written and published with the transaction.
   * `data` must be what the protocol's `DurableEventData` declares for `type`.
   */
  append<T extends DurableEventType>(tx: Transaction, rooms: readonly string[], type: T, actor: Actor | null, data: DurableEventData[T]): void {
    let drafts = this.#drafts.get(tx);
    if (!drafts) {
      drafts = [];
      this.#drafts.set(tx, drafts);
      const list = drafts;
      tx.beforeCommit(async () => {
        if (this.#inline) {
          const events = await this.#numberInline(tx, list);
          tx.afterCommit(() => this.#publish(events));
          return;
        }
        this.#stage(tx, list);
        tx.afterCommit(() => this.#passes.request());
      });
    }
    drafts.push({ rooms: [...new Set(rooms)], type, actor, data });
  }

  /** Stops the periodic pass and waits for a running one. */
  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#sweep);
    await this.#passes.idle();
  }

  /** Numbers the transaction's events inside it (PGlite) and returns them as they will be published. */
  async #numberInline(tx: Transaction, drafts: readonly Draft[]): Promise<DurableEvent[]> {
    const rows = stagedRows(drafts);
    const stored = await tx.query<{ id: string; room: string; seq: number; ts: Date }>(NUMBER_INLINE_SQL, eventParams(rows));
    const byKey = new Map(stored.map((s) => [`${s.id} ${s.room}`, s]));
    return rows.flatMap(({ id, draft }) =>
      draft.rooms.flatMap((room) => {
        const s = byKey.get(`${id} ${room}`);
        return s ? [{ type: draft.type, room, seq: s.seq, ts: s.ts.toISOString(), actor: draft.actor, data: draft.data }] : [];
      }),
    );
  }

  /** Stages the transaction's events (payloads once, and an outbox row listing each event's rooms), deferred to travel with the transaction's other last writes. */
  #stage(tx: Transaction, drafts: readonly Draft[]): void {
    const at = Date.now();
    const rows = stagedRows(drafts);
    for (const row of rows) this.#staged.set(row.id, { draft: row.draft, at });
    // Two statements (deferred ones travel as the CTEs of one, and cannot hold CTEs themselves).
    const [ids, rooms, types, actors, data] = eventParams(rows);
    tx.defer(INSERT_PAYLOADS_SQL, [ids, types, actors, data]);
    tx.defer(STAGE_SQL, [ids, rooms, this.nodeId]);
  }

  /** One numbering pass: numbers every committed staged event (any node's) and publishes them in seq order per room. */
  async #pass(): Promise<void> {
    if (this.#closed && this.#staged.size === 0) return;
    try {
      const rows = await numberStagedEvents(this.#passDb, this.nodeId);
      if (rows.length > 0) await this.#publish(await this.#events(rows));
      this.#vacuumSoon(rows.length);
      this.#dropStale();
    } catch (err) {
      // The events stay staged; the next pass (at the latest the periodic one) numbers them.
      this.onError(err);
    }
  }

  /** The numbered rows as events, with the payloads this node kept (or, when it does not hold one, read back). */
  async #events(rows: readonly NumberedRow[]): Promise<DurableEvent[]> {
    // A row carries its payload only when a node staged it before payloads were stored once.
    const held = (row: NumberedRow) => (row.mine ? this.#staged.get(row.id)?.draft : undefined);
    const missing = rows.filter((row) => !held(row) && row.type === null);
    const readBack = await this.#readStored(missing);
    const events: DurableEvent[] = [];
    for (const row of rows) {
      const draft = held(row);
      if (draft) {
        events.push({ type: draft.type, room: row.room, seq: row.seq, ts: row.ts.toISOString(), actor: draft.actor, data: draft.data });
      } else if (row.type === null) {
        // Missing only if history trimming removed it already; the gateway reads gaps from the log.
        const event = readBack.get(`${row.seq} ${row.room}`);
        if (event) events.push(event);
      } else {
        events.push({ type: row.type, room: row.room, seq: row.seq, ts: row.ts.toISOString(), actor: row.actor, data: row.data });
      }
    }
    // After the loop: a staged event comes back once for each of its rooms.
    for (const row of rows) this.#staged.delete(row.id);
    return events;
  }

  async #publish(events: readonly DurableEvent[]): Promise<void> {
    // Issued together, in order: a networked bus pipelines them instead of one round trip each.
    await Promise.all(events.map((event) => this.bus.publish({ kind: 'event', event })));
  }

  /**
   * The outbox is an insert-then-delete queue; a numbering pass has to step over every row earlier
   * passes deleted until VACUUM removes them, and autovacuum looks at a table only once a minute.
   * Under a steady stream of writes that grew a pass from milliseconds to half a second, so the
   * node vacuums the outbox itself once enough rows went through it. VACUUM does not block
   * writers or passes; at most one runs at a time.
   */
  #vacuumSoon(moved: number): void {
    this.#movedSinceVacuum += moved;
    if (this.#vacuuming || this.#movedSinceVacuum < VACUUM_AFTER_ROWS || this.db.kind !== 'postgres') return;
    this.#vacuuming = true;
    this.#movedSinceVacuum = 0;
    this.db
      .exec('VACUUM (TRUNCATE false) event_outbox')
      .catch((err) => this.onError(err))
      .finally(() => {
        this.#vacuuming = false;
      });
  }

  #dropStale(): void {
    if (this.#staged.size < 10_000) return;
    const limit = Date.now() - STAGED_MAX_AGE_MS;
    for (const [id, staged] of this.#staged) if (staged.at < limit) this.#staged.delete(id);
  }

  /** Numbered events read back from the log by room and seq (for rows whose payload this node does not hold), keyed `"<seq> <room>"`. */
  async #readStored(rows: readonly NumberedRow[]): Promise<Map<string, DurableEvent>> {
    if (rows.length === 0) return new Map();
    const stored = await this.db.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM unnest($1::text[], $2::bigint[]) AS k(room, seq)
       JOIN events e ON e.room = k.room AND e.seq = k.seq LEFT JOIN event_payloads p ON p.id = e.id`,
      [rows.map((row) => row.room), rows.map((row) => String(row.seq))],
    );
    return new Map(stored.map((row) => [`${row.seq} ${row.room}`, toEvent(row)]));
  }

  /** Events of `room` after `since`, oldest first, at most `limit`. */
  async readAfter(db: Queryable, room: string, since: number, limit = 1000): Promise<DurableEvent[]> {
    const rows = await db.query<EventRow>(`SELECT ${EVENT_COLUMNS} FROM ${EVENTS_WITH_PAYLOADS} WHERE e.room = $1 AND e.seq > $2 ORDER BY e.seq LIMIT $3`, [
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

  /**
   * Deletes events past the retention limits, then the payloads neither an event nor a staged
   * one refers to any more; returns how many events were removed.
   */
  async trim(db: Queryable, retention: Retention): Promise<number> {
    const old = await db.query<{ n: number }>(
      `WITH d AS (DELETE FROM events WHERE ts < now() - make_interval(hours => $1) RETURNING 1) SELECT count(*)::int AS n FROM d`,
      [retention.hours],
    );
    const extra = await db.query<{ n: number }>(
      `WITH d AS (DELETE FROM events e USING room_seqs r WHERE e.room = r.room AND e.seq <= r.seq - $1 RETURNING 1) SELECT count(*)::int AS n FROM d`,
      [retention.count],
    );
    // A payload is committed with its outbox row, and a pass moves outbox rows to events in one
    // transaction, so one snapshot sees every live payload referred to from one or the other.
    await db.query(
      `DELETE FROM event_payloads p WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.id = p.id)
         AND NOT EXISTS (SELECT 1 FROM event_outbox o WHERE o.id = p.id)`,
    );
    return (old[0]?.n ?? 0) + (extra[0]?.n ?? 0);
  }
}

/** One row per event (for all its rooms), each with its own id, in append order. */
function stagedRows(drafts: readonly Draft[]): { id: string; draft: Draft }[] {
  return drafts.map((draft) => ({ id: randomUUID(), draft }));
}

/**
 * The `$1…$5` arrays (id, rooms, type, actor, data) both the outbox and the inline numbering
 * unnest. An event's rooms travel as one text, one room per line (room names never hold a line
 * break: they are a kind and an id), since SQL arrays cannot be ragged.
 */
function eventParams(rows: readonly { id: string; draft: Draft }[]): [string[], string[], string[], string[], string[]] {
  return [
    rows.map((r) => r.id),
    rows.map((r) => r.draft.rooms.join('\n')),
    rows.map((r) => r.draft.type),
    rows.map((r) => (r.draft.actor ? JSON.stringify(r.draft.actor) : '')),
    rows.map((r) => JSON.stringify(r.draft.data ?? null)),
  ];
}

function toEvent(row: EventRow): DurableEvent {
  return { type: row.type, room: row.room, seq: row.seq, ts: row.ts.toISOString(), actor: row.actor, data: row.data };
}
