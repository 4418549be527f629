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
];
