import { ALERT_SEVERITIES, COMPARISONS, METRIC_NAMES, ROLES } from '@tandem/protocol';
import { z } from 'zod';

const recipients = z
  .object({ user_ids: z.array(z.uuid()).max(100).default([]), roles: z.array(z.enum(ROLES)).max(5).default([]) })
  .strict()
  .refine((r) => r.user_ids.length + r.roles.length > 0, 'Name at least one user or role to notify.');

/** "p99 delivery latency above 200 ms for 60 s". */
export const thresholdConditionSchema = z
  .object({
    metric: z.enum(METRIC_NAMES),
    comparison: z.enum(COMPARISONS),
    threshold: z.number().finite(),
    for_seconds: z.number().int().min(0).max(86_400).default(0),
  })
  .strict();

/** A field against a constant or against another field of the same record. */
export const recordConditionSchema = z
  .object({
    field_id: z.uuid(),
    comparison: z.enum(COMPARISONS),
    value: z.union([z.string().max(1000), z.number().finite(), z.boolean(), z.null()]).optional(),
    other_field_id: z.uuid().optional(),
  })
  .strict()
  .refine((c) => (c.value === undefined) !== (c.other_field_id === undefined), 'Compare with either a value or another field, not both.');

const common = {
  workspace_id: z.uuid(),
  name: z.string().trim().min(1).max(200),
  severity: z.enum(ALERT_SEVERITIES).default('warning'),
  recipients,
  enabled: z.boolean().default(true),
};

/** `POST /alerts/rules`. */
export const createAlertRuleSchema = z.discriminatedUnion('kind', [
  z.object({ ...common, kind: z.literal('threshold'), condition: thresholdConditionSchema }).strict(),
  z
    .object({
      ...common,
      kind: z.literal('record'),
      table_id: z.uuid(),
      match: z.enum(['all', 'any']).default('all'),
      conditions: z.array(recordConditionSchema).min(1).max(20),
    })
    .strict(),
]);
export type CreateAlertRule = z.infer<typeof createAlertRuleSchema>;

/** `PATCH /alerts/rules/{id}`: any of these; the kind and table of a rule never change. */
export const updateAlertRuleSchema = z
  .object({
    name: common.name.optional(),
    severity: z.enum(ALERT_SEVERITIES).optional(),
    recipients: recipients.optional(),
    enabled: z.boolean().optional(),
    condition: thresholdConditionSchema.optional(),
    match: z.enum(['all', 'any']).optional(),
    conditions: z.array(recordConditionSchema).min(1).max(20).optional(),
  })
  .strict();
export type UpdateAlertRule = z.infer<typeof updateAlertRuleSchema>;
