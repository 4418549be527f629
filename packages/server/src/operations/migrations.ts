import type { Migration } from '../db/migrate.ts';

/** Schema of metrics history, alert rules and alerts (ids 50–59). */
export const OPERATIONS_MIGRATIONS: readonly Migration[] = [
  {
    id: 50,
    name: 'metrics history, alert rules and alerts',
    sql: `
      -- One row per node every 10 s; rows older than a day are deleted by the metrics-history-trim job.
      CREATE TABLE metrics_history (
        node_id text NOT NULL,
        at timestamptz NOT NULL,
        metrics jsonb NOT NULL
      );
      CREATE INDEX metrics_history_at_idx ON metrics_history (at);

      CREATE TABLE alert_rules (
        id uuid PRIMARY KEY,
        workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        name text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('threshold', 'record')),
        severity text NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
        recipients jsonb NOT NULL,
        enabled boolean NOT NULL DEFAULT true,
        -- threshold: {metric, comparison, threshold, for_seconds}; record: {match, conditions}
        condition jsonb NOT NULL,
        table_id uuid REFERENCES tables(id) ON DELETE CASCADE,
        muted_until timestamptz,
        -- Threshold rules: since when the comparison has held (not firing yet) or stopped holding (firing).
        pending_since timestamptz,
        created_by uuid REFERENCES users(id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX alert_rules_workspace_idx ON alert_rules (workspace_id);
      CREATE INDEX alert_rules_table_idx ON alert_rules (table_id) WHERE table_id IS NOT NULL;

      CREATE TABLE alerts (
        id uuid PRIMARY KEY,
        rule_id uuid NOT NULL REFERENCES alert_rules(id) ON DELETE CASCADE,
        workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        kind text NOT NULL,
        severity text NOT NULL,
        title text NOT NULL,
        body text NOT NULL DEFAULT '',
        table_id uuid,
        record_id uuid,
        value double precision,
        status text NOT NULL CHECK (status IN ('firing', 'resolved')),
        fired_at timestamptz NOT NULL DEFAULT now(),
        resolved_at timestamptz,
        acknowledged_at timestamptz,
        acknowledged_by uuid REFERENCES users(id) ON DELETE SET NULL
      );
      CREATE INDEX alerts_workspace_idx ON alerts (workspace_id, fired_at DESC);
      -- At most one firing alert per threshold rule, and per record-condition rule and record:
      -- the database itself refuses a second firing, whichever node or writer tries.
      CREATE UNIQUE INDEX alerts_one_firing_idx ON alerts (rule_id, coalesce(record_id, '00000000-0000-0000-0000-000000000000'::uuid)) WHERE status = 'firing';

      ALTER TABLE notifications ADD COLUMN alert_id uuid REFERENCES alerts(id) ON DELETE SET NULL;
    `,
  },
];
