import type { AlertInfo, MetricsUpdate, NotificationInfo } from '@tandem/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresAvailable, redisAvailable } from '../support/databases.ts';
import { type ApiClient, newTeam } from '../support/http-client.ts';
import type { TestServer } from '../support/server.ts';
import { connectWs } from '../support/ws-client.ts';
import { type ClusterSpace, dropSpace, freshSpace, onNode, startNode } from './cluster.ts';

const ready = (await postgresAvailable()) && (await redisAvailable());
const FAST = { metricsIntervalMs: 200, alertEvaluateMs: 200 };

describe.skipIf(!ready)('operations across two nodes', () => {
  let space: ClusterSpace;
  let a: TestServer;
  let b: TestServer;
  let owner: ApiClient;
  let workspaceId: string;

  beforeAll(async () => {
    space = freshSpace();
    a = await startNode(space, undefined, FAST);
    b = await startNode(space, undefined, FAST);
    ({ owner, workspaceId } = await newTeam(a.url, {}));
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    if (space) await dropSpace(space);
  });

  it('each node shows both nodes and their sum, and a threshold rule on the sum fires once, not once per node', async () => {
    const onA = await connectWs(a.url, owner);
    const onB = await connectWs(b.url, onNode(owner, b));
    try {
      await onA.subscribe('system');
      const both = (await onA.waitFor((m) => m.type === 'metrics_update' && (m as unknown as { data: MetricsUpdate }).data.nodes.length === 2)) as unknown as {
        data: MetricsUpdate;
      };
      expect(both.data.total.connections_ws).toBe(both.data.nodes.reduce((sum, n) => sum + n.metrics.connections_ws, 0));

      // Each node holds one socket: only the cluster's sum reaches 2.
      const rule = await owner.post('/alerts/rules', {
        workspace_id: workspaceId,
        name: 'Cluster sockets',
        kind: 'threshold',
        severity: 'info',
        recipients: { user_ids: [], roles: ['owner'] },
        condition: { metric: 'connections_ws', comparison: 'gte', threshold: 2, for_seconds: 0 },
      });
      expect(rule.status).toBe(201);
      const alertsOfRule = async () =>
        ((await owner.get(`/alerts?workspace_id=${workspaceId}`)).body.alerts as AlertInfo[]).filter((x) => x.rule_id === rule.body.id);
      const end = Date.now() + 10_000;
      while ((await alertsOfRule()).length === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
      // Both nodes keep evaluating for a while: still one alert and one notification.
      await new Promise((r) => setTimeout(r, 1500));
      const alerts = await alertsOfRule();
      expect(alerts).toHaveLength(1);
      expect(alerts[0]?.status).toBe('firing');
      const notes = ((await owner.get('/notifications')).body.notifications as NotificationInfo[]).filter((n) => n.alert_id === alerts[0]?.id);
      expect(notes).toHaveLength(1);
      // The subscriber on node A heard of it although node B may have been the one to fire it.
      await onA.waitFor((m) => m.type === 'alert' && (m as unknown as { data: AlertInfo }).data.id === alerts[0]?.id);
    } finally {
      await onA.close();
      await onB.close();
    }
  });
});
