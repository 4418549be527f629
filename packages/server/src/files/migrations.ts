import type { Migration } from '../db/migrate.ts';

/** Schema of the file store's metadata (ids 40–49). */
export const FILE_MIGRATIONS: readonly Migration[] = [
  {
    id: 40,
    name: 'stored files',
    sql: `
      CREATE TABLE files (
        id uuid PRIMARY KEY,
        workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        uploader_id uuid REFERENCES users(id) ON DELETE SET NULL,
        name text NOT NULL,
        -- Sniffed from the first bytes; the client's claim is never stored.
        mime text NOT NULL,
        size bigint NOT NULL,
        width integer,
        height integer,
        storage_key text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp()
      );
      CREATE INDEX files_workspace_idx ON files (workspace_id);
    `,
  },
  {
    id: 41,
    name: 'image thumbnails of stored files',
    sql: `ALTER TABLE files ADD COLUMN thumbnail_key text;`,
  },
];
