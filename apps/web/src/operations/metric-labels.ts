import type { AlertSeverity, Comparison, MetricName } from '@tandem/protocol';

/** Human names and units of every metric, for selects, chart legends and the figures row. */
export const METRIC_LABELS: Readonly<Record<MetricName, { readonly label: string; readonly unit: string }>> = {
  connections_ws: { label: 'WebSocket connections', unit: '' },
  connections_sse: { label: 'SSE connections', unit: '' },
  rooms: { label: 'Rooms', unit: '' },
  subscriptions: { label: 'Subscriptions', unit: '' },
  messages_in_per_s: { label: 'Messages in', unit: '/s' },
  messages_out_per_s: { label: 'Messages out', unit: '/s' },
  events_per_s: { label: 'Events fanned out', unit: '/s' },
  delivery_p50_ms: { label: 'Delivery latency p50', unit: 'ms' },
  delivery_p99_ms: { label: 'Delivery latency p99', unit: 'ms' },
  resume_replays_per_s: { label: 'Resume replays', unit: '/s' },
  slow_consumer_closes_per_s: { label: 'Slow-consumer closes', unit: '/s' },
  rate_limit_hits_per_s: { label: 'Rate-limit hits', unit: '/s' },
  event_loop_lag_ms: { label: 'Event-loop lag p99', unit: 'ms' },
  event_loop_utilization: { label: 'Event-loop utilisation', unit: '' },
  heap_used_mb: { label: 'Heap used', unit: 'MB' },
  rss_mb: { label: 'Resident memory', unit: 'MB' },
  cpu_percent: { label: 'CPU', unit: '%' },
  db_pool_in_use: { label: 'DB connections in use', unit: '' },
  db_pool_waiting: { label: 'DB pool waiting', unit: '' },
  db_query_p99_ms: { label: 'DB query p99', unit: 'ms' },
  redis_rtt_ms: { label: 'Redis round trip', unit: 'ms' },
  redis_connected: { label: 'Redis connected (1/0)', unit: '' },
  job_queue_depth: { label: 'Outbox queue depth', unit: '' },
  email_sent_per_s: { label: 'Emails sent', unit: '/s' },
  email_failed_per_s: { label: 'Emails failed', unit: '/s' },
  push_sent_per_s: { label: 'Push sent', unit: '/s' },
  push_failed_per_s: { label: 'Push failed', unit: '/s' },
};

/** Symbols and words of each comparison. */
export const COMPARISON_LABELS: Readonly<Record<Comparison, string>> = {
  gt: '> greater than',
  gte: '≥ at least',
  lt: '< less than',
  lte: '≤ at most',
  eq: '= equal to',
  neq: '≠ not equal to',
};

/** Short symbols of each comparison, for rule summaries. */
export const COMPARISON_SYMBOLS: Readonly<Record<Comparison, string>> = { gt: '>', gte: '≥', lt: '<', lte: '≤', eq: '=', neq: '≠' };

/** Human names of the severities. */
export const SEVERITY_LABELS: Readonly<Record<AlertSeverity, string>> = { info: 'Info', warning: 'Warning', critical: 'Critical' };

/** A figure as shown: at most one decimal, with its unit. */
export function formatMetric(name: MetricName, value: number): string {
  const { unit } = METRIC_LABELS[name];
  const rounded = Number.isInteger(value) ? String(value) : value.toFixed(value < 10 ? 2 : 1);
  return unit === '' ? rounded : `${rounded} ${unit}`;
}
