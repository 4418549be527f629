import { APPROVAL_STATUSES, jsonValueSchema } from '@tandem/protocol';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireAuth } from '../http/authenticate.ts';
import { noContent } from '../http/openapi.ts';
import { approvalPageSchema, approvalSchema, workflowListSchema, workflowRunsSchema, workflowSchema } from './approval-schemas.ts';
import type { ApprovalService } from './approval-service.ts';
import type { WorkflowService } from './workflow-service.ts';

const idParams = z.object({ id: z.uuid() });
const meOrId = z.union([z.literal('me'), z.uuid()]);
const note = z.object({ note: z.string().max(5000).default('') }).strict();
const workflowFields = {
  name: z.string().trim().min(1).max(200),
  field_id: z.uuid(),
  value: jsonValueSchema,
  assignee_ids: z.array(z.uuid()).min(1).max(50),
  title: z.string().trim().min(1).max(200),
  description: z.string().max(5000),
  enabled: z.boolean(),
};

/** Approval requests and workflow rules. */
export function approvalRoutes(approvals: ApprovalService, workflows: WorkflowService) {
  return async (fastify: FastifyInstance) => {
    const app = fastify.withTypeProvider<ZodTypeProvider>();
    const tags = ['approvals'];

    app.post(
      '/approvals',
      {
        schema: {
          tags,
          summary: 'Request approval on a record (commenter+)',
          response: { 201: approvalSchema },
          body: z
            .object({
              record_id: z.uuid(),
              title: z.string().trim().min(1).max(200),
              description: z.string().max(5000).default(''),
              assignee_ids: z.array(z.uuid()).min(1).max(50),
              due_at: z.iso.datetime({ offset: true }).optional(),
            })
            .strict(),
        },
      },
      async (request, reply) => {
        const b = request.body;
        const approval = await approvals.create(requireAuth(request), {
          recordId: b.record_id,
          title: b.title,
          description: b.description,
          assigneeIds: b.assignee_ids,
          dueAt: b.due_at ? new Date(b.due_at) : null,
        });
        return reply.status(201).send(approval);
      },
    );

    app.get(
      '/approvals',
      {
        schema: {
          tags,
          summary: 'Approvals in my workspaces, newest first',
          response: { 200: approvalPageSchema },
          querystring: z.object({
            status: z.enum(APPROVAL_STATUSES).optional(),
            assignee: meOrId.optional(),
            requester: meOrId.optional(),
            record_id: z.uuid().optional(),
            workspace_id: z.uuid().optional(),
            cursor: z.coerce.number().int().min(0).optional(),
            limit: z.coerce.number().int().min(1).max(200).default(50),
          }),
        },
      },
      async (request) => {
        const q = request.query;
        return approvals.list(requireAuth(request), {
          status: q.status,
          assignee: q.assignee,
          requester: q.requester,
          recordId: q.record_id,
          workspaceId: q.workspace_id,
          cursor: q.cursor,
          limit: q.limit,
        });
      },
    );

    app.get('/approvals/:id', { schema: { tags, summary: 'One approval', response: { 200: approvalSchema }, params: idParams } }, async (request) =>
      approvals.get(requireAuth(request), request.params.id),
    );

    app.post(
      '/approvals/:id/approve',
      { schema: { tags, summary: 'Approve (assignee, once)', response: { 200: approvalSchema }, params: idParams, body: note } },
      async (request) => approvals.respond(requireAuth(request), request.params.id, 'approved', request.body.note),
    );

    app.post(
      '/approvals/:id/reject',
      { schema: { tags, summary: 'Reject (assignee, once)', response: { 200: approvalSchema }, params: idParams, body: note } },
      async (request) => approvals.respond(requireAuth(request), request.params.id, 'rejected', request.body.note),
    );

    app.post(
      '/approvals/:id/cancel',
      { schema: { tags, summary: 'Cancel a pending approval (requester)', response: { 200: approvalSchema }, params: idParams } },
      async (request) => approvals.cancel(requireAuth(request), request.params.id),
    );

    const wfTags = ['workflows'];
    app.get(
      '/tables/:id/workflows',
      { schema: { tags: wfTags, summary: 'Workflow rules of a table', response: { 200: workflowListSchema }, params: idParams } },
      async (request) => ({
        workflows: await workflows.list(requireAuth(request), request.params.id),
      }),
    );

    app.post(
      '/tables/:id/workflows',
      {
        schema: {
          tags: wfTags,
          summary: 'Add a rule: when field_id becomes value, request approval from assignee_ids (admin)',
          response: { 201: workflowSchema },
          params: idParams,
          body: z
            .object({
              ...workflowFields,
              name: workflowFields.name.optional(),
              description: workflowFields.description.optional(),
              enabled: workflowFields.enabled.optional(),
            })
            .strict(),
        },
      },
      async (request, reply) => reply.status(201).send(await workflows.create(requireAuth(request), request.params.id, request.body)),
    );

    app.patch(
      '/workflows/:id',
      {
        schema: {
          tags: wfTags,
          summary: 'Change a rule (admin)',
          response: { 200: workflowSchema },
          params: idParams,
          body: z.object(workflowFields).partial().strict(),
        },
      },
      async (request) => workflows.update(requireAuth(request), request.params.id, request.body),
    );

    app.delete(
      '/workflows/:id',
      { schema: { tags: wfTags, summary: 'Delete a rule (admin)', response: { 204: noContent }, params: idParams } },
      async (request, reply) => {
        await workflows.remove(requireAuth(request), request.params.id);
        return reply.status(204).send();
      },
    );

    app.get(
      '/workflows/:id/runs',
      { schema: { tags: wfTags, summary: 'Firings of a rule, newest first', response: { 200: workflowRunsSchema }, params: idParams } },
      async (request) => ({
        runs: await workflows.runs(requireAuth(request), request.params.id),
      }),
    );
  };
}
