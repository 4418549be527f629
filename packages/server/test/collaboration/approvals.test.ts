import { roomName } from '@tandem/protocol';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../support/each-database.ts';
import type { TestServer } from '../support/server.ts';
import { connectWs } from '../support/ws-client.ts';
import { type CollabFixture, idOf, startCollabServer } from './collab-fixture.ts';

describeEachDatabase('approvals and workflow rules', (db) => {
  let server: TestServer;
  let fx: CollabFixture;
  beforeAll(async () => {
    ({ server, fx } = await startCollabServer(db));
  });
  afterAll(async () => server?.close());

  it('an approval is answered once, only by an assignee, and the answer reaches the requester live', async () => {
    const requesterWs = await connectWs(server.url, fx.editor);
    try {
      await requesterWs.subscribe(roomName('user', idOf(fx.editor)));
      const made = await fx.editor.post('/approvals', {
        record_id: fx.recordId,
        title: 'Release the pump',
        description: 'Ready for service',
        assignee_ids: [idOf(fx.owner), idOf(fx.commenter)],
        due_at: '2030-01-01T12:00:00Z',
      });
      expect(made.status).toBe(201);
      expect(made.body).toMatchObject({ status: 'pending', requester: { id: idOf(fx.editor) }, due_at: '2030-01-01T12:00:00.000Z' });
      const id: string = made.body.id;

      const mine = await fx.commenter.get('/approvals?status=pending&assignee=me');
      expect(mine.body.approvals.map((a: { id: string }) => a.id)).toContain(id);
      expect((await fx.viewer.get('/approvals?status=pending&assignee=me')).body.approvals).toEqual([]);

      const notAssignee = await fx.viewer.post(`/approvals/${id}/approve`, { note: 'me too' });
      expect(notAssignee.status).toBe(403);
      expect((await fx.editor.post(`/approvals/${id}/approve`, { note: 'self' })).status).toBe(403);
      expect((await fx.outsider.post(`/approvals/${id}/approve`, { note: 'x' })).status).toBe(404);
      expect((await fx.outsider.get(`/approvals/${id}`)).status).toBe(404);

      // Two assignees answer at the same moment: the row lock lets exactly one win.
      const [approve, reject] = await Promise.all([
        fx.owner.post(`/approvals/${id}/approve`, { note: 'Looks good' }),
        fx.commenter.post(`/approvals/${id}/reject`, { note: 'Not yet' }),
      ]);
      expect([approve.status, reject.status].sort()).toEqual([200, 409]);
      const winner = approve.status === 200 ? approve : reject;
      const status = approve.status === 200 ? 'approved' : 'rejected';
      expect(winner.body).toMatchObject({ status, response: { note: approve.status === 200 ? 'Looks good' : 'Not yet' } });

      const live = await requesterWs.waitFor((m) => m.type === 'approval_responded' && (m.data as { id: string }).id === id);
      expect(live.data).toMatchObject({ status });
      const told = await requesterWs.waitFor((m) => m.type === 'notification_created' && (m.data as { type: string }).type === 'approval_answered');
      expect(told.data).toMatchObject({ approval_id: id });

      expect((await fx.owner.post(`/approvals/${id}/approve`, { note: 'again' })).status).toBe(409);
      expect((await fx.editor.post(`/approvals/${id}/cancel`)).status).toBe(409);
      expect((await fx.viewer.get(`/approvals/${id}`)).body.status).toBe(status);

      const feed = await fx.viewer.get(`/records/${fx.recordId}/activity?type=approvals`);
      const actions = feed.body.activity.filter((a: { entity_id: string }) => a.entity_id === id).map((a: { action: string }) => a.action);
      expect(actions).toEqual([status, 'requested']);
    } finally {
      await requesterWs.close();
    }
  });

  it('assignees are told when asked; only the requester cancels; assignees must be members', async () => {
    const made = await fx.commenter.post('/approvals', { record_id: fx.recordId, title: 'Check torque', assignee_ids: [idOf(fx.editor)] });
    expect(made.status).toBe(201);
    const inbox = await fx.editor.get('/notifications?unread=true');
    expect(inbox.body.notifications.some((n: { type: string; approval_id: string }) => n.type === 'approval_requested' && n.approval_id === made.body.id)).toBe(
      true,
    );
    expect((await fx.editor.post(`/approvals/${made.body.id}/cancel`)).status).toBe(403);
    const cancelled = await fx.commenter.post(`/approvals/${made.body.id}/cancel`);
    expect(cancelled.body.status).toBe('cancelled');
    expect((await fx.editor.post(`/approvals/${made.body.id}/approve`, {})).status).toBe(409);

    const withStranger = await fx.editor.post('/approvals', { record_id: fx.recordId, title: 'x', assignee_ids: [idOf(fx.outsider)] });
    expect(withStranger.status).toBe(400);
    expect((await fx.viewer.post('/approvals', { record_id: fx.recordId, title: 'x', assignee_ids: [idOf(fx.editor)] })).status).toBe(403);
  });

  it('a workflow rule fires exactly once per change into its value, never while the value stays', async () => {
    const status = fx.table.f.Status ?? '';
    const name = fx.table.f.Name ?? '';
    const rule = await fx.owner.post(`/tables/${fx.table.id}/workflows`, {
      field_id: status,
      value: 'Ready',
      assignee_ids: [idOf(fx.commenter)],
      title: 'Approve release',
    });
    expect(rule.status).toBe(201);
    expect(
      (await fx.editor.post(`/tables/${fx.table.id}/workflows`, { field_id: status, value: 'Ready', assignee_ids: [idOf(fx.owner)], title: 'x' })).status,
    ).toBe(403);

    const record = await fx.editor.post(`/tables/${fx.table.id}/records`, { values: { [name]: 'Gearbox', [status]: 'Draft' } });
    const recordId: string = record.body.id;
    const firings = async () =>
      (await fx.owner.get(`/workflows/${rule.body.id}/runs`)).body.runs.filter((r: { record_id: string }) => r.record_id === recordId);
    expect(await firings()).toHaveLength(0);

    // Two editors move it to Ready at the same moment: the second write sees Ready already.
    const [a, b] = await Promise.all([
      fx.editor.patch(`/records/${recordId}`, { values: { [status]: 'Ready' } }),
      fx.owner.patch(`/records/${recordId}`, { values: { [status]: 'Ready' } }),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(await firings()).toHaveLength(1);

    await fx.editor.patch(`/records/${recordId}`, { values: { [name]: 'Gearbox v2' } });
    await fx.editor.patch(`/records/${recordId}`, { values: { [status]: 'Ready' } });
    expect(await firings()).toHaveLength(1);

    await fx.editor.patch(`/records/${recordId}`, { values: { [status]: 'Draft' } });
    await fx.editor.patch(`/records/${recordId}`, { values: { [status]: 'Ready' } });
    const runs = await firings();
    expect(runs).toHaveLength(2);

    const approvals = await fx.commenter.get(`/approvals?record_id=${recordId}&assignee=me`);
    expect(approvals.body.approvals).toHaveLength(2);
    expect(approvals.body.approvals[0]).toMatchObject({ title: 'Approve release', workflow_id: rule.body.id, status: 'pending' });
    const feed = await fx.viewer.get(`/records/${recordId}/activity?type=approvals`);
    expect(feed.body.activity.filter((e: { entity_type: string; action: string }) => e.entity_type === 'workflow' && e.action === 'fired')).toHaveLength(2);

    // A record created straight into the value counts as a change into it.
    const born = await fx.editor.post(`/tables/${fx.table.id}/records`, { values: { [status]: 'Ready' } });
    expect((await fx.owner.get(`/workflows/${rule.body.id}/runs`)).body.runs.filter((r: { record_id: string }) => r.record_id === born.body.id)).toHaveLength(
      1,
    );

    expect((await fx.owner.patch(`/workflows/${rule.body.id}`, { enabled: false })).body.enabled).toBe(false);
    await fx.editor.patch(`/records/${recordId}`, { values: { [status]: 'Done' } });
    await fx.editor.patch(`/records/${recordId}`, { values: { [status]: 'Ready' } });
    expect(await firings()).toHaveLength(2);
    expect((await fx.owner.delete(`/workflows/${rule.body.id}`)).status).toBe(204);
  });

  it('putting someone into a user field notifies them once', async () => {
    const owner = fx.table.f.Owner ?? '';
    const record = await fx.editor.post(`/tables/${fx.table.id}/records`, { values: {} });
    const assigned = async () =>
      (await fx.commenter.get('/notifications?limit=200')).body.notifications.filter(
        (n: { type: string; record_id: string }) => n.type === 'assigned' && n.record_id === record.body.id,
      ).length;
    await fx.editor.patch(`/records/${record.body.id}`, { values: { [owner]: idOf(fx.commenter) } });
    expect(await assigned()).toBe(1);
    await fx.editor.patch(`/records/${record.body.id}`, { values: { [owner]: idOf(fx.commenter) } });
    expect(await assigned()).toBe(1);
    // Assigning yourself is your own action: no notification.
    await fx.commenter.get('/notifications/unread-count');
    await fx.editor.patch(`/records/${record.body.id}`, { values: { [owner]: idOf(fx.editor) } });
    expect(
      (await fx.editor.get('/notifications?limit=200')).body.notifications.some(
        (n: { type: string; record_id: string }) => n.type === 'assigned' && n.record_id === record.body.id,
      ),
    ).toBe(false);
  });

  it('the approvals list pages newest first and combines its filters', async () => {
    const record = await fx.owner.post(`/tables/${fx.table.id}/records`, { values: { [fx.table.f.Name ?? '']: 'Compressor' } });
    expect(record.status).toBe(201);
    for (const title of ['First check', 'Second check', 'Third check']) {
      expect((await fx.owner.post('/approvals', { record_id: record.body.id, title, assignee_ids: [idOf(fx.commenter)] })).status).toBe(201);
    }
    await fx.editor.post('/approvals', { record_id: record.body.id, title: 'Not mine', assignee_ids: [idOf(fx.commenter)] });
    const filters = `record_id=${record.body.id}&requester=me&assignee=${idOf(fx.commenter)}&status=pending`;

    const first = await fx.owner.get(`/approvals?${filters}&limit=2`);
    expect(first.body.approvals.map((a: { title: string }) => a.title)).toEqual(['Third check', 'Second check']);
    expect(first.body.next_cursor).toEqual(expect.any(String));
    const second = await fx.owner.get(`/approvals?${filters}&limit=2&cursor=${first.body.next_cursor}`);
    expect(second.body.approvals.map((a: { title: string }) => a.title)).toEqual(['First check']);
    expect(second.body.next_cursor).toBeNull();

    const mine = await fx.commenter.get(`/approvals?record_id=${record.body.id}&assignee=me&limit=10`);
    expect(mine.body.approvals.map((a: { title: string }) => a.title)).toEqual(['Not mine', 'Third check', 'Second check', 'First check']);
    expect((await fx.outsider.get(`/approvals?record_id=${record.body.id}`)).body.approvals).toEqual([]);
  });
});
