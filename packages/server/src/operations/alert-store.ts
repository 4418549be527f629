import { randomUUID } from 'node:crypto';
import { type AlertInfo, type AlertRecipients, type AlertRule, type AlertSeverity, roomName } from '@tandem/protocol';
import type { AppContext } from '../context.ts';
import type { Queryable, Transaction } from '../db/database.ts';
import type { RoomSignals } from '../gateway-api.ts';
import { notify } from '../notifications/notification-writer.ts';

interface AlertRow {
  id: string;
  rule_id: string;
  workspace_id: string;
  kind: 'threshold' | 'record';
  severity: AlertSeverity;
  title: string;
  body: string;
  table_id: string | null;
  record_id: string | null;
  value: number | null;
  status: 'firing' | 'resolved';
  fired_at: Date;
  resolved_at: Date | null;
  acknowledged_at: Date | null;
  acknowledged_by: string | null;
  muted_until: Date | null;
}

/** Alert columns joined with their rule's mute. */
export const ALERT_SELECT = `SELECT a.id, a.rule_id, a.workspace_id, a.kind, a.severity, a.title, a.body, a.table_id, a.record_id, a.value, a.status,
  a.fired_at, a.resolved_at, a.acknowledged_at, a.acknowledged_by, r.muted_until
  FROM alerts a JOIN alert_rules r ON r.id = a.rule_id`;

/** An alert row as the API returns it. */
export function toAlert(row: AlertRow): AlertInfo {
  return {
    ...row,
    fired_at: row.fired_at.toISOString(),
    resolved_at: row.resolved_at?.toISOString() ?? null,
    acknowledged_at: row.acknowledged_at?.toISOString() ?? null,
    muted_until: row.muted_until?.toISOString() ?? null,
  };
}

/** What a firing says. */
export interface Firing {
  readonly title: string;
  readonly body: string;
  readonly value?: number | null;
  readonly tableId?: string | null;
  readonly recordId?: string | null;
}

/**
 * Stores alerts and tells people: a firing inserts the rule's one firing alert (the database's
 * unique index refuses a second, so two nodes or two writers racing fire once), notifies the
 * recipients through the notification pipeline with the severity as priority (critical is
 * urgent: it bypasses quiet hours and digests) unless the rule is muted, and after commit pushes
 * `alert` to the recipients' user rooms and to every node's operators in `system`.
 */
export class AlertStore {
  constructor(
    private readonly ctx: AppContext,
    private readonly signals: RoomSignals,
  ) {}

  /** Fires the rule (for `recordId`, when given) unless it is already firing; the new alert, or null. */
  async fire(tx: Transaction, rule: AlertRule, firing: Firing): Promise<AlertInfo | null> {
    const [row] = await tx.query<{ id: string }>(
      `INSERT INTO alerts (id, rule_id, workspace_id, kind, severity, title, body, table_id, record_id, value, status, fired_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'firing', clock_timestamp())
       ON CONFLICT (rule_id, coalesce(record_id, '00000000-0000-0000-0000-000000000000'::uuid)) WHERE status = 'firing' DO NOTHING RETURNING id`,
      [
        randomUUID(),
        rule.id,
        rule.workspace_id,
        rule.kind,
        rule.severity,
        firing.title,
        firing.body,
        firing.tableId ?? null,
        firing.recordId ?? null,
        firing.value ?? null,
      ],
    );
    if (!row) return null;
    const alert = await this.#read(tx, row.id);
    const recipients = await resolveRecipients(tx, rule.workspace_id, rule.recipients);
    const muted = rule.muted_until !== null && Date.parse(rule.muted_until) > Date.now();
    if (!muted) {
      await notify(tx, this.ctx.events, {
        type: 'alert',
        recipients,
        actor: null,
        title: `${severityLabel(rule.severity)}: ${firing.title}`,
        body: firing.body,
        workspaceId: rule.workspace_id,
        tableId: firing.tableId ?? null,
        recordId: firing.recordId ?? null,
        alertId: alert.id,
        urgent: rule.severity === 'critical',
      });
    }
    tx.afterCommit(() => this.#announce(alert, recipients));
    return alert;
  }

  /** Resolves the rule's firing alert (for `recordId`, when given); the resolved alert, or null when none was firing. */
  async resolve(tx: Transaction, rule: AlertRule, recordId: string | null = null): Promise<AlertInfo | null> {
    const [row] = await tx.query<{ id: string }>(
      `UPDATE alerts SET status = 'resolved', resolved_at = clock_timestamp()
       WHERE rule_id = $1 AND record_id IS NOT DISTINCT FROM $2::uuid AND status = 'firing' RETURNING id`,
      [rule.id, recordId],
    );
    if (!row) return null;
    const alert = await this.#read(tx, row.id);
    const recipients = await resolveRecipients(tx, rule.workspace_id, rule.recipients);
    tx.afterCommit(() => this.#announce(alert, recipients));
    return alert;
  }

  /** Marks an alert acknowledged by `userId` (once; later calls keep the first) and tells everyone. */
  async acknowledge(alertId: string, userId: string): Promise<AlertInfo | null> {
    return this.ctx.db.transaction(async (tx) => {
      const [row] = await tx.query<{ id: string; rule_id: string }>(
        `UPDATE alerts SET acknowledged_at = coalesce(acknowledged_at, clock_timestamp()), acknowledged_by = coalesce(acknowledged_by, $2)
         WHERE id = $1 RETURNING id, rule_id`,
        [alertId, userId],
      );
      if (!row) return null;
      const alert = await this.#read(tx, row.id);
      const [rule] = await tx.query<{ recipients: AlertRecipients }>('SELECT recipients FROM alert_rules WHERE id = $1', [row.rule_id]);
      const recipients = rule ? await resolveRecipients(tx, alert.workspace_id, rule.recipients) : [];
      tx.afterCommit(() => this.#announce(alert, recipients));
      return alert;
    });
  }

  async #read(db: Queryable, id: string): Promise<AlertInfo> {
    const [row] = await db.query<AlertRow>(`${ALERT_SELECT} WHERE a.id = $1`, [id]);
    if (!row) throw new Error(`alert ${id} vanished inside its transaction`);
    return toAlert(row);
  }

  #announce(alert: AlertInfo, recipients: readonly string[]): void {
    void this.ctx.bus
      .publish({ kind: 'control', control: { type: 'alert_changed', alert } })
      .catch((err) => this.ctx.log.warn({ err }, 'publishing an alert failed'));
    for (const userId of recipients) {
      const room = roomName('user', userId);
      void this.signals.publish(room, { type: 'alert', room, data: alert }).catch((err) => this.ctx.log.warn({ err }, 'pushing an alert failed'));
    }
  }
}

/** The members a rule notifies: the named users still in the workspace and everyone holding one of the roles. */
export async function resolveRecipients(db: Queryable, workspaceId: string, recipients: AlertRecipients): Promise<string[]> {
  const rows = await db.query<{ user_id: string }>(
    'SELECT user_id FROM members WHERE workspace_id = $1 AND (user_id = ANY($2::uuid[]) OR role = ANY($3::text[]))',
    [workspaceId, recipients.user_ids, recipients.roles],
  );
  return rows.map((r) => r.user_id);
}

function severityLabel(severity: AlertSeverity): string {
  return severity === 'critical' ? 'Critical' : severity === 'warning' ? 'Warning' : 'Info';
}
