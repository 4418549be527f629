import { roomName } from '@tandem/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../support/server.ts';
import { connectWs } from '../support/ws-client.ts';
import { type CollabFixture, idOf, startCollabServer } from './collab-fixture.ts';

describe('notification inbox and preferences', () => {
  let server: TestServer;
  let fx: CollabFixture;
  beforeAll(async () => {
    ({ server, fx } = await startCollabServer('pglite'));
  });
  afterAll(async () => server?.close());

  const mentionEditor = (text: string) => fx.commenter.post(`/records/${fx.recordId}/comments`, { body: `${text} @[e](${idOf(fx.editor)})` });

  it('lists newest first with cursor paging, marks read one by one or all at once, archives, and tells other tabs', async () => {
    for (let i = 1; i <= 5; i += 1) await mentionEditor(`note ${i}`);
    const page1 = await fx.editor.get('/notifications?limit=2');
    expect(page1.body.notifications.map((n: { body: string }) => n.body.split(' @')[0])).toEqual(['note 5', 'note 4']);
    const page2 = await fx.editor.get(`/notifications?limit=2&cursor=${page1.body.next_cursor}`);
    expect(page2.body.notifications.map((n: { body: string }) => n.body.split(' @')[0])).toEqual(['note 3', 'note 2']);
    const page3 = await fx.editor.get(`/notifications?limit=2&cursor=${page2.body.next_cursor}`);
    expect(page3.body.next_cursor).toBeNull();

    const ws = await connectWs(server.url, fx.editor);
    try {
      await ws.subscribe(roomName('user', idOf(fx.editor)));
      const first = page1.body.notifications[0];
      expect((await fx.editor.post(`/notifications/${first.id}/read`)).body).toEqual({ unread_count: 4 });
      await ws.waitFor((m) => m.type === 'notification_read' && (m.data as { unread_count: number }).unread_count === 4);
      expect((await fx.editor.get('/notifications?unread=true')).body.notifications).toHaveLength(4);
      // Someone else's notification is not found.
      expect((await fx.commenter.post(`/notifications/${first.id}/read`)).status).toBe(404);

      const second = page1.body.notifications[1];
      expect((await fx.editor.post(`/notifications/${second.id}/archive`)).body).toEqual({ unread_count: 3 });
      expect((await fx.editor.get('/notifications')).body.notifications.map((n: { id: string }) => n.id)).not.toContain(second.id);
      expect((await fx.editor.get('/notifications?archived=true')).body.notifications.map((n: { id: string }) => n.id)).toEqual([second.id]);

      expect((await fx.editor.post('/notifications/read')).body).toEqual({ marked: 3, unread_count: 0 });
      await ws.waitFor((m) => m.type === 'notification_read' && (m.data as { all?: boolean }).all === true);
      expect((await fx.editor.get('/notifications/unread-count')).body.unread_count).toBe(0);
    } finally {
      await ws.close();
    }
  });

  it('preferences merge partial updates, validate time zones, and an in-app switch-off keeps the inbox clear', async () => {
    const defaults = await fx.viewer.get('/notifications/preferences');
    expect(defaults.body).toMatchObject({ quiet_hours: null, email_delivery: 'immediate', channels: { mention: { in_app: true, email: true, push: true } } });
    expect(defaults.body.channels.comment_on_followed).toEqual({ in_app: true, email: false, push: false });

    const bad = await fx.editor.put('/notifications/preferences', { quiet_hours: { start: '22:00', end: '07:00', time_zone: 'Mars/Olympus' } });
    expect(bad.status).toBe(400);
    expect((await fx.editor.put('/notifications/preferences', { channels: { nonsense: { email: true } } })).status).toBe(400);

    const off = await fx.editor.put('/notifications/preferences', { channels: { mention: { in_app: false } } });
    expect(off.body.channels.mention).toEqual({ in_app: false, email: true, push: true });
    const again = await fx.editor.put('/notifications/preferences', { email_delivery: 'weekly' });
    expect(again.body.channels.mention.in_app).toBe(false);

    await mentionEditor('silent in the app');
    expect((await fx.editor.get('/notifications/unread-count')).body.unread_count).toBe(0);
    expect((await fx.editor.get('/notifications')).body.notifications.some((n: { body: string }) => n.body.includes('silent'))).toBe(false);
  });

  it('serves the VAPID key and keeps push subscriptions per browser endpoint', async () => {
    const key = await fx.viewer.get('/notifications/push-key');
    expect(key.body.public_key).toMatch(/^[A-Za-z0-9_-]{80,}$/);
    const endpoint = 'https://push.example/send/abc';
    const sub = {
      endpoint,
      keys: { p256dh: 'BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM', auth: 'tBHItJI5svbpez7KI4CCXg' },
    };
    expect((await fx.viewer.post('/notifications/push-subscriptions', sub)).status).toBe(201);
    expect((await fx.editor.post('/notifications/push-subscriptions', sub)).status).toBe(201);
    const rows = await server.tandem.ctx.db.query<{ user_id: string }>('SELECT user_id FROM push_subscriptions WHERE endpoint = $1', [endpoint]);
    expect(rows).toEqual([{ user_id: idOf(fx.editor) }]);
    expect((await fx.editor.request('DELETE', '/notifications/push-subscriptions', { endpoint })).status).toBe(204);
    expect(await server.tandem.ctx.db.query('SELECT 1 FROM push_subscriptions WHERE endpoint = $1', [endpoint])).toHaveLength(0);
  });
});
