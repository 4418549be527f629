import type { Migration } from '../db/migrate.ts';

/** Schema changes of tables, fields, views, records and the activity queries (ids 2–9). */
export const RECORD_MIGRATIONS: readonly Migration[] = [
  {
    id: 2,
    name: 'record creation order, listing and activity indexes',
    sql: `
      -- Creation order as a plain number: the stable last key of every record listing and its cursor.
      ALTER TABLE records ADD COLUMN ordinal bigint GENERATED ALWAYS AS IDENTITY;
      CREATE INDEX records_table_ordinal_idx ON records (table_id, ordinal);
      CREATE INDEX fields_table_idx ON fields (table_id, position);
      CREATE INDEX views_table_idx ON views (table_id, position);
      CREATE INDEX activity_actor_idx ON activity (workspace_id, actor_id, created_at DESC);
    `,
  },
];
