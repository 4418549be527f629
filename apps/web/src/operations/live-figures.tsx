import type { ConnectionStatus } from '@tandem/client';
import type { MetricName, NodeMetrics } from '@tandem/protocol';
import { useConnectionStatus, useSystemMetrics } from '@tandem/react';
import { formatMetric, METRIC_LABELS } from './metric-labels.ts';

/** The figures of the big-number row, in order. */
const FIGURES: readonly MetricName[] = [
  'messages_in_per_s',
  'messages_out_per_s',
  'delivery_p50_ms',
  'delivery_p99_ms',
  'event_loop_lag_ms',
  'heap_used_mb',
  'rss_mb',
  'db_pool_waiting',
];

/**
 * The current figures as big numbers (each with `data-metric` naming its figure) and the health
 * badge. Only this component re-renders every second, not the page around it.
 */
export function LiveFigures({ fallback }: { fallback: NodeMetrics | null }) {
  const { latest } = useSystemMetrics({ rerender: true });
  const total = latest?.total ?? fallback;
  const nodes = latest?.nodes.length ?? null;
  return (
    <div className="ops-figures-row">
      <HealthBadge total={total} />
      <dl className="ops-figures">
        <div className="ops-figure" data-metric="connections" data-value={total ? total.connections_ws + total.connections_sse : ''}>
          <dt>Connections</dt>
          <dd>{total ? total.connections_ws + total.connections_sse : '–'}</dd>
          {total && (
            <span className="muted">
              {total.connections_ws} WS · {total.connections_sse} SSE
            </span>
          )}
        </div>
        {FIGURES.map((m) => (
          <div key={m} className="ops-figure" data-metric={m} data-value={total ? total[m] : ''}>
            <dt>{METRIC_LABELS[m].label}</dt>
            <dd>{total ? formatMetric(m, total[m]) : '–'}</dd>
          </div>
        ))}
        <div className="ops-figure" data-metric="nodes" data-value={nodes ?? ''}>
          <dt>Nodes</dt>
          <dd>{nodes ?? '–'}</dd>
        </div>
      </dl>
    </div>
  );
}

/** Tones of the realtime link as the health badge sees it. */
const LINK_OK: ReadonlySet<ConnectionStatus> = new Set(['connected']);

/** One word for the health of this browser's link, Redis and the database pool. */
function HealthBadge({ total }: { total: NodeMetrics | null }) {
  const status = useConnectionStatus();
  const problems: string[] = [];
  if (!LINK_OK.has(status)) problems.push(`realtime ${status}`);
  if (total && total.redis_connected < 1) problems.push('Redis disconnected');
  if (total && total.db_pool_waiting > 0) problems.push(`${total.db_pool_waiting} waiting for a database connection`);
  const tone = problems.length === 0 ? 'ok' : !LINK_OK.has(status) || (total?.redis_connected ?? 1) < 1 ? 'bad' : 'warn';
  return (
    <div className={`ops-health ops-health-${tone}`} role="status" aria-live="polite" data-health={tone}>
      <span className="connection-dot" aria-hidden="true" />
      <div>
        <strong>{tone === 'ok' ? 'Healthy' : tone === 'warn' ? 'Degraded' : 'Unhealthy'}</strong>
        <span className="muted">{problems.length === 0 ? 'Live link, Redis and database pool fine' : problems.join(' · ')}</span>
      </div>
    </div>
  );
}
