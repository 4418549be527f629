import type { Migration } from '../db/migrate.ts';

/** Schema of chat rooms, members, messages, threads, reactions, edit history and chat settings (ids 30–39). */
export const CHAT_MIGRATIONS: readonly Migration[] = [
  {
    id: 30,
    name: 'chat rooms, members, messages, reactions, read markers, settings',
    sql: `
      CREATE TABLE chat_rooms (
        id uuid PRIMARY KEY,
        workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        kind text NOT NULL CHECK (kind IN ('dm', 'group', 'channel', 'record')),
        name text,
        topic text,
        record_id uuid REFERENCES records(id) ON DELETE CASCADE,
        table_id uuid,
        -- The two member ids of a DM, smaller first: one room per pair, even when both ask at once.
        dm_key text,
        announcement_only boolean NOT NULL DEFAULT false,
        archived boolean NOT NULL DEFAULT false,
        created_by uuid REFERENCES users(id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        last_message_at timestamptz,
        last_message_id uuid,
        UNIQUE (workspace_id, dm_key),
        UNIQUE (record_id),
        CHECK ((kind = 'dm') = (dm_key IS NOT NULL)),
        CHECK ((kind = 'record') = (record_id IS NOT NULL))
      );
      CREATE INDEX chat_rooms_workspace_idx ON chat_rooms (workspace_id, kind);

      CREATE TABLE chat_members (
        room_id uuid NOT NULL REFERENCES chat_rooms(id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        role text NOT NULL DEFAULT 'member' CHECK (role IN ('admin', 'member')),
        joined_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        -- Read marker: the ordinal of the newest room message read (0 = nothing read).
        last_read_ordinal bigint NOT NULL DEFAULT 0,
        last_read_message_id uuid,
        last_read_at timestamptz,
        muted boolean NOT NULL DEFAULT false,
        PRIMARY KEY (room_id, user_id)
      );
      CREATE INDEX chat_members_user_idx ON chat_members (user_id);

      CREATE SEQUENCE chat_messages_ordinal_seq;
      CREATE TABLE chat_messages (
        id uuid PRIMARY KEY,
        -- Send order as a plain number: pagination cursors and unread counts compare it.
        ordinal bigint NOT NULL DEFAULT nextval('chat_messages_ordinal_seq'),
        room_id uuid NOT NULL REFERENCES chat_rooms(id) ON DELETE CASCADE,
        workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        author_id uuid REFERENCES users(id) ON DELETE SET NULL,
        client_id text,
        parent_id uuid REFERENCES chat_messages(id) ON DELETE CASCADE,
        body text NOT NULL,
        body_html text NOT NULL,
        mentions jsonb NOT NULL DEFAULT '[]',
        reply_count integer NOT NULL DEFAULT 0,
        last_reply_at timestamptz,
        thread_participants jsonb NOT NULL DEFAULT '[]',
        edited_at timestamptz,
        deleted_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        search tsvector GENERATED ALWAYS AS (to_tsvector('simple', body)) STORED,
        UNIQUE (room_id, author_id, client_id)
      );
      CREATE INDEX chat_messages_room_idx ON chat_messages (room_id, ordinal) WHERE parent_id IS NULL;
      CREATE INDEX chat_messages_thread_idx ON chat_messages (parent_id, ordinal) WHERE parent_id IS NOT NULL;
      CREATE INDEX chat_messages_search_idx ON chat_messages USING gin (search);

      -- Per-thread read markers, apart from the room's.
      CREATE TABLE chat_thread_reads (
        root_id uuid NOT NULL REFERENCES chat_messages(id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        last_read_ordinal bigint NOT NULL,
        last_read_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        PRIMARY KEY (root_id, user_id)
      );

      CREATE TABLE chat_reactions (
        message_id uuid NOT NULL REFERENCES chat_messages(id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        emoji text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        PRIMARY KEY (message_id, user_id, emoji)
      );

      -- Earlier bodies of edited messages, for workspace admins.
      CREATE TABLE chat_message_versions (
        message_id uuid NOT NULL REFERENCES chat_messages(id) ON DELETE CASCADE,
        body text NOT NULL,
        edited_at timestamptz NOT NULL DEFAULT clock_timestamp()
      );
      CREATE INDEX chat_message_versions_idx ON chat_message_versions (message_id, edited_at);

      -- Files attached to messages (the files table's id; the file store owns its rows).
      CREATE TABLE chat_message_files (
        message_id uuid NOT NULL REFERENCES chat_messages(id) ON DELETE CASCADE,
        file_id uuid NOT NULL,
        position integer NOT NULL,
        PRIMARY KEY (message_id, file_id)
      );
      CREATE INDEX chat_message_files_file_idx ON chat_message_files (file_id);

      CREATE TABLE chat_settings (
        user_id uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
        hide_read_receipts boolean NOT NULL DEFAULT false
      );
    `,
  },
  {
    id: 31,
    name: 'chat messages of a workspace newest first',
    // Search ranks the newest matches: for a common word this lets the planner walk the
    // workspace's messages newest-first and stop after enough matches, instead of collecting
    // every match from the GIN index and sorting them.
    sql: `CREATE INDEX chat_messages_workspace_ordinal_idx ON chat_messages (workspace_id, ordinal DESC) WHERE deleted_at IS NULL;`,
  },
];
