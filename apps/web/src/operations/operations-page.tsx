import { type AlertInfo, type MetricName, roleAtLeast } from '@tandem/protocol';
import { useSystemAlerts, useSystemMetrics } from '@tandem/react';
import { useQueries, useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import type { WorkspaceSummary } from '../api/types.ts';
import { fetchTable, tableKeys } from '../grid/table-queries.ts';
import { SettingsSection } from '../ui/settings-section.tsx';
import { EmptyState, ErrorState, LoadingState } from '../ui/states.tsx';
import { usePendingValues } from '../ui/use-pending-values.ts';
import { useSaveStatus } from '../ui/use-save-status.ts';
import { useMembers } from '../workspaces/workspace-queries.ts';
import { AlertList } from './alert-list.tsx';
import { LiveFigures } from './live-figures.tsx';
import { MetricsChart } from './metrics-chart.tsx';
import { acknowledgeAlert, operationsKeys, useAlertRules, useAlerts, useMetricsHistory, useRuleActions } from './operations-queries.ts';
import { RuleForm } from './rule-form.tsx';
import { RuleList } from './rule-list.tsx';
import '../styles/operations.css';

/** The charts of the page; module constants so a chart is never rebuilt by a render. */
const CHARTS: readonly { readonly title: string; readonly metrics: readonly MetricName[] }[] = [
  { title: 'Connections', metrics: ['connections_ws', 'connections_sse'] },
  { title: 'Messages per second', metrics: ['messages_in_per_s', 'messages_out_per_s'] },
  { title: 'Delivery latency (ms)', metrics: ['delivery_p50_ms', 'delivery_p99_ms'] },
  { title: 'Event-loop lag (ms)', metrics: ['event_loop_lag_ms'] },
  { title: 'Memory (MB)', metrics: ['heap_used_mb', 'rss_mb'] },
];

/**
 * The live operations dashboard of a workspace (owners and admins): health, current figures,
 * an hour of charts that grow every second, the alerts (live) and the alert rules.
 */
export function OperationsPage({ workspace, highlightAlert }: { workspace: WorkspaceSummary; highlightAlert: string | null }) {
  if (!roleAtLeast(workspace.role, 'admin')) {
    return <EmptyState title="Operations are for owners and admins">Ask an owner of {workspace.name} if you need to see them.</EmptyState>;
  }
  return <Dashboard workspace={workspace} highlightAlert={highlightAlert} />;
}

function Dashboard({ workspace, highlightAlert }: { workspace: WorkspaceSummary; highlightAlert: string | null }) {
  const history = useMetricsHistory(workspace.id);
  const { subscribe } = useSystemMetrics();
  const alerts = useAlerts(workspace.id);
  const rules = useAlertRules(workspace.id);
  const members = useMembers(workspace.id);
  const actions = useRuleActions(workspace.id);
  const queries = useQueryClient();
  const alertStatus = useSaveStatus();
  const ruleStatus = useSaveStatus();
  const ruleEnabled = usePendingValues<boolean>();

  // An alert signal (fired, resolved, acknowledged) replaces or prepends its row in the cached list.
  useSystemAlerts((alert) => {
    if (alert.workspace_id !== workspace.id) return;
    queries.setQueryData<AlertInfo[]>(operationsKeys.alerts(workspace.id), (list = []) =>
      list.some((a) => a.id === alert.id) ? list.map((a) => (a.id === alert.id ? alert : a)) : [alert, ...list],
    );
  });

  const ruleTables = useMemo(() => [...new Set((rules.data ?? []).flatMap((r) => (r.kind === 'record' ? [r.table_id] : [])))], [rules.data]);
  const tableDetails = useQueries({ queries: ruleTables.map((id) => ({ queryKey: tableKeys.table(id), queryFn: () => fetchTable(id) })) });
  const fieldNames = new Map(tableDetails.flatMap((t) => t.data?.fields.map((f) => [f.id, f.name] as const) ?? []));

  const acknowledge = (alert: AlertInfo) =>
    void alertStatus.track(
      acknowledgeAlert(alert.id).then((updated) =>
        queries.setQueryData<AlertInfo[]>(operationsKeys.alerts(workspace.id), (list = []) => list.map((a) => (a.id === updated.id ? updated : a))),
      ),
      () => 'Acknowledged',
    );

  const points = history.data?.points;
  const fallback = points && points.length > 0 ? (points[points.length - 1]?.total ?? null) : null;

  return (
    <section className="content operations" aria-labelledby="operations-title">
      <div className="page-head">
        <h1 id="operations-title">Operations</h1>
        <p className="muted">Live figures of the Tandem server, alerts and alert rules.</p>
      </div>
      <LiveFigures fallback={fallback} />
      {history.isError && <ErrorState error={history.error} onRetry={() => void history.refetch()} />}
      <div className="ops-charts">
        {CHARTS.map((c) => (
          <MetricsChart key={c.title} title={c.title} metrics={c.metrics} history={history.data} subscribe={subscribe} />
        ))}
      </div>

      <SettingsSection
        title="Alerts"
        description="Alerts fired by the rules below, newest first; acknowledging one tells the other admins you are on it."
        status={alertStatus.state}
      >
        {alerts.isPending ? (
          <LoadingState label="Loading alerts" />
        ) : alerts.isError ? (
          <ErrorState error={alerts.error} onRetry={() => void alerts.refetch()} />
        ) : (
          <AlertList alerts={alerts.data} highlight={highlightAlert} onAcknowledge={acknowledge} />
        )}
      </SettingsSection>

      <SettingsSection
        title="Alert rules"
        description="A rule notifies the chosen roles and members while its condition holds. Switch one off, or mute it for an hour."
        status={ruleStatus.state}
      >
        {rules.isPending ? (
          <LoadingState label="Loading rules" />
        ) : rules.isError ? (
          <ErrorState error={rules.error} onRetry={() => void rules.refetch()} />
        ) : (
          <RuleList
            rules={rules.data.map((r) => ({ ...r, enabled: ruleEnabled.show(r.id, r.enabled) }))}
            members={members.data ?? []}
            fieldNames={fieldNames}
            onToggle={(r, enabled) => void ruleEnabled.during(r.id, enabled, ruleStatus.track(actions.update.mutateAsync({ id: r.id, changes: { enabled } })))}
            onMute={(r, minutes) => void ruleStatus.track(actions.mute.mutateAsync({ id: r.id, minutes }))}
            onDelete={(r) => {
              if (window.confirm(`Delete the rule “${r.name}”?`)) void ruleStatus.track(actions.remove.mutateAsync(r.id), () => 'Rule deleted');
            }}
          />
        )}
      </SettingsSection>

      <SettingsSection title="New rule" description="A threshold on a server metric, or a condition on the records of a table.">
        <RuleForm workspaceId={workspace.id} onCreate={(rule) => actions.create.mutateAsync(rule)} />
      </SettingsSection>
    </section>
  );
}
