import type { AlertInfo, MetricsUpdate, NotificationInfo } from '@tandem/protocol';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newTeam, type Team } from '../support/http-client.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { connectWs, type WsTestClient } from '../support/ws-client.ts';

const until = async (check: () => boolean | Promise<boolean>, timeoutMs = 10_000) => {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe('operations metrics and threshold alerts', () => {
  let server: TestServer;
  let team: Team<'admin' | 'editor'>;
  const extra: WsTestClient[] = [];

  const connections = () => server.tandem.operations.hub.current().total.connections_ws;
  const thresholdAlerts = async (ruleId: string) =>
    ((await team.owner.get(`/alerts?workspace_id=${team.workspaceId}`)).body.alerts as AlertInfo[]).filter((a) => a.rule_id === ruleId);
  /** Opens or closes editor connections until this node counts `n` WebSocket connections. */
  const drive = async (n: number) => {
    while (connections() < n && extra.length < 50) {
      extra.push(await connectWs(server.url, team.editor));
      await until(() => server.tandem.realtime.gateway.stats().connectionsWs >= extra.length);
    }
    while (server.tandem.realtime.gateway.stats().connectionsWs > n && extra.length > 0) await extra.pop()?.close();
    await until(() => connections() === n);
  };

  beforeAll(async () => {
    server = await startServer({ db: 'pglite', overrides: { metricsIntervalMs: 100, alertEvaluateMs: 0 } });
    team = await newTeam(server.url, { admin: ['Ada Admin', 'admin'], editor: ['Eddie Editor', 'editor'] });
  });
  afterAll(async () => {
    for (const ws of extra) await ws.close();
    await server?.close();
  });

  it('streams metrics_update in system to owners and admins only, each second, with every node and the sum', async () => {
    const admin = await connectWs(server.url, team.admin);
    const editor = await connectWs(server.url, team.editor);
    try {
      await admin.subscribe('system');
      // Anyone may follow system announcements; only operators get the figures.
      expect((await editor.subscribe('system')).type).toBe('ack');
      await until(() => admin.messages.filter((m) => m.type === 'metrics_update').length >= 5);
      const update = (admin.messages.findLast((m) => m.type === 'metrics_update') as unknown as { data: MetricsUpdate }).data;
      expect(update.nodes).toHaveLength(1);
      expect(update.total.connections_ws).toBeGreaterThanOrEqual(2);
      expect(update.total.subscriptions).toBeGreaterThanOrEqual(2);
      expect(update.total.rss_mb).toBeGreaterThan(10);
      expect(update.total.connections_ws).toBe(update.nodes[0]?.metrics.connections_ws);
      expect(editor.messages.some((m) => m.type === 'metrics_update')).toBe(false);

      expect((await team.editor.get(`/operations/metrics/history?workspace_id=${team.workspaceId}`)).status).toBe(403);
      expect((await team.editor.get(`/alerts/rules?workspace_id=${team.workspaceId}`)).status).toBe(403);
      const history = await team.admin.get(`/operations/metrics/history?workspace_id=${team.workspaceId}&minutes=60`);
      expect(history.status).toBe(200);
      expect(history.body.resolution_s).toBe(10);
      expect(history.body.current.nodes).toHaveLength(1);
    } finally {
      await admin.close();
      await editor.close();
    }
  });

  it('fires once when a figure stays past its threshold, does not flap around it, and resolves once', async () => {
    await drive(2);
    const created = await team.owner.post('/alerts/rules', {
      workspace_id: team.workspaceId,
      name: 'Too many sockets',
      kind: 'threshold',
      severity: 'critical',
      recipients: { user_ids: [], roles: ['owner', 'admin'] },
      condition: { metric: 'connections_ws', comparison: 'gt', threshold: 3, for_seconds: 2 },
    });
    expect(created.status).toBe(201);
    const ruleId = created.body.id as string;
    const t0 = Date.now();
    const at = (s: number) => new Date(t0 + s * 1000);
    const evaluate = (s: number) => server.tandem.operations.evaluate(at(s));

    await evaluate(0);
    await drive(5);
    await evaluate(1); // holds from here
    await evaluate(2.5); // 1.5 s: not long enough
    expect(await thresholdAlerts(ruleId)).toEqual([]);
    await evaluate(3.2);
    let alerts = await thresholdAlerts(ruleId);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ status: 'firing', severity: 'critical', value: 5 });

    // Around the threshold: brief dips never resolve it, and it never fires a second time.
    for (let s = 4; s < 10; s += 1) {
      await drive(s % 2 === 0 ? 3 : 4);
      await evaluate(s);
    }
    alerts = await thresholdAlerts(ruleId);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.status).toBe('firing');

    await drive(2);
    await evaluate(10);
    await evaluate(12); // 2 s below: the clearing period is 3 s
    expect((await thresholdAlerts(ruleId))[0]?.status).toBe('firing');
    await evaluate(13.5);
    alerts = await thresholdAlerts(ruleId);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.status).toBe('resolved');

    // One notification per recipient, urgent because the rule is critical, linking to the dashboard.
    const notes = ((await team.admin.get('/notifications')).body.notifications as NotificationInfo[]).filter((n) => n.alert_id === alerts[0]?.id);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ type: 'alert', urgent: true, workspace_id: team.workspaceId });
  });

  it('gives a warning rule the normal priority (held by quiet hours), a critical one urgent', async () => {
    await drive(2);
    const warning = await team.owner.post('/alerts/rules', {
      workspace_id: team.workspaceId,
      name: 'Some sockets',
      kind: 'threshold',
      severity: 'warning',
      recipients: { user_ids: [], roles: ['admin'] },
      condition: { metric: 'connections_ws', comparison: 'gte', threshold: 1, for_seconds: 0 },
    });
    await server.tandem.operations.evaluate(new Date());
    const [alert] = await thresholdAlerts(warning.body.id);
    expect(alert?.status).toBe('firing');
    const [note] = ((await team.admin.get('/notifications')).body.notifications as NotificationInfo[]).filter((n) => n.alert_id === alert?.id);
    expect(note).toMatchObject({ urgent: false, title: 'Warning: Some sockets' });
    await team.owner.delete(`/alerts/rules/${warning.body.id}`);
  });

  it('serves /metrics as Prometheus text that a parser reads, with the realtime and delivery series', async () => {
    const res = await fetch(`${server.url}/metrics`);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const families = parsePrometheusTextFormat(await res.text());
    const names = new Set(families.map((f) => f.name));
    for (const name of [
      'tandem_realtime_connections',
      'tandem_realtime_delivery_seconds',
      'tandem_realtime_resume_replays_total',
      'tandem_http_requests_total',
      'tandem_notification_deliveries_total',
      'tandem_process_resident_memory_bytes',
      'tandem_nodejs_eventloop_lag_p99_seconds',
    ]) {
      expect(names.has(name), name).toBe(true);
    }
    const connectionsFamily = families.find((f) => f.name === 'tandem_realtime_connections');
    expect(connectionsFamily?.type).toBe('GAUGE');
    const ws = connectionsFamily?.metrics.find((m) => m.labels?.transport === 'ws');
    expect(Number(ws?.value)).toBe(server.tandem.realtime.gateway.stats().connectionsWs);
  });
});
