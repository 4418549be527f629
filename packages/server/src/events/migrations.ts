import type { Migration } from '../db/migrate.ts';

/** Event-log schema changes (ids 10–19). */
export const EVENT_MIGRATIONS: readonly Migration[] = [
  {
    id: 10,
    name: 'events are numbered at COMMIT by a deferred trigger',
    sql: `
      -- A transaction stages its events here; at COMMIT a deferred trigger numbers each one in
      -- its room and moves it to events. The room counter row is therefore locked only inside
      -- COMMIT itself, never across a round trip to the application, so writers to one room
      -- queue for as short a time as possible while seq order still equals commit order.
      CREATE TABLE event_outbox (
        id uuid PRIMARY KEY,
        room text NOT NULL,
        type text NOT NULL,
        actor jsonb,
        data jsonb NOT NULL
      );
      ALTER TABLE events ADD COLUMN id uuid;
      CREATE UNIQUE INDEX events_id_key ON events (id);

      CREATE FUNCTION tandem_number_event() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        next_seq bigint;
      BEGIN
        INSERT INTO room_seqs AS r (room, seq) VALUES (NEW.room, 1)
          ON CONFLICT (room) DO UPDATE SET seq = r.seq + 1
          RETURNING r.seq INTO next_seq;
        INSERT INTO events (id, room, seq, type, actor, data) VALUES (NEW.id, NEW.room, next_seq, NEW.type, NEW.actor, NEW.data);
        DELETE FROM event_outbox WHERE id = NEW.id;
        RETURN NULL;
      END $$;

      CREATE CONSTRAINT TRIGGER event_outbox_number AFTER INSERT ON event_outbox
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION tandem_number_event();
    `,
  },
  {
    id: 11,
    name: 'committed events are numbered in passes, not inside each COMMIT',
    sql: `
      -- Numbering inside COMMIT held each room's counter through the writer's commit (and its
      -- fsync), so writes to one room went one at a time. Staged rows now stay in the outbox
      -- after COMMIT; a numbering pass (events/event-sequencer.ts) moves them to events in
      -- staging order (pos) under one advisory lock. node names the staging process, which
      -- keeps the payload in memory and need not read it back.
      DROP TRIGGER event_outbox_number ON event_outbox;
      DROP FUNCTION tandem_number_event();
      ALTER TABLE event_outbox ADD COLUMN pos bigserial, ADD COLUMN node text NOT NULL DEFAULT '';
      CREATE INDEX event_outbox_pos_idx ON event_outbox (pos);
    `,
  },
  {
    id: 12,
    name: 'the event outbox is vacuumed as the queue it is',
    sql: `
      -- Every row is deleted moments after it is inserted, so the default (vacuum once a fifth of
      -- the table is dead) lets each numbering pass wade through thousands of dead rows.
      ALTER TABLE event_outbox SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 500, autovacuum_vacuum_cost_delay = 0);
    `,
  },
  {
    id: 13,
    name: 'a numbering pass is one statement',
    sql: `
      -- A pass used to be four round trips (BEGIN, the lock and planner settings, the numbering
      -- statement, COMMIT); as one function call outside any transaction it is one, and passes
      -- run every few milliseconds under load. The function takes the sequencer lock (held to the
      -- end of the caller's transaction), then numbers every committed staged event in its room in
      -- staging order: each room's counter moves once, by the batch's count for that room, so two
      -- batches never interleave and each room's seq stays gapless. A volatile function's
      -- statement takes its snapshot after the lock, so it sees everything the previous pass left.
      --
      -- Planner settings: the outbox is a queue whose heap is mostly rows earlier passes deleted,
      -- so it is read through its pos index; and the statement joins its own CTEs, whose sizes the
      -- planner cannot know: a nested loop there made a pass quadratic in its rows. It takes the
      -- whole outbox rather than the oldest N rows, since an IN (... LIMIT N) subquery invited
      -- that nested loop. Events staged by p_node come back without their payload (it has it).
      CREATE FUNCTION tandem_number_events(p_node text)
      RETURNS TABLE (id uuid, room text, seq bigint, ts timestamptz, mine boolean, type text, actor jsonb, data jsonb)
      LANGUAGE plpgsql
      SET enable_seqscan = off SET enable_bitmapscan = off SET enable_nestloop = off
      AS $fn$
      #variable_conflict use_column
      BEGIN
        PERFORM pg_advisory_xact_lock(7243812);
        RETURN QUERY
          WITH batch AS (
            DELETE FROM event_outbox WHERE pos > 0
            RETURNING pos, id, room, type, actor, data, node
          ), ranked AS (
            SELECT b.*, row_number() OVER (PARTITION BY b.room ORDER BY b.pos) AS n, count(*) OVER (PARTITION BY b.room) AS total FROM batch b
          ), counters AS (
            INSERT INTO room_seqs AS r (room, seq) SELECT k.room, max(k.total) FROM ranked k GROUP BY k.room
            ON CONFLICT (room) DO UPDATE SET seq = r.seq + EXCLUDED.seq
            RETURNING r.room, r.seq
          ), stored AS (
            INSERT INTO events (id, room, seq, type, actor, data)
            SELECT k.id, k.room, c.seq - k.total + k.n, k.type, k.actor, k.data FROM ranked k JOIN counters c ON c.room = k.room
            RETURNING events.id, events.seq, events.ts
          )
          SELECT k.id, k.room, s.seq, s.ts, k.node = p_node,
            CASE WHEN k.node = p_node THEN NULL ELSE k.type END,
            CASE WHEN k.node = p_node THEN NULL ELSE k.actor END,
            CASE WHEN k.node = p_node THEN NULL ELSE k.data END
          FROM ranked k JOIN stored s ON s.id = k.id
          ORDER BY k.pos;
      END
      $fn$;
    `,
  },
  {
    id: 14,
    name: 'events and the outbox keep one index each',
    sql: `
      -- Every write stores several event rows (one per room), each staged in the outbox first, and
      -- every index is one more insertion per row. Nothing needs these: a payload is read back by
      -- (room, seq), the primary key of events; the hourly trim by age scans the table as its trim
      -- by count already does; and a pass reads the outbox by pos, never by id.
      DROP INDEX events_id_key;
      DROP INDEX events_ts_idx;
      ALTER TABLE event_outbox DROP CONSTRAINT event_outbox_pkey;
    `,
  },
  {
    id: 15,
    name: 'an event is staged once for all its rooms',
    sql: `
      -- A write's events go to two rooms each (a record change to the record's and the table's),
      -- and staging a row per room wrote and parsed every payload twice on its way through the
      -- outbox. A staged row now lists its rooms; the pass gives it one seq in each, in staging
      -- order and, within a row, in the order of its rooms. Rows staged with a single room (by a
      -- node still running the previous version) are numbered as before.
      --
      -- The rooms are unnested in the select list, not by a lateral join: a lateral join is a
      -- nested loop, which the pass forbids, and the planner's penalty for using one anyway made
      -- the statement look costly enough to JIT-compile, half a second per pass. JIT is off too:
      -- a pass handles a few hundred rows at most and compiling never pays.
      ALTER TABLE event_outbox ALTER COLUMN room DROP NOT NULL, ADD COLUMN rooms text[];
      CREATE OR REPLACE FUNCTION tandem_number_events(p_node text)
      RETURNS TABLE (id uuid, room text, seq bigint, ts timestamptz, mine boolean, type text, actor jsonb, data jsonb)
      LANGUAGE plpgsql
      SET enable_seqscan = off SET enable_bitmapscan = off SET enable_nestloop = off SET jit = off
      AS $fn$
      #variable_conflict use_column
      BEGIN
        PERFORM pg_advisory_xact_lock(7243812);
        RETURN QUERY
          WITH batch AS (
            DELETE FROM event_outbox WHERE pos > 0
            RETURNING pos, id, room, rooms, type, actor, data, node
          ), listed AS (
            SELECT b.*, coalesce(b.rooms, ARRAY[b.room]) AS targets FROM batch b
          ), expanded AS (
            -- Two set-returning functions in one select list advance together: each room with its position.
            SELECT l.pos, l.id, unnest(l.targets) AS room, generate_subscripts(l.targets, 1) AS ord, l.type, l.actor, l.data, l.node FROM listed l
          ), ranked AS (
            SELECT e.*, row_number() OVER (PARTITION BY e.room ORDER BY e.pos, e.ord) AS n, count(*) OVER (PARTITION BY e.room) AS total FROM expanded e
          ), counters AS (
            INSERT INTO room_seqs AS r (room, seq) SELECT k.room, max(k.total) FROM ranked k GROUP BY k.room
            ON CONFLICT (room) DO UPDATE SET seq = r.seq + EXCLUDED.seq
            RETURNING r.room, r.seq
          ), numbered AS (
            SELECT k.*, c.seq - k.total + k.n AS event_seq FROM ranked k JOIN counters c ON c.room = k.room
          ), stored AS (
            -- ts is the transaction's now(), the same value the final select reports.
            INSERT INTO events (id, room, seq, type, actor, data)
            SELECT n.id, n.room, n.event_seq, n.type, n.actor, n.data FROM numbered n
          )
          SELECT n.id, n.room, n.event_seq, now(), n.node = p_node,
            CASE WHEN n.node = p_node THEN NULL ELSE n.type END,
            CASE WHEN n.node = p_node THEN NULL ELSE n.actor END,
            CASE WHEN n.node = p_node THEN NULL ELSE n.data END
          FROM numbered n
          ORDER BY n.pos, n.ord;
      END
      $fn$;
    `,
  },
  {
    id: 16,
    name: 'an event payload is stored once',
    sql: `
      -- A record write's two events go to two rooms each; the outbox held each payload once and
      -- events once per room, so every payload was written three times (about half of a write's
      -- WAL). Payloads now have a table of their own, written once by the staging transaction;
      -- the outbox lists an event's rooms and events holds (room, seq, id) with the payload
      -- columns left null. Rows written before this keep their payload inline and are read
      -- as they are. The numbering pass is unchanged: it copies the null columns along.
      CREATE TABLE event_payloads (
        id uuid PRIMARY KEY,
        type text NOT NULL,
        actor jsonb,
        data jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      ALTER TABLE events ALTER COLUMN type DROP NOT NULL, ALTER COLUMN data DROP NOT NULL;
      ALTER TABLE event_outbox ALTER COLUMN type DROP NOT NULL, ALTER COLUMN data DROP NOT NULL;
    `,
  },
];
