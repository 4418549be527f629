import type { AlertInfo } from '@tandem/protocol';
import type { AppContext } from '../context.ts';
import type { GatewayApi } from '../gateway-api.ts';
import { JobRunner } from '../jobs/job-runner.ts';
import type { RealtimeWindow } from '../realtime/realtime-metrics.ts';
import type { Access } from '../workspaces/access.ts';
import { AlertRuleService } from './alert-rules.ts';
import { AlertStore } from './alert-store.ts';
import { MetricsHub } from './metrics-hub.ts';
import { NodeSampler } from './node-sampler.ts';
import { operationsRoutes } from './operations-routes.ts';
import { OperatorCache } from './operator-cache.ts';
import { RecordAlerts } from './record-alerts.ts';
import { evaluateThresholds } from './threshold-evaluator.ts';

/** What the operations domain needs from the composition besides the context. */
export interface OperationsDeps {
  readonly access: Access;
  readonly gateway: GatewayApi;
  readonly realtime: RealtimeWindow;
  readonly nodeId: string;
  /** Redis PING round trip in ms (null: disconnected, 0: no Redis). */
  readonly ping: () => Promise<number | null>;
}

/** The operations domain as the composition sees it. */
export interface Operations {
  readonly routes: ReturnType<typeof operationsRoutes>;
  readonly hub: MetricsHub;
  /** Runs one threshold evaluation now (tests; the evaluation job does this every ALERT_EVALUATE_MS). */
  evaluate(now?: Date): Promise<void>;
  close(): Promise<void>;
}

/**
 * The live operations dashboard and alerts: every node samples itself each second and shares the
 * sample over the bus; owners and admins subscribed to `system` get `metrics_update` with every
 * node's figures and the sum; threshold rules are judged once per period across the cluster (a
 * job runner of their own, so mail delivery never delays them); record-condition rules are judged
 * inside record writes; alerts go through the notification pipeline and out as `alert`.
 */
export async function installOperations(ctx: AppContext, deps: OperationsDeps): Promise<Operations> {
  const { access, gateway } = deps;
  const store = new AlertStore(ctx, gateway.signals);
  const recordAlerts = new RecordAlerts(store);
  ctx.hooks.add(recordAlerts.afterRecordWrite);
  const rules = new AlertRuleService(ctx, access, (tableId) => {
    recordAlerts.forget(tableId);
    void ctx.bus.publish({ kind: 'control', control: { type: 'alert_rules_changed', table_id: tableId } }).catch(() => undefined);
  });

  const sampler = new NodeSampler({ gateway, realtime: deps.realtime, db: ctx.db, metrics: ctx.metrics, ping: deps.ping });
  const hub = new MetricsHub(ctx, deps.nodeId, sampler, ctx.config.metricsIntervalMs || 1000);
  const operators = new OperatorCache(ctx.db);
  hub.onUpdate((data) =>
    gateway.sendToLocalSubscribers('system', { type: 'metrics_update', room: 'system', data }, (caller) => operators.isOperator(caller.userId)),
  );
  ctx.bus.onMessage((message) => {
    if (message.kind !== 'control') return;
    if (message.control.type === 'alert_rules_changed') recordAlerts.forget(message.control.table_id);
    if (message.control.type === 'alert_changed') void announceToOperators(message.control.alert);
  });
  /** An alert is sent once: each local `system` subscriber's role in its workspace is read before sending, not guessed from the cache. */
  const announceToOperators = async (alert: AlertInfo) => {
    try {
      const callers = gateway.localSubscribers('system');
      const admins = new Set<string>();
      for (const userId of new Set(callers.map((c) => c.userId))) if (await operators.checkAdminOf(userId, alert.workspace_id)) admins.add(userId);
      if (admins.size > 0) gateway.sendToLocalSubscribers('system', { type: 'alert', room: 'system', data: alert }, (caller) => admins.has(caller.userId));
    } catch (err) {
      ctx.log.warn({ err }, 'operations: announcing an alert failed');
    }
  };
  if (ctx.config.metricsIntervalMs > 0) await hub.start();

  const evaluate = (now = new Date()) => {
    const cluster = hub.current();
    return evaluateThresholds(ctx, store, cluster.nodes.length > 0 ? cluster.total : null, now);
  };
  const evaluator = new JobRunner(ctx.db, ctx.log);
  if (ctx.config.alertEvaluateMs > 0) {
    evaluator.register('alert-evaluation', ctx.config.alertEvaluateMs, () => evaluate());
    evaluator.start(Math.max(100, Math.floor(ctx.config.alertEvaluateMs / 2)));
  }
  ctx.jobs.register('metrics-history-trim', 3600_000, async () => {
    await ctx.db.query(`DELETE FROM metrics_history WHERE at < now() - interval '24 hours'`);
  });

  return {
    routes: operationsRoutes({ ctx, access, hub, rules, alerts: store }),
    hub,
    evaluate,
    async close() {
      hub.stop();
      sampler.close();
      await evaluator.stop();
    },
  };
}
