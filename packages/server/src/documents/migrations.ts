import type { Migration } from '../db/migrate.ts';

/** Schema of collaborative documents, their updates, contributors and versions (ids 60–69). */
export const DOCUMENT_MIGRATIONS: readonly Migration[] = [
  {
    id: 60,
    name: 'documents, document updates, contributors and versions',
    sql: `
      CREATE TABLE documents (
        id uuid PRIMARY KEY,
        workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        kind text NOT NULL CHECK (kind IN ('rich_text', 'canvas')),
        name text NOT NULL,
        record_id uuid REFERENCES records(id) ON DELETE CASCADE,
        field_id uuid REFERENCES fields(id) ON DELETE CASCADE,
        created_by uuid REFERENCES users(id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        -- Every update up to the compaction merged into one (a Yjs update of the whole state).
        snapshot bytea,
        CHECK (kind <> 'rich_text' OR (record_id IS NOT NULL AND field_id IS NOT NULL))
      );
      CREATE UNIQUE INDEX documents_field_idx ON documents (record_id, field_id) WHERE kind = 'rich_text';
      CREATE INDEX documents_workspace_idx ON documents (workspace_id, kind, updated_at DESC);

      -- Accepted updates since the snapshot, appended before each is acknowledged.
      CREATE TABLE document_updates (
        seq bigserial PRIMARY KEY,
        document_id uuid NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        data bytea NOT NULL,
        user_id uuid REFERENCES users(id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX document_updates_document_idx ON document_updates (document_id, seq);

      -- Who edited a document and when last (kept when compaction drops the updates).
      CREATE TABLE document_contributors (
        document_id uuid NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        updates bigint NOT NULL DEFAULT 0,
        last_at timestamptz NOT NULL,
        PRIMARY KEY (document_id, user_id)
      );

      CREATE TABLE document_versions (
        id uuid PRIMARY KEY,
        document_id uuid NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        name text NOT NULL,
        automatic boolean NOT NULL DEFAULT false,
        state bytea NOT NULL,
        created_by uuid REFERENCES users(id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp()
      );
      CREATE INDEX document_versions_document_idx ON document_versions (document_id, created_at DESC);
    `,
  },
];
