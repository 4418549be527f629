import { randomUUID } from 'node:crypto';
import type { AlertRecipients, AlertRule, AlertSeverity, RecordCondition, ThresholdCondition } from '@tandem/protocol';
import type { AuthInfo } from '../auth/auth-service.ts';
import type { AppContext } from '../context.ts';
import type { Queryable } from '../db/database.ts';
import { errors } from '../errors/app-error.ts';
import type { Access } from '../workspaces/access.ts';
import type { CreateAlertRule, UpdateAlertRule } from './alert-rule-schemas.ts';

interface RuleRow {
  id: string;
  workspace_id: string;
  name: string;
  kind: 'threshold' | 'record';
  severity: AlertSeverity;
  recipients: AlertRecipients;
  enabled: boolean;
  condition: ThresholdCondition | { match: 'all' | 'any'; conditions: RecordCondition[] };
  table_id: string | null;
  muted_until: Date | null;
  created_at: Date;
}

const RULE_COLUMNS = 'id, workspace_id, name, kind, severity, recipients, enabled, condition, table_id, muted_until, created_at';
/** Rule columns. */
export const RULE_SELECT = `SELECT ${RULE_COLUMNS} FROM alert_rules`;

/** A rule row as the API returns it. */
export function toRule(row: RuleRow): AlertRule {
  const base = {
    id: row.id,
    workspace_id: row.workspace_id,
    name: row.name,
    severity: row.severity,
    recipients: row.recipients,
    enabled: row.enabled,
    muted_until: row.muted_until?.toISOString() ?? null,
    created_at: row.created_at.toISOString(),
  };
  if (row.kind === 'threshold') return { ...base, kind: 'threshold', condition: row.condition as ThresholdCondition };
  const record = row.condition as { match: 'all' | 'any'; conditions: RecordCondition[] };
  return { ...base, kind: 'record', table_id: row.table_id ?? '', match: record.match, conditions: record.conditions };
}

/** Enabled record-condition rules of a table. */
export async function recordRulesOf(db: Queryable, tableId: string): Promise<AlertRule[]> {
  return (await db.query<RuleRow>(`${RULE_SELECT} WHERE table_id = $1 AND kind = 'record' AND enabled`, [tableId])).map(toRule);
}

/** Every enabled threshold rule. */
export async function thresholdRules(db: Queryable): Promise<(AlertRule & { pending_since: Date | null })[]> {
  const rows = await db.query<RuleRow & { pending_since: Date | null }>(
    `SELECT ${RULE_COLUMNS}, pending_since FROM alert_rules WHERE kind = 'threshold' AND enabled`,
  );
  return rows.map((r) => ({ ...toRule(r), pending_since: r.pending_since }));
}

/**
 * Alert rules of a workspace: owners and admins list, create, change, mute and delete them.
 * Record-condition rules name fields of one table of the workspace; those are checked on save,
 * and `onTableRulesChanged` lets the record hook forget what it remembers of the table.
 */
export class AlertRuleService {
  constructor(
    private readonly ctx: AppContext,
    private readonly access: Access,
    private readonly onTableRulesChanged: (tableId: string) => void,
  ) {}

  async list(auth: AuthInfo, workspaceId: string): Promise<AlertRule[]> {
    await this.access.require(auth, 'workspace', workspaceId, 'admin');
    return (await this.ctx.db.query<RuleRow>(`${RULE_SELECT} WHERE workspace_id = $1 ORDER BY created_at, id`, [workspaceId])).map(toRule);
  }

  async create(auth: AuthInfo, input: CreateAlertRule): Promise<AlertRule> {
    await this.access.require(auth, 'workspace', input.workspace_id, 'admin');
    const id = randomUUID();
    if (input.kind === 'record') await this.#checkFields(input.workspace_id, input.table_id, input.conditions);
    await this.#checkUsers(input.workspace_id, input.recipients.user_ids);
    const condition = input.kind === 'threshold' ? input.condition : { match: input.match, conditions: input.conditions };
    await this.ctx.db.query(
      `INSERT INTO alert_rules (id, workspace_id, name, kind, severity, recipients, enabled, condition, table_id, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        id,
        input.workspace_id,
        input.name,
        input.kind,
        input.severity,
        JSON.stringify(input.recipients),
        input.enabled,
        JSON.stringify(condition),
        input.kind === 'record' ? input.table_id : null,
        auth.user.id,
      ],
    );
    if (input.kind === 'record') this.onTableRulesChanged(input.table_id);
    return this.#get(id);
  }

  async update(auth: AuthInfo, id: string, patch: UpdateAlertRule): Promise<AlertRule> {
    const rule = await this.#owned(auth, id);
    if (rule.kind === 'threshold' && (patch.match || patch.conditions)) throw errors.invalid('A threshold rule has a condition, not record conditions.');
    if (rule.kind === 'record' && patch.condition) throw errors.invalid('A record-condition rule has conditions, not a metric condition.');
    if (rule.kind === 'record' && patch.conditions) await this.#checkFields(rule.workspace_id, rule.table_id, patch.conditions);
    if (patch.recipients) await this.#checkUsers(rule.workspace_id, patch.recipients.user_ids);
    const condition =
      rule.kind === 'threshold' ? (patch.condition ?? rule.condition) : { match: patch.match ?? rule.match, conditions: patch.conditions ?? rule.conditions };
    await this.ctx.db.query(
      `UPDATE alert_rules SET name = $2, severity = $3, recipients = $4, enabled = $5, condition = $6,
         pending_since = CASE WHEN $7 THEN NULL ELSE pending_since END WHERE id = $1`,
      [
        id,
        patch.name ?? rule.name,
        patch.severity ?? rule.severity,
        JSON.stringify(patch.recipients ?? rule.recipients),
        patch.enabled ?? rule.enabled,
        JSON.stringify(condition),
        patch.condition !== undefined,
      ],
    );
    if (rule.kind === 'record') this.onTableRulesChanged(rule.table_id);
    return this.#get(id);
  }

  /** Mutes the rule's notifications for `minutes` (0 unmutes). */
  async mute(auth: AuthInfo, id: string, minutes: number): Promise<AlertRule> {
    const rule = await this.#owned(auth, id);
    await this.ctx.db.query('UPDATE alert_rules SET muted_until = $2 WHERE id = $1', [id, minutes > 0 ? new Date(Date.now() + minutes * 60_000) : null]);
    if (rule.kind === 'record') this.onTableRulesChanged(rule.table_id);
    return this.#get(id);
  }

  async remove(auth: AuthInfo, id: string): Promise<void> {
    const rule = await this.#owned(auth, id);
    await this.ctx.db.query('DELETE FROM alert_rules WHERE id = $1', [id]);
    if (rule.kind === 'record') this.onTableRulesChanged(rule.table_id);
  }

  /** The rule, when the caller is an owner or admin of its workspace (else `not_found`/`forbidden` as for any entity). */
  async #owned(auth: AuthInfo, id: string): Promise<AlertRule> {
    const [row] = await this.ctx.db.query<RuleRow>(`${RULE_SELECT} WHERE id = $1`, [id]);
    if (!row) throw errors.notFound('Alert rule');
    await this.access.require(auth, 'workspace', row.workspace_id, 'admin');
    return toRule(row);
  }

  async #get(id: string): Promise<AlertRule> {
    const [row] = await this.ctx.db.query<RuleRow>(`${RULE_SELECT} WHERE id = $1`, [id]);
    if (!row) throw errors.notFound('Alert rule');
    return toRule(row);
  }

  async #checkFields(workspaceId: string, tableId: string, conditions: readonly RecordCondition[]): Promise<void> {
    const [table] = await this.ctx.db.query('SELECT 1 FROM tables WHERE id = $1 AND workspace_id = $2', [tableId, workspaceId]);
    if (!table) throw errors.invalid('The table is not in this workspace.', { table_id: tableId });
    const named = [...new Set(conditions.flatMap((c) => (c.other_field_id ? [c.field_id, c.other_field_id] : [c.field_id])))];
    const found = await this.ctx.db.query<{ id: string }>('SELECT id FROM fields WHERE table_id = $1 AND id = ANY($2::uuid[])', [tableId, named]);
    const missing = named.filter((id) => !found.some((f) => f.id === id));
    if (missing.length > 0) throw errors.invalid("Every condition must name fields of the rule's table.", { fields: missing });
  }

  async #checkUsers(workspaceId: string, userIds: readonly string[]): Promise<void> {
    if (userIds.length === 0) return;
    const found = await this.ctx.db.query<{ user_id: string }>('SELECT user_id FROM members WHERE workspace_id = $1 AND user_id = ANY($2::uuid[])', [
      workspaceId,
      userIds,
    ]);
    const missing = userIds.filter((id) => !found.some((m) => m.user_id === id));
    if (missing.length > 0) throw errors.invalid('Every recipient must be a member of the workspace.', { user_ids: missing });
  }
}
