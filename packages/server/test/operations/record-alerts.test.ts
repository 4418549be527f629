import type { AlertInfo, NotificationInfo } from '@tandem/protocol';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../support/each-database.ts';
import { idOf, newTeam, type Team } from '../support/http-client.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { createRecord, createTable, type TestTable } from '../support/tables.ts';
import { connectWs } from '../support/ws-client.ts';

describeEachDatabase('record-condition alert rules', (db) => {
  let server: TestServer;
  let team: Team<'admin' | 'clerk' | 'viewer'>;
  let table: TestTable<'Part' | 'On hand' | 'Reorder point'>;
  let ruleId: string;

  const alertsOf = async (recordId: string) =>
    ((await team.owner.get(`/alerts?workspace_id=${team.workspaceId}`)).body.alerts as AlertInfo[]).filter((a) => a.record_id === recordId);
  const alertNotifications = async () => ((await team.admin.get('/notifications')).body.notifications as NotificationInfo[]).filter((n) => n.type === 'alert');

  beforeAll(async () => {
    server = await startServer({ db, overrides: { alertEvaluateMs: 0 } });
    team = await newTeam(server.url, { admin: ['Ada Admin', 'admin'], clerk: ['Cal Clerk', 'editor'], viewer: ['Vi Viewer', 'viewer'] });
    table = await createTable(team.owner, team.workspaceId, [
      { name: 'Part', type: 'text' },
      { name: 'On hand', type: 'number' },
      { name: 'Reorder point', type: 'number' },
    ]);
    const rule = await team.owner.post('/alerts/rules', {
      workspace_id: team.workspaceId,
      name: 'Low stock',
      kind: 'record',
      severity: 'warning',
      recipients: { user_ids: [idOf(team.admin)], roles: [] },
      table_id: table.id,
      conditions: [{ field_id: table.f['On hand'], comparison: 'lt', other_field_id: table.f['Reorder point'] }],
    });
    expect(rule.status).toBe(201);
    ruleId = rule.body.id;
  });
  afterAll(async () => server?.close());

  it('fires once when a record starts to match, not again while it keeps matching, and resolves when it stops', async () => {
    const record = await createRecord(team.clerk, table.id, { [table.f.Part]: 'Hex bolt M8', [table.f['On hand']]: 40, [table.f['Reorder point']]: 10 });
    expect(await alertsOf(record.id)).toEqual([]);

    await team.clerk.patch(`/records/${record.id}`, { values: { [table.f['On hand']]: 4 } });
    let alerts = await alertsOf(record.id);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ status: 'firing', rule_id: ruleId, severity: 'warning', title: 'Low stock: Hex bolt M8', table_id: table.id });
    expect(alerts[0]?.body).toContain('On hand is 4');

    // Still below: no second alert, no second notification.
    await team.clerk.patch(`/records/${record.id}`, { values: { [table.f['On hand']]: 3 } });
    expect(await alertsOf(record.id)).toHaveLength(1);
    const notes = (await alertNotifications()).filter((n) => n.record_id === record.id);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ alert_id: alerts[0]?.id, table_id: table.id, urgent: false });

    await team.clerk.patch(`/records/${record.id}`, { values: { [table.f['On hand']]: 25 } });
    alerts = await alertsOf(record.id);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ status: 'resolved' });
    expect(alerts[0]?.resolved_at).not.toBeNull();

    // Dropping again is a new firing.
    await team.clerk.patch(`/records/${record.id}`, { values: { [table.f['On hand']]: 2 } });
    expect((await alertsOf(record.id)).map((a) => a.status).sort()).toEqual(['firing', 'resolved']);
  });

  it('fires once when 20 writers push the same record below its reorder level at once', async () => {
    const record = await createRecord(team.owner, table.id, { [table.f.Part]: 'Washer M8', [table.f['On hand']]: 100, [table.f['Reorder point']]: 50 });
    const writes = await Promise.all(
      Array.from({ length: 20 }, (_, i) => team.clerk.patch(`/records/${record.id}`, { values: { [table.f['On hand']]: 10 + i } })),
    );
    expect(writes.every((w) => w.status === 200)).toBe(true);
    const alerts = await alertsOf(record.id);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.status).toBe('firing');
    expect((await alertNotifications()).filter((n) => n.record_id === record.id)).toHaveLength(1);
  });

  it('pushes `alert` live to the recipient, who acknowledges it; a viewer may not', async () => {
    const ws = await connectWs(server.url, team.admin);
    try {
      const room = `user:${idOf(team.admin)}`;
      await ws.subscribe(room);
      const record = await createRecord(team.clerk, table.id, { [table.f.Part]: 'Nut M8', [table.f['On hand']]: 1, [table.f['Reorder point']]: 5 });
      const pushed = await ws.waitFor((m) => m.type === 'alert' && (m as { data: AlertInfo }).data.record_id === record.id);
      const alert = (pushed as unknown as { data: AlertInfo }).data;
      expect(alert.status).toBe('firing');

      expect((await team.viewer.post(`/alerts/${alert.id}/acknowledge`)).status).toBe(403);
      const acked = await team.admin.post(`/alerts/${alert.id}/acknowledge`);
      expect(acked.status).toBe(200);
      expect(acked.body).toMatchObject({ id: alert.id, acknowledged_by: idOf(team.admin) });
      await ws.waitFor((m) => m.type === 'alert' && (m as { data: AlertInfo }).data.acknowledged_at !== null);
    } finally {
      await ws.close();
    }
  });

  it('refuses rules naming fields of another table, and non-admins cannot read or write rules', async () => {
    const other = await createTable(team.owner, team.workspaceId, [{ name: 'Qty', type: 'number' }], 'Other');
    const bad = await team.owner.post('/alerts/rules', {
      workspace_id: team.workspaceId,
      name: 'Mixed',
      kind: 'record',
      recipients: { user_ids: [], roles: ['owner'] },
      table_id: table.id,
      conditions: [{ field_id: other.f.Qty, comparison: 'lt', value: 3 }],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid_input');
    for (const client of [team.clerk, team.viewer]) {
      expect((await client.get(`/alerts/rules?workspace_id=${team.workspaceId}`)).status).toBe(403);
      expect((await client.get(`/alerts?workspace_id=${team.workspaceId}`)).status).toBe(403);
      expect((await client.patch(`/alerts/rules/${ruleId}`, { enabled: false })).status).toBe(403);
      expect((await client.delete(`/alerts/rules/${ruleId}`)).status).toBe(403);
    }
    const rules = (await team.admin.get(`/alerts/rules?workspace_id=${team.workspaceId}`)).body.rules;
    expect(rules.map((r: { id: string }) => r.id)).toEqual([ruleId]);
  });
});
