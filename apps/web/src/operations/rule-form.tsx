import {
  ALERT_SEVERITIES,
  type AlertSeverity,
  COMPARISONS,
  type Comparison,
  METRIC_NAMES,
  type MetricName,
  type RecordCondition,
  ROLES,
  type Role,
} from '@tandem/protocol';
import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import type { Field } from '../api/types.ts';
import { fetchTable, tableKeys, useTables } from '../grid/table-queries.ts';
import { SaveError, SaveStatus } from '../ui/save-status.tsx';
import { useSaveStatus } from '../ui/use-save-status.ts';
import { useMembers } from '../workspaces/workspace-queries.ts';
import { COMPARISON_LABELS, METRIC_LABELS, SEVERITY_LABELS } from './metric-labels.ts';
import type { NewAlertRule } from './operations-queries.ts';

/** One condition row while it is being edited: against a constant or another field. */
interface DraftCondition {
  readonly field_id: string;
  readonly comparison: Comparison;
  readonly against: 'value' | 'field';
  readonly value: string;
  readonly other_field_id: string;
}

const EMPTY_CONDITION: DraftCondition = { field_id: '', comparison: 'lt', against: 'value', value: '', other_field_id: '' };

/**
 * The new-rule form for both kinds: a threshold on a metric, or conditions on the records of a
 * table. Every id (metric, table, field, member) is chosen from a list, never typed.
 */
export function RuleForm({ workspaceId, onCreate }: { workspaceId: string; onCreate: (rule: NewAlertRule) => Promise<unknown> }) {
  const id = useId();
  const [kind, setKind] = useState<'threshold' | 'record'>('threshold');
  const [name, setName] = useState('');
  const [severity, setSeverity] = useState<AlertSeverity>('warning');
  const [roles, setRoles] = useState<Role[]>(['owner', 'admin']);
  const [userIds, setUserIds] = useState<string[]>([]);
  const [metric, setMetric] = useState<MetricName>('delivery_p99_ms');
  const [comparison, setComparison] = useState<Comparison>('gt');
  const [threshold, setThreshold] = useState('200');
  const [forSeconds, setForSeconds] = useState('60');
  const [tableId, setTableId] = useState('');
  const [match, setMatch] = useState<'all' | 'any'>('all');
  const [conditions, setConditions] = useState<DraftCondition[]>([EMPTY_CONDITION]);
  const status = useSaveStatus();
  const members = useMembers(workspaceId);
  const tables = useTables(workspaceId);
  const table = useQuery({ queryKey: tableKeys.table(tableId), queryFn: () => fetchTable(tableId), enabled: tableId !== '' });
  const fields = tableId ? (table.data?.fields ?? []) : [];

  const setCondition = (i: number, change: Partial<DraftCondition>) => setConditions((cs) => cs.map((c, j) => (j === i ? { ...c, ...change } : c)));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const base = { workspace_id: workspaceId, name: name.trim(), severity, recipients: { roles, user_ids: userIds }, enabled: true };
    let rule: NewAlertRule;
    if (kind === 'threshold') {
      rule = { ...base, kind, condition: { metric, comparison, threshold: Number(threshold), for_seconds: Number(forSeconds) } };
    } else {
      if (!tableId || conditions.some((c) => !c.field_id || (c.against === 'field' && !c.other_field_id))) {
        status.fail('Choose a table and a field for every condition.');
        return;
      }
      rule = { ...base, kind, table_id: tableId, match, conditions: conditions.map((c) => toCondition(c, fields)) };
    }
    if (await status.track(onCreate(rule), () => `Rule “${rule.name}” created`)) setName('');
  };

  return (
    <form className="rule-form" onSubmit={(e) => void submit(e)} aria-label="New alert rule">
      <div className="rule-form-grid">
        <label htmlFor={`${id}-kind`}>Kind</label>
        <select id={`${id}-kind`} value={kind} onChange={(e) => setKind(e.target.value as typeof kind)}>
          <option value="threshold">Threshold on a server metric</option>
          <option value="record">Condition on table records</option>
        </select>
        <label htmlFor={`${id}-name`}>Name</label>
        <input id={`${id}-name`} required value={name} onChange={(e) => setName(e.target.value)} placeholder="e.g. Slow delivery" />
        <label htmlFor={`${id}-severity`}>Severity</label>
        <select id={`${id}-severity`} value={severity} onChange={(e) => setSeverity(e.target.value as AlertSeverity)}>
          {ALERT_SEVERITIES.map((s) => (
            <option key={s} value={s}>
              {SEVERITY_LABELS[s]}
            </option>
          ))}
        </select>
      </div>

      {kind === 'threshold' ? (
        <fieldset className="rule-condition">
          <legend>When</legend>
          <select aria-label="Metric" value={metric} onChange={(e) => setMetric(e.target.value as MetricName)}>
            {METRIC_NAMES.map((m) => (
              <option key={m} value={m}>
                {METRIC_LABELS[m].label}
                {METRIC_LABELS[m].unit && ` (${METRIC_LABELS[m].unit})`}
              </option>
            ))}
          </select>
          <ComparisonSelect value={comparison} onChange={setComparison} />
          <input aria-label="Threshold" type="number" step="any" required value={threshold} onChange={(e) => setThreshold(e.target.value)} />
          <label>
            for <input aria-label="For seconds" type="number" min="0" required value={forSeconds} onChange={(e) => setForSeconds(e.target.value)} /> s
          </label>
        </fieldset>
      ) : (
        <fieldset className="rule-condition">
          <legend>When a record of</legend>
          <select aria-label="Table" value={tableId} onChange={(e) => setTableId(e.target.value)}>
            <option value="">Choose a table…</option>
            {(tables.data ?? []).map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </select>
          <select aria-label="Match" value={match} onChange={(e) => setMatch(e.target.value as 'all' | 'any')}>
            <option value="all">matches all of</option>
            <option value="any">matches any of</option>
          </select>
          <ol className="rule-conditions">
            {conditions.map((c, i) => (
              <li key={i}>
                <FieldSelect label={`Field of condition ${i + 1}`} fields={fields} value={c.field_id} onChange={(v) => setCondition(i, { field_id: v })} />
                <ComparisonSelect value={c.comparison} onChange={(v) => setCondition(i, { comparison: v })} label={`Comparison of condition ${i + 1}`} />
                <select
                  aria-label={`Compare condition ${i + 1} with`}
                  value={c.against}
                  onChange={(e) => setCondition(i, { against: e.target.value as DraftCondition['against'] })}
                >
                  <option value="value">a value</option>
                  <option value="field">another field</option>
                </select>
                {c.against === 'value' ? (
                  <input aria-label={`Value of condition ${i + 1}`} value={c.value} onChange={(e) => setCondition(i, { value: e.target.value })} />
                ) : (
                  <FieldSelect
                    label={`Other field of condition ${i + 1}`}
                    fields={fields.filter((f) => f.id !== c.field_id)}
                    value={c.other_field_id}
                    onChange={(v) => setCondition(i, { other_field_id: v })}
                  />
                )}
                {conditions.length > 1 && (
                  <button type="button" className="btn btn-ghost btn-small" onClick={() => setConditions((cs) => cs.filter((_, j) => j !== i))}>
                    Remove
                  </button>
                )}
              </li>
            ))}
          </ol>
          <button type="button" className="btn btn-small" onClick={() => setConditions((cs) => [...cs, EMPTY_CONDITION])}>
            Add condition
          </button>
        </fieldset>
      )}

      <fieldset className="rule-recipients">
        <legend>Notify</legend>
        {ROLES.map((r) => (
          <label key={r} className="checkbox">
            <input
              type="checkbox"
              checked={roles.includes(r)}
              onChange={(e) => setRoles((rs) => (e.target.checked ? [...rs, r] : rs.filter((x) => x !== r)))}
            />
            every {r}
          </label>
        ))}
        <label htmlFor={`${id}-members`}>and these members</label>
        <select
          id={`${id}-members`}
          multiple
          size={Math.min(5, Math.max(2, members.data?.length ?? 2))}
          value={userIds}
          onChange={(e) => setUserIds([...e.target.selectedOptions].map((o) => o.value))}
        >
          {(members.data ?? []).map((m) => (
            <option key={m.user_id} value={m.user_id}>
              {m.name} ({m.role})
            </option>
          ))}
        </select>
      </fieldset>

      <SaveError state={status.state} />
      <div className="form-actions form-actions-start">
        <button type="submit" className="btn btn-primary" disabled={status.state.phase === 'saving'}>
          Create rule
        </button>
        <SaveStatus state={status.state} />
      </div>
    </form>
  );
}

function ComparisonSelect({ value, onChange, label = 'Comparison' }: { value: Comparison; onChange: (c: Comparison) => void; label?: string }) {
  return (
    <select aria-label={label} value={value} onChange={(e) => onChange(e.target.value as Comparison)}>
      {COMPARISONS.map((c) => (
        <option key={c} value={c}>
          {COMPARISON_LABELS[c]}
        </option>
      ))}
    </select>
  );
}

function FieldSelect({ label, fields, value, onChange }: { label: string; fields: readonly Field[]; value: string; onChange: (id: string) => void }) {
  return (
    <select aria-label={label} value={value} onChange={(e) => onChange(e.target.value)}>
      <option value="">Choose a field…</option>
      {fields.map((f) => (
        <option key={f.id} value={f.id}>
          {f.name}
        </option>
      ))}
    </select>
  );
}

/** The wire condition: constants typed as the field stores them (numbers, booleans, empty as null). */
function toCondition(c: DraftCondition, fields: readonly Field[]): RecordCondition {
  if (c.against === 'field') return { field_id: c.field_id, comparison: c.comparison, other_field_id: c.other_field_id };
  const type = fields.find((f) => f.id === c.field_id)?.type;
  const raw = c.value.trim();
  let value: RecordCondition['value'] = raw === '' ? null : raw;
  if (raw !== '' && type === 'number') value = Number(raw);
  if (type === 'checkbox') value = raw === 'true' || raw === 'yes' || raw === '1';
  return { field_id: c.field_id, comparison: c.comparison, value };
}
