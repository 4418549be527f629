import type { Migration } from '../db/migrate.ts';

/**
 * Schema of workspace invitations (ids 80–89: the range after analytics 70–79; the foundation
 * migration 1 keeps workspaces and members themselves).
 */
export const WORKSPACE_MIGRATIONS: readonly Migration[] = [
  {
    id: 80,
    name: 'workspace invitations by email',
    sql: `
      CREATE TABLE workspace_invitations (
        id uuid PRIMARY KEY,
        workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        email text NOT NULL,
        role text NOT NULL CHECK (role IN ('owner', 'admin', 'editor', 'commenter', 'viewer')),
        -- Only the SHA-256 of the link's token: a database leak reveals no usable link.
        token_hash text NOT NULL UNIQUE,
        invited_by uuid REFERENCES users(id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        expires_at timestamptz NOT NULL,
        accepted_at timestamptz,
        accepted_by uuid REFERENCES users(id) ON DELETE SET NULL,
        revoked_at timestamptz
      );
      -- At most one open invitation per address and workspace; a new one replaces (revokes) the old.
      CREATE UNIQUE INDEX workspace_invitations_open_idx ON workspace_invitations (workspace_id, lower(email))
        WHERE accepted_at IS NULL AND revoked_at IS NULL;
    `,
  },
];
