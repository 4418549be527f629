import type { AlertRule } from '@tandem/protocol';
import type { Member } from '../api/types.ts';
import { COMPARISON_SYMBOLS, METRIC_LABELS, SEVERITY_LABELS } from './metric-labels.ts';

/** How long "Mute" silences a rule, in minutes. */
export const MUTE_MINUTES = 60;

/** A rule as listed; the server may say until when it is muted. */
type ListedRule = AlertRule & { readonly muted_until?: string | null };

/** The rules of the workspace with enable toggle, mute for an hour (or unmute) and delete. */
export function RuleList({
  rules,
  members,
  fieldNames,
  onToggle,
  onMute,
  onDelete,
}: {
  rules: readonly AlertRule[];
  members: readonly Member[];
  fieldNames: ReadonlyMap<string, string>;
  onToggle: (rule: AlertRule, enabled: boolean) => void;
  onMute: (rule: AlertRule, minutes: number) => void;
  onDelete: (rule: AlertRule) => void;
}) {
  if (rules.length === 0) return <p className="muted">No rules yet.</p>;
  return (
    <ul className="rule-list">
      {(rules as readonly ListedRule[]).map((r) => {
        const muted = r.muted_until && Date.parse(r.muted_until) > Date.now();
        return (
          <li key={r.id} className={`rule-row${r.enabled ? '' : ' rule-disabled'}`} data-rule-id={r.id}>
            <label className="switch">
              <input type="checkbox" checked={r.enabled} onChange={(e) => onToggle(r, e.target.checked)} aria-label={`Enable ${r.name}`} />
            </label>
            <span className={`severity-pill severity-${r.severity}`}>{SEVERITY_LABELS[r.severity]}</span>
            <div className="rule-text">
              <strong>{r.name}</strong>
              <span className="muted">{summary(r, fieldNames)}</span>
              <span className="muted">Notifies {recipients(r, members)}</span>
            </div>
            <div className="rule-actions">
              {muted ? (
                <button
                  type="button"
                  className="btn btn-small"
                  onClick={() => onMute(r, 0)}
                  title={`Muted until ${new Date(r.muted_until ?? '').toLocaleTimeString()}`}
                >
                  Unmute
                </button>
              ) : (
                <button type="button" className="btn btn-small" onClick={() => onMute(r, MUTE_MINUTES)}>
                  Mute 1 h
                </button>
              )}
              <button type="button" className="btn btn-small btn-danger" onClick={() => onDelete(r)}>
                Delete
              </button>
            </div>
          </li>
        );
      })}
    </ul>
  );
}

function summary(r: AlertRule, fieldNames: ReadonlyMap<string, string>): string {
  if (r.kind === 'threshold') {
    const { metric, comparison, threshold, for_seconds } = r.condition;
    const unit = METRIC_LABELS[metric].unit;
    return `${METRIC_LABELS[metric].label} ${COMPARISON_SYMBOLS[comparison]} ${threshold}${unit ? ` ${unit}` : ''} for ${for_seconds} s`;
  }
  const field = (id: string) => fieldNames.get(id) ?? 'a field';
  const parts = r.conditions.map(
    (c) => `${field(c.field_id)} ${COMPARISON_SYMBOLS[c.comparison]} ${c.other_field_id ? field(c.other_field_id) : JSON.stringify(c.value ?? null)}`,
  );
  return `A record where ${parts.join(r.match === 'all' ? ' and ' : ' or ')}`;
}

function recipients(r: AlertRule, members: readonly Member[]): string {
  const names = r.recipients.user_ids.map((id) => members.find((m) => m.user_id === id)?.name ?? 'a former member');
  const roles = r.recipients.roles.map((role) => `every ${role}`);
  return [...roles, ...names].join(', ') || 'nobody';
}
