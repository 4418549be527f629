import type { Migration } from './migrate.ts';

/**
 * The first schema (users, sessions, workspaces, tables, records, activity, events), shipped as
 * one migration before each domain kept its own beside its code. Never edited: later changes to
 * these tables are new migrations in the domain that owns the table.
 */
export const FOUNDATION_MIGRATION: Migration = {
  id: 1,
  name: 'accounts, workspaces, tables, records, activity, events',
  sql: `
    CREATE TABLE users (
      id uuid PRIMARY KEY,
      email text NOT NULL,
      name text NOT NULL,
      password_hash text NOT NULL,
      color text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE UNIQUE INDEX users_email_key ON users (lower(email));

    CREATE TABLE sessions (
      id uuid PRIMARY KEY,
      user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      token_hash text NOT NULL UNIQUE,
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL
    );
    CREATE INDEX sessions_user_idx ON sessions (user_id);

    CREATE TABLE api_tokens (
      id uuid PRIMARY KEY,
      user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      name text NOT NULL,
      token_hash text NOT NULL UNIQUE,
      created_at timestamptz NOT NULL DEFAULT now(),
      last_used_at timestamptz,
      expires_at timestamptz
    );

    CREATE TABLE workspaces (
      id uuid PRIMARY KEY,
      name text NOT NULL,
      created_by uuid REFERENCES users(id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE members (
      workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
      user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      role text NOT NULL CHECK (role IN ('owner','admin','editor','commenter','viewer')),
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (workspace_id, user_id)
    );
    CREATE INDEX members_user_idx ON members (user_id);

    CREATE TABLE tables (
      id uuid PRIMARY KEY,
      workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
      name text NOT NULL,
      description text NOT NULL DEFAULT '',
      position integer NOT NULL DEFAULT 0,
      created_by uuid REFERENCES users(id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX tables_workspace_idx ON tables (workspace_id);

    CREATE TABLE fields (
      id uuid PRIMARY KEY,
      table_id uuid NOT NULL REFERENCES tables(id) ON DELETE CASCADE,
      name text NOT NULL,
      type text NOT NULL,
      options jsonb NOT NULL DEFAULT '{}',
      position integer NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE UNIQUE INDEX fields_table_name_key ON fields (table_id, lower(name));

    CREATE TABLE views (
      id uuid PRIMARY KEY,
      table_id uuid NOT NULL REFERENCES tables(id) ON DELETE CASCADE,
      name text NOT NULL,
      filters jsonb NOT NULL DEFAULT '[]',
      sorts jsonb NOT NULL DEFAULT '[]',
      hidden_fields jsonb NOT NULL DEFAULT '[]',
      position integer NOT NULL DEFAULT 0,
      created_by uuid REFERENCES users(id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE records (
      id uuid PRIMARY KEY,
      table_id uuid NOT NULL REFERENCES tables(id) ON DELETE CASCADE,
      "values" jsonb NOT NULL DEFAULT '{}',
      field_versions jsonb NOT NULL DEFAULT '{}',
      version integer NOT NULL DEFAULT 1,
      created_by uuid REFERENCES users(id) ON DELETE SET NULL,
      updated_by uuid REFERENCES users(id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX records_table_idx ON records (table_id, created_at, id);

    CREATE TABLE activity (
      id uuid PRIMARY KEY,
      workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
      table_id uuid,
      record_id uuid,
      entity_type text NOT NULL,
      entity_id uuid NOT NULL,
      action text NOT NULL,
      actor_id uuid REFERENCES users(id) ON DELETE SET NULL,
      changes jsonb NOT NULL DEFAULT '[]',
      meta jsonb NOT NULL DEFAULT '{}',
      created_at timestamptz NOT NULL DEFAULT clock_timestamp()
    );
    CREATE INDEX activity_workspace_idx ON activity (workspace_id, created_at DESC, id);
    CREATE INDEX activity_table_idx ON activity (table_id, created_at DESC, id);
    CREATE INDEX activity_record_idx ON activity (record_id, created_at DESC, id);

    CREATE TABLE room_seqs (
      room text PRIMARY KEY,
      seq bigint NOT NULL
    );

    CREATE TABLE events (
      room text NOT NULL,
      seq bigint NOT NULL,
      type text NOT NULL,
      actor jsonb,
      data jsonb NOT NULL,
      ts timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (room, seq)
    );
    CREATE INDEX events_ts_idx ON events (ts);
  `,
};
