import { APPROVAL_STATUSES } from '@tandem/protocol';
import { z } from 'zod';
import { actorSchema, entity, id, nextCursor, shape, timestamp } from '../http/openapi.ts';

/** An approval request (protocol `Approval`). */
export const approvalSchema = entity(
  'Approval',
  {
    id,
    workspace_id: id,
    table_id: id,
    record_id: id,
    title: z.string(),
    description: z.string(),
    status: z.enum(APPROVAL_STATUSES),
    requester: actorSchema.nullable(),
    assignees: z.array(actorSchema),
    due_at: timestamp.nullable(),
    response: shape({ by: actorSchema.nullable(), note: z.string(), at: timestamp }).nullable().describe('Who answered, with their note; null while pending'),
    workflow_id: id.nullable(),
    created_at: timestamp,
    updated_at: timestamp,
  },
  'An approval request on a record.',
);

/** A page of approvals. */
export const approvalPageSchema = shape({ approvals: z.array(approvalSchema), next_cursor: nextCursor });

/** A workflow rule. */
export const workflowSchema = entity(
  'Workflow',
  {
    id,
    workspace_id: id,
    table_id: id,
    name: z.string(),
    field_id: id,
    value: z.unknown().describe('The value as stored in the record'),
    assignee_ids: z.array(id),
    title: z.string(),
    description: z.string(),
    enabled: z.boolean(),
    created_by: id.nullable(),
    created_at: timestamp,
    updated_at: timestamp,
  },
  'A workflow rule: when field_id becomes value, request approval from assignee_ids.',
);

/** The rules of a table. */
export const workflowListSchema = shape({ workflows: z.array(workflowSchema) });

/** Firings of a rule, newest first. */
export const workflowRunsSchema = shape({
  runs: z.array(
    shape({ id, workflow_id: id, record_id: id.nullable(), record_version: z.number().nullable(), approval_id: id.nullable(), created_at: timestamp }),
  ),
});
