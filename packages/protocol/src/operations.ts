/**
 * The live operations dashboard and alerts: the figures every node measures each second, their
 * history, threshold rules on those figures, record-condition rules on a table, and the alerts
 * both kinds of rule raise.
 */

/** What one node measured over the last second (rates are per second over that second). */
export interface NodeMetrics {
  /** Open WebSocket and SSE connections. */
  readonly connections_ws: number;
  readonly connections_sse: number;
  /** Rooms with at least one local subscriber, and subscriptions across them. */
  readonly rooms: number;
  readonly subscriptions: number;
  /** Client frames received, and durable events written to sockets (one per subscriber), per second. */
  readonly messages_in_per_s: number;
  readonly messages_out_per_s: number;
  /** Durable events fanned out per second (one per event and room). */
  readonly events_per_s: number;
  /** Commit-to-socket-write latency of the events of the last second, measured on the server. */
  readonly delivery_p50_ms: number;
  readonly delivery_p99_ms: number;
  /** Resumes that replayed events, connections closed for being too slow, and requests refused by a rate limit, per second. */
  readonly resume_replays_per_s: number;
  readonly slow_consumer_closes_per_s: number;
  readonly rate_limit_hits_per_s: number;
  /** Event-loop delay p99 and utilisation (0–1) over the last second. */
  readonly event_loop_lag_ms: number;
  readonly event_loop_utilization: number;
  readonly heap_used_mb: number;
  readonly rss_mb: number;
  /** Process CPU over the last second, in percent of one core. */
  readonly cpu_percent: number;
  /** Database connections in use and callers waiting for one (PGlite: 0 or 1 in use). */
  readonly db_pool_in_use: number;
  readonly db_pool_waiting: number;
  /** p99 of database query time over the last second. */
  readonly db_query_p99_ms: number;
  /** Round trip of a Redis PING (0 without Redis), and 1 when connected (1 without Redis too). */
  readonly redis_rtt_ms: number;
  readonly redis_connected: number;
  /** Email and push deliveries waiting in the outbox. */
  readonly job_queue_depth: number;
  /** Email and push messages sent and failed, per second. */
  readonly email_sent_per_s: number;
  readonly email_failed_per_s: number;
  readonly push_sent_per_s: number;
  readonly push_failed_per_s: number;
}

/** The name of one figure of {@link NodeMetrics}. */
export type MetricName = keyof NodeMetrics;

/** Every metric name, in dashboard order. */
export const METRIC_NAMES = [
  'connections_ws',
  'connections_sse',
  'rooms',
  'subscriptions',
  'messages_in_per_s',
  'messages_out_per_s',
  'events_per_s',
  'delivery_p50_ms',
  'delivery_p99_ms',
  'resume_replays_per_s',
  'slow_consumer_closes_per_s',
  'rate_limit_hits_per_s',
  'event_loop_lag_ms',
  'event_loop_utilization',
  'heap_used_mb',
  'rss_mb',
  'cpu_percent',
  'db_pool_in_use',
  'db_pool_waiting',
  'db_query_p99_ms',
  'redis_rtt_ms',
  'redis_connected',
  'job_queue_depth',
  'email_sent_per_s',
  'email_failed_per_s',
  'push_sent_per_s',
  'push_failed_per_s',
] as const satisfies readonly MetricName[];

/** One node's figures at one moment. */
export interface NodeSample {
  readonly node_id: string;
  /** ISO time the sample was taken. */
  readonly at: string;
  readonly metrics: NodeMetrics;
}

/**
 * `metrics_update` data, every second in the `system` room (owners and admins only): every live
 * node's latest sample and the cluster figures (sums; for latencies, lag and utilisation the
 * highest node, which is what an alert on them should see).
 */
export interface MetricsUpdate {
  readonly at: string;
  readonly nodes: readonly NodeSample[];
  readonly total: NodeMetrics;
}

/** `GET /api/v1/operations/metrics/history`: cluster totals and per-node samples, oldest first. */
export interface MetricsHistory {
  /** Seconds between points. */
  readonly resolution_s: number;
  readonly points: readonly { readonly at: string; readonly total: NodeMetrics; readonly nodes: Readonly<Record<string, NodeMetrics>> }[];
}

/** How bad an alert is: `critical` notifications bypass quiet hours and digests. */
export type AlertSeverity = 'info' | 'warning' | 'critical';
export const ALERT_SEVERITIES = ['info', 'warning', 'critical'] as const satisfies readonly AlertSeverity[];

/** Comparisons a rule can make. */
export type Comparison = 'gt' | 'gte' | 'lt' | 'lte' | 'eq' | 'neq';
export const COMPARISONS = ['gt', 'gte', 'lt', 'lte', 'eq', 'neq'] as const satisfies readonly Comparison[];

/** Who an alert notifies: these users and every member holding one of these roles in the rule's workspace. */
export interface AlertRecipients {
  readonly user_ids: readonly string[];
  readonly roles: readonly ('owner' | 'admin' | 'editor' | 'commenter' | 'viewer')[];
}

/** "p99 delivery latency above 200 ms for 60 s". */
export interface ThresholdCondition {
  readonly metric: MetricName;
  readonly comparison: Comparison;
  readonly threshold: number;
  /** How long the comparison must hold before the alert fires (and stop holding before it resolves). */
  readonly for_seconds: number;
}

/** One condition on a record: a field against a constant or another field of the same record. */
export interface RecordCondition {
  readonly field_id: string;
  readonly comparison: Comparison;
  /** Either a constant … */
  readonly value?: string | number | boolean | null;
  /** … or another field of the same record. */
  readonly other_field_id?: string;
}

/** An alert rule of a workspace. */
export type AlertRule = {
  readonly id: string;
  readonly workspace_id: string;
  readonly name: string;
  readonly severity: AlertSeverity;
  readonly recipients: AlertRecipients;
  readonly enabled: boolean;
  /** Until when the rule's alerts notify nobody (they are still recorded and shown). */
  readonly muted_until: string | null;
  readonly created_at: string;
} & (
  | { readonly kind: 'threshold'; readonly condition: ThresholdCondition }
  | { readonly kind: 'record'; readonly table_id: string; readonly match: 'all' | 'any'; readonly conditions: readonly RecordCondition[] }
);

/** One firing of a rule, from firing to resolution. */
export interface AlertInfo {
  readonly id: string;
  readonly rule_id: string;
  readonly workspace_id: string;
  readonly kind: 'threshold' | 'record';
  readonly severity: AlertSeverity;
  readonly title: string;
  readonly body: string;
  /** The record a record-condition alert is about. */
  readonly table_id: string | null;
  readonly record_id: string | null;
  /** The figure that made a threshold alert fire. */
  readonly value: number | null;
  readonly status: 'firing' | 'resolved';
  readonly fired_at: string;
  readonly resolved_at: string | null;
  readonly acknowledged_at: string | null;
  readonly acknowledged_by: string | null;
  /** Until when notifications of this rule are muted. */
  readonly muted_until: string | null;
}
