import type { NodeMetrics, ThresholdCondition } from '@tandem/protocol';
import type { AppContext } from '../context.ts';
import { thresholdRules } from './alert-rules.ts';
import type { AlertStore } from './alert-store.ts';
import { compare } from './compare.ts';

/** A firing alert resolves only after its comparison stopped holding for this long (or the rule's own duration, if longer). */
export const MIN_CLEAR_SECONDS = 3;

const COMPARISON_WORDS = { gt: 'above', gte: 'at or above', lt: 'below', lte: 'at or below', eq: 'equal to', neq: 'not equal to' } as const;

/**
 * Evaluates every enabled threshold rule against the cluster's figures. Called by a job that runs
 * once per period across all nodes, so a rule is judged once, not once per node.
 *
 * Hysteresis keeps an alert from flapping: a rule fires when its comparison has held without a
 * break for `for_seconds`, and a firing alert resolves only when the comparison has not held,
 * without a break, for `max(for_seconds, MIN_CLEAR_SECONDS)`. Each break restarts the clock (kept
 * in `alert_rules.pending_since`, so whichever node evaluates next carries on).
 */
export async function evaluateThresholds(ctx: AppContext, store: AlertStore, totals: NodeMetrics | null, now = new Date()): Promise<void> {
  if (!totals) return;
  const rules = await thresholdRules(ctx.db);
  if (rules.length === 0) return;
  const firing = new Set(
    (await ctx.db.query<{ rule_id: string }>(`SELECT rule_id FROM alerts WHERE kind = 'threshold' AND status = 'firing'`)).map((r) => r.rule_id),
  );
  for (const rule of rules) {
    if (rule.kind !== 'threshold') continue;
    const { condition } = rule;
    const value = totals[condition.metric];
    const holds = compare(value, condition.comparison, condition.threshold);
    const isFiring = firing.has(rule.id);
    // Firing: waiting for the comparison to stop holding. Not firing: waiting for it to hold.
    const counting = isFiring ? !holds : holds;
    if (!counting) {
      if (rule.pending_since) await ctx.db.query('UPDATE alert_rules SET pending_since = NULL WHERE id = $1', [rule.id]);
      continue;
    }
    const since = rule.pending_since ?? now;
    if (!rule.pending_since) await ctx.db.query('UPDATE alert_rules SET pending_since = $2 WHERE id = $1', [rule.id, now]);
    const needed = isFiring ? Math.max(condition.for_seconds, MIN_CLEAR_SECONDS) : condition.for_seconds;
    if (now.getTime() - since.getTime() < needed * 1000) continue;
    await ctx.db.transaction(async (tx) => {
      await tx.query('UPDATE alert_rules SET pending_since = NULL WHERE id = $1', [rule.id]);
      if (isFiring) await store.resolve(tx, rule);
      else await store.fire(tx, rule, { title: rule.name, body: describe(condition, value), value });
    });
  }
}

/** "delivery_p99_ms is 250 (above 200 for 60 s)". */
export function describe(condition: ThresholdCondition, value: number): string {
  const held = condition.for_seconds > 0 ? ` for ${condition.for_seconds} s` : '';
  return `${condition.metric} is ${value} (${COMPARISON_WORDS[condition.comparison]} ${condition.threshold}${held}).`;
}
