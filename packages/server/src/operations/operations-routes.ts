import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { errors } from '../errors/app-error.ts';
import { requireAuth } from '../http/authenticate.ts';
import { noContent, shape } from '../http/openapi.ts';
import type { Access } from '../workspaces/access.ts';
import { createAlertRuleSchema, updateAlertRuleSchema } from './alert-rule-schemas.ts';
import type { AlertRuleService } from './alert-rules.ts';
import { ALERT_SELECT, type AlertStore, toAlert } from './alert-store.ts';
import type { MetricsHub } from './metrics-hub.ts';
import { alertRuleSchema, alertSchema, metricsHistorySchema } from './operations-schemas.ts';

const idParams = z.object({ id: z.uuid() });

/** What the operations routes call. */
export interface OperationsRouteDeps {
  readonly ctx: AppContext;
  readonly access: Access;
  readonly hub: MetricsHub;
  readonly rules: AlertRuleService;
  readonly alerts: AlertStore;
}

/** Metrics history, alert rules and alerts; owners and admins of the workspace only. */
export function operationsRoutes({ ctx, access, hub, rules, alerts }: OperationsRouteDeps) {
  return async (fastify: FastifyInstance) => {
    const app = fastify.withTypeProvider<ZodTypeProvider>();
    const tags = ['operations'];

    app.get(
      '/operations/metrics/history',
      {
        schema: {
          tags,
          summary: "The cluster's figures at 10-second resolution, oldest first (owners and admins)",
          response: { 200: metricsHistorySchema },
          querystring: z.object({ workspace_id: z.uuid(), minutes: z.coerce.number().int().min(1).max(1440).default(60) }),
        },
      },
      async (request) => {
        await access.require(requireAuth(request), 'workspace', request.query.workspace_id, 'admin');
        return { ...hub.history(request.query.minutes), current: hub.current() };
      },
    );

    app.get(
      '/alerts/rules',
      {
        schema: {
          tags,
          summary: "The workspace's alert rules",
          response: { 200: shape({ rules: z.array(alertRuleSchema) }) },
          querystring: z.object({ workspace_id: z.uuid() }),
        },
      },
      async (request) => ({ rules: await rules.list(requireAuth(request), request.query.workspace_id) }),
    );
    app.post(
      '/alerts/rules',
      { schema: { tags, summary: 'Create a threshold or record-condition alert rule', response: { 201: alertRuleSchema }, body: createAlertRuleSchema } },
      async (request, reply) => {
        reply.status(201);
        return rules.create(requireAuth(request), request.body);
      },
    );
    app.patch(
      '/alerts/rules/:id',
      { schema: { tags, summary: 'Change an alert rule', response: { 200: alertRuleSchema }, params: idParams, body: updateAlertRuleSchema } },
      async (request) => rules.update(requireAuth(request), request.params.id, request.body),
    );
    app.post(
      '/alerts/rules/:id/mute',
      {
        schema: {
          tags,
          summary: "Mute a rule's notifications for some minutes (0 unmutes)",
          response: { 200: alertRuleSchema },
          params: idParams,
          body: z.object({ minutes: z.number().int().min(0).max(43_200) }).strict(),
        },
      },
      async (request) => rules.mute(requireAuth(request), request.params.id, request.body.minutes),
    );
    app.delete(
      '/alerts/rules/:id',
      { schema: { tags, summary: 'Delete an alert rule and its alerts', response: { 204: noContent }, params: idParams } },
      async (request, reply) => {
        await rules.remove(requireAuth(request), request.params.id);
        return reply.status(204).send();
      },
    );

    app.get(
      '/alerts',
      {
        schema: {
          tags,
          summary: "The workspace's alerts, newest first",
          response: { 200: shape({ alerts: z.array(alertSchema) }) },
          querystring: z.object({
            workspace_id: z.uuid(),
            status: z.enum(['firing', 'resolved', 'all']).default('all'),
            limit: z.coerce.number().int().min(1).max(500).default(100),
          }),
        },
      },
      async (request) => {
        const { workspace_id, status, limit } = request.query;
        await access.require(requireAuth(request), 'workspace', workspace_id, 'admin');
        const rows = await ctx.db.query<Parameters<typeof toAlert>[0]>(
          `${ALERT_SELECT} WHERE a.workspace_id = $1 AND ($2 = 'all' OR a.status = $2) ORDER BY a.fired_at DESC, a.id LIMIT $3`,
          [workspace_id, status, limit],
        );
        return { alerts: rows.map(toAlert) };
      },
    );
    app.post(
      '/alerts/:id/acknowledge',
      { schema: { tags, summary: 'Acknowledge an alert (a recipient, owner or admin)', response: { 200: alertSchema }, params: idParams } },
      async (request) => {
        const auth = requireAuth(request);
        const [row] = await ctx.db.query<{ workspace_id: string; recipients: { user_ids: string[]; roles: string[] } }>(
          'SELECT a.workspace_id, r.recipients FROM alerts a JOIN alert_rules r ON r.id = a.rule_id WHERE a.id = $1',
          [request.params.id],
        );
        if (!row) throw errors.notFound('Alert');
        const role = await access.roleIn(auth.user.id, row.workspace_id);
        if (!role) throw errors.notFound('Alert');
        const recipient = row.recipients.user_ids.includes(auth.user.id) || row.recipients.roles.includes(role);
        if (!recipient && role !== 'owner' && role !== 'admin') throw errors.forbidden('Only the people an alert notifies, owners and admins acknowledge it.');
        const alert = await alerts.acknowledge(request.params.id, auth.user.id);
        if (!alert) throw errors.notFound('Alert');
        return alert;
      },
    );
  };
}
