import { ALERT_SEVERITIES, COMPARISONS, ROLES } from '@tandem/protocol';
import { z } from 'zod';
import { entity, id, shape, timestamp } from '../http/openapi.ts';

/** Response schemas of the operations routes (protocol `MetricsHistory`, `AlertRule`, `AlertInfo`). */

/** One node's (or the cluster's) figures, by metric name (docs/operations.md). */
const nodeMetrics = z.record(z.string(), z.unknown()).describe('Metric name → figure (connections, messages_per_s, delivery_p99_ms, …)');

/** `GET /operations/metrics/history`. */
export const metricsHistorySchema = shape({
  resolution_s: z.number().describe('Seconds between points'),
  points: z.array(shape({ at: timestamp, total: nodeMetrics, nodes: z.record(z.string(), nodeMetrics) })),
  current: shape({ at: timestamp, nodes: z.array(shape({ node_id: z.string(), at: timestamp, metrics: nodeMetrics })), total: nodeMetrics }),
});

/** An alert rule: a threshold on a metric, or conditions on records. */
export const alertRuleSchema = entity(
  'AlertRule',
  {
    id,
    workspace_id: id,
    name: z.string(),
    severity: z.enum(ALERT_SEVERITIES),
    recipients: shape({ user_ids: z.array(id), roles: z.array(z.enum(ROLES)) }),
    enabled: z.boolean(),
    muted_until: timestamp.nullable(),
    created_at: timestamp,
    kind: z.enum(['threshold', 'record']),
    condition: shape({ metric: z.string(), comparison: z.enum(COMPARISONS), threshold: z.number(), for_seconds: z.number() })
      .optional()
      .describe('kind threshold'),
    table_id: id.optional().describe('kind record'),
    match: z.enum(['all', 'any']).optional().describe('kind record'),
    conditions: z
      .array(
        shape({
          field_id: id,
          comparison: z.enum(COMPARISONS),
          value: z.union([z.string(), z.number(), z.boolean(), z.null()]).optional(),
          other_field_id: id.optional(),
        }),
      )
      .optional()
      .describe('kind record'),
  },
  'An alert rule: a threshold on a cluster metric held for some seconds, or conditions on the records of a table.',
);

/** One firing of a rule. */
export const alertSchema = entity(
  'AlertInfo',
  {
    id,
    rule_id: id,
    workspace_id: id,
    kind: z.enum(['threshold', 'record']),
    severity: z.enum(ALERT_SEVERITIES),
    title: z.string(),
    body: z.string(),
    table_id: id.nullable(),
    record_id: id.nullable(),
    value: z.number().nullable(),
    status: z.enum(['firing', 'resolved']),
    fired_at: timestamp,
    resolved_at: timestamp.nullable(),
    acknowledged_at: timestamp.nullable(),
    acknowledged_by: id.nullable(),
    muted_until: timestamp.nullable(),
  },
  'One firing of an alert rule, from firing to resolution.',
);
