import type { AlertInfo } from '@tandem/protocol';
import { ago } from '../notifications/notification-types.ts';
import { Link } from '../router/link.tsx';
import { SEVERITY_LABELS } from './metric-labels.ts';

/** Where an alert's "Open" leads: the record drawer for a record alert, else the operations page. */
export function alertHref(alert: Pick<AlertInfo, 'id' | 'workspace_id' | 'table_id' | 'record_id'>): string {
  if (alert.table_id && alert.record_id) return `/w/${alert.workspace_id}/t/${alert.table_id}?record=${alert.record_id}`;
  return `/w/${alert.workspace_id}/operations?alert=${alert.id}`;
}

/** Firing before resolved, then newest first. */
export function sortAlerts(alerts: readonly AlertInfo[]): AlertInfo[] {
  return [...alerts].sort((a, b) => {
    if (a.status !== b.status) return a.status === 'firing' ? -1 : 1;
    return Date.parse(b.fired_at) - Date.parse(a.fired_at);
  });
}

/** The alerts of the workspace: severity colour, acknowledge, resolved ones greyed. */
export function AlertList({
  alerts,
  highlight,
  onAcknowledge,
}: {
  alerts: readonly AlertInfo[];
  highlight: string | null;
  onAcknowledge: (alert: AlertInfo) => void;
}) {
  if (alerts.length === 0) return <p className="muted">No alerts. Rules that fire show up here at once.</p>;
  return (
    <ul className="alert-list">
      {sortAlerts(alerts).map((a) => (
        <li
          key={a.id}
          className={`alert-row severity-${a.severity} alert-${a.status}${a.id === highlight ? ' highlighted' : ''}`}
          data-alert-id={a.id}
          data-status={a.status}
          data-acknowledged={a.acknowledged_at ? 'true' : 'false'}
        >
          <span className={`severity-pill severity-${a.severity}`}>{SEVERITY_LABELS[a.severity]}</span>
          <div className="alert-text">
            <strong>{a.title}</strong>
            {a.body && <span className="muted">{a.body}</span>}
            <span className="muted">
              {a.status === 'firing' ? `Firing since ${ago(a.fired_at)}` : `Resolved ${a.resolved_at ? ago(a.resolved_at) : ''}`}
              {a.acknowledged_at && ` · acknowledged ${ago(a.acknowledged_at)}`}
            </span>
          </div>
          <div className="alert-actions">
            {a.record_id && <Link href={alertHref(a)}>Open record</Link>}
            {a.acknowledged_at ? (
              <span className="badge">Acknowledged</span>
            ) : (
              <button type="button" className="btn btn-small" onClick={() => onAcknowledge(a)}>
                Acknowledge
              </button>
            )}
          </div>
        </li>
      ))}
    </ul>
  );
}
