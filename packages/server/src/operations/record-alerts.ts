import type { AlertRule } from '@tandem/protocol';
import type { Transaction } from '../db/database.ts';
import type { RecordWriteChange } from '../records/record-write-hooks.ts';
import { recordRulesOf } from './alert-rules.ts';
import type { AlertStore } from './alert-store.ts';
import { recordMatches } from './compare.ts';

/**
 * Record-condition rules, judged inside each record write's transaction (like workflow rules): a
 * record that starts to match fires the rule's alert for it, one that stops matching (or is
 * deleted) resolves it, and one that keeps matching changes nothing. The firing is one row per
 * rule and record under a unique index, so 20 writers racing past the threshold fire it once.
 *
 * A table's rules are remembered per node until they change (`forget`, on every node through the bus).
 */
export class RecordAlerts {
  readonly #rules = new Map<string, Promise<AlertRule[]>>();

  constructor(private readonly store: AlertStore) {}

  /** Forgets the remembered rules of a table (they changed). */
  forget(tableId: string): void {
    this.#rules.delete(tableId);
  }

  /** The record-write listener. */
  readonly afterRecordWrite = async (tx: Transaction, change: RecordWriteChange): Promise<void> => {
    const rules = await this.#rulesOf(tx, change.tableId);
    if (rules.length === 0) return;
    // The write's values as planned: the row itself is updated with the transaction's last statements.
    const record = change.action === 'deleted' ? null : { values: change.values };
    for (const rule of rules) {
      if (rule.kind !== 'record') continue;
      const matches = record ? recordMatches(record.values, rule.match, rule.conditions) : false;
      if (!matches) {
        await this.store.resolve(tx, rule, change.recordId);
        continue;
      }
      const label = recordLabel(record?.values ?? {}, change);
      await this.store.fire(tx, rule, {
        title: `${rule.name}: ${label}`,
        body: describeMatch(rule, record?.values ?? {}, change),
        tableId: change.tableId,
        recordId: change.recordId,
      });
    }
  };

  #rulesOf(tx: Transaction, tableId: string): Promise<AlertRule[]> {
    let rules = this.#rules.get(tableId);
    if (!rules) {
      rules = recordRulesOf(tx, tableId);
      this.#rules.set(tableId, rules);
      rules.catch(() => this.#rules.delete(tableId));
    }
    return rules;
  }
}

/** The record's primary field value (the first field), else its id. */
function recordLabel(values: Readonly<Record<string, unknown>>, change: RecordWriteChange): string {
  const primary = change.fields[0];
  const value = primary ? values[primary.id] : undefined;
  return typeof value === 'string' && value.trim() ? value.trim().slice(0, 120) : change.recordId;
}

/** "On hand is 4, Reorder point is 10." — the values the conditions looked at. */
function describeMatch(rule: Extract<AlertRule, { kind: 'record' }>, values: Readonly<Record<string, unknown>>, change: RecordWriteChange): string {
  const named = [...new Set(rule.conditions.flatMap((c) => (c.other_field_id ? [c.field_id, c.other_field_id] : [c.field_id])))];
  const parts = named.map((id) => `${change.fields.find((f) => f.id === id)?.name ?? id} is ${JSON.stringify(values[id] ?? null)}`);
  return `${parts.join(', ')}.`;
}
