import type { Migration } from '../db/migrate.ts';

/** Schema of comments, followers, approvals, workflow rules, notifications and the job table (ids 20–39). */
export const COLLABORATION_MIGRATIONS: readonly Migration[] = [
  {
    id: 20,
    name: 'comments, followers, approvals, workflows, notifications, jobs',
    sql: `
      CREATE TABLE comments (
        id uuid PRIMARY KEY,
        workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        table_id uuid,
        record_id uuid REFERENCES records(id) ON DELETE CASCADE,
        activity_id uuid REFERENCES activity(id) ON DELETE CASCADE,
        parent_id uuid REFERENCES comments(id) ON DELETE CASCADE,
        thread_id uuid NOT NULL,
        author_id uuid REFERENCES users(id) ON DELETE SET NULL,
        body text NOT NULL,
        body_html text NOT NULL,
        mentions jsonb NOT NULL DEFAULT '[]',
        resolved_at timestamptz,
        resolved_by uuid REFERENCES users(id) ON DELETE SET NULL,
        edited_at timestamptz,
        deleted_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        CHECK (record_id IS NOT NULL OR activity_id IS NOT NULL)
      );
      CREATE INDEX comments_record_idx ON comments (record_id, created_at, id);
      CREATE INDEX comments_activity_idx ON comments (activity_id, created_at, id);
      CREATE INDEX comments_thread_idx ON comments (thread_id);
      CREATE INDEX comments_unresolved_idx ON comments (record_id) WHERE parent_id IS NULL AND resolved_at IS NULL AND deleted_at IS NULL;

      -- Explicit follow choices; the record's creator follows unless a row says otherwise.
      CREATE TABLE record_followers (
        record_id uuid NOT NULL REFERENCES records(id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        following boolean NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (record_id, user_id)
      );

      CREATE TABLE workflows (
        id uuid PRIMARY KEY,
        workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        table_id uuid NOT NULL REFERENCES tables(id) ON DELETE CASCADE,
        name text NOT NULL,
        field_id uuid NOT NULL REFERENCES fields(id) ON DELETE CASCADE,
        value jsonb NOT NULL,
        assignee_ids jsonb NOT NULL,
        title text NOT NULL,
        description text NOT NULL DEFAULT '',
        enabled boolean NOT NULL DEFAULT true,
        created_by uuid REFERENCES users(id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX workflows_table_idx ON workflows (table_id);

      CREATE TABLE approvals (
        id uuid PRIMARY KEY,
        position bigint GENERATED ALWAYS AS IDENTITY,
        workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        table_id uuid NOT NULL,
        record_id uuid NOT NULL REFERENCES records(id) ON DELETE CASCADE,
        title text NOT NULL,
        description text NOT NULL DEFAULT '',
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','approved','rejected','cancelled')),
        requested_by uuid REFERENCES users(id) ON DELETE SET NULL,
        due_at timestamptz,
        responded_by uuid REFERENCES users(id) ON DELETE SET NULL,
        response_note text,
        responded_at timestamptz,
        workflow_id uuid REFERENCES workflows(id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX approvals_record_idx ON approvals (record_id);
      CREATE INDEX approvals_workspace_idx ON approvals (workspace_id, position DESC);

      CREATE TABLE approval_assignees (
        approval_id uuid NOT NULL REFERENCES approvals(id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        PRIMARY KEY (approval_id, user_id)
      );
      CREATE INDEX approval_assignees_user_idx ON approval_assignees (user_id);

      -- One row per firing; the unique key makes a rule fire at most once per record version.
      CREATE TABLE workflow_runs (
        id uuid PRIMARY KEY,
        workflow_id uuid NOT NULL REFERENCES workflows(id) ON DELETE CASCADE,
        record_id uuid NOT NULL REFERENCES records(id) ON DELETE CASCADE,
        record_version integer NOT NULL,
        approval_id uuid REFERENCES approvals(id) ON DELETE SET NULL,
        actor_id uuid REFERENCES users(id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (workflow_id, record_id, record_version)
      );

      CREATE TABLE notifications (
        id uuid PRIMARY KEY,
        position bigint GENERATED ALWAYS AS IDENTITY,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        type text NOT NULL,
        workspace_id uuid REFERENCES workspaces(id) ON DELETE CASCADE,
        table_id uuid,
        record_id uuid,
        comment_id uuid,
        approval_id uuid,
        actor_id uuid REFERENCES users(id) ON DELETE SET NULL,
        title text NOT NULL,
        body text NOT NULL DEFAULT '',
        urgent boolean NOT NULL DEFAULT false,
        in_app boolean NOT NULL DEFAULT true,
        read_at timestamptz,
        archived_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX notifications_user_idx ON notifications (user_id, position DESC);
      CREATE INDEX notifications_unread_idx ON notifications (user_id) WHERE read_at IS NULL AND archived_at IS NULL AND in_app;

      CREATE TABLE notification_preferences (
        user_id uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
        channels jsonb NOT NULL DEFAULT '{}',
        quiet_hours jsonb,
        email_delivery text NOT NULL DEFAULT 'immediate' CHECK (email_delivery IN ('immediate','hourly','daily','weekly')),
        last_digest_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now()
      );

      -- The outbox: email and push deliveries, written with the notification, sent by the job runner.
      CREATE TABLE notification_deliveries (
        id uuid PRIMARY KEY,
        notification_id uuid NOT NULL REFERENCES notifications(id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        channel text NOT NULL CHECK (channel IN ('email','email_digest','push')),
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','sent','skipped','failed')),
        not_before timestamptz NOT NULL DEFAULT now(),
        attempts integer NOT NULL DEFAULT 0,
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        sent_at timestamptz
      );
      CREATE INDEX notification_deliveries_pending_idx ON notification_deliveries (channel, not_before) WHERE status = 'pending';
      CREATE INDEX notification_deliveries_user_idx ON notification_deliveries (user_id) WHERE status = 'pending';

      CREATE TABLE push_subscriptions (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        endpoint text NOT NULL UNIQUE,
        p256dh text NOT NULL,
        auth text NOT NULL,
        user_agent text,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX push_subscriptions_user_idx ON push_subscriptions (user_id);

      CREATE TABLE jobs (
        name text PRIMARY KEY,
        interval_ms bigint NOT NULL,
        next_run_at timestamptz NOT NULL,
        runs bigint NOT NULL DEFAULT 0,
        last_started_at timestamptz,
        last_finished_at timestamptz,
        last_error text,
        claimed_by text
      );
    `,
  },
  {
    id: 21,
    name: 'notifications link to a chat message',
    sql: `
      ALTER TABLE notifications ADD COLUMN chat_room_id uuid;
      ALTER TABLE notifications ADD COLUMN chat_message_id uuid;
    `,
  },
];
