import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Mailer, MailMessage } from '../../src/notifications/mailer.ts';
import { NotificationDelivery } from '../../src/notifications/notification-delivery.ts';
import type { PushMessage, PushSender } from '../../src/notifications/push-sender.ts';
import type { TestServer } from '../support/server.ts';
import { type CollabFixture, idOf, startCollabServer } from './collab-fixture.ts';
import { browserKeys } from './push-endpoint.ts';

/** No channel a person reads may show the markup a mention is written in. */
const MARKUP = /@\[[^\]]*\]\(/;

describe('mentions read "@Name" in every channel, never as their markup', () => {
  let server: TestServer;
  let fx: CollabFixture;
  const mails: MailMessage[] = [];
  const pushes: PushMessage[] = [];
  let delivery: NotificationDelivery;
  let clock = new Date(Date.now() + 86_400_000);
  const later = () => {
    clock = new Date(clock.getTime() + 86_400_000 * 8);
    return clock;
  };

  beforeAll(async () => {
    ({ server, fx } = await startCollabServer('pglite'));
    const mailer: Mailer = { send: async (m) => void mails.push(m), close: () => {} };
    const send = async (_sub: unknown, m: PushMessage) => {
      pushes.push(m);
      return 'sent' as const;
    };
    const push = { send } as unknown as PushSender;
    delivery = new NotificationDelivery(server.tandem.ctx.db, mailer, push, pino({ level: 'silent' }), () => 'https://tandem.test');
    await fx.editor.post('/notifications/push-subscriptions', { endpoint: 'https://push.test/editor', keys: browserKeys(), expirationTime: null });
  });
  afterAll(async () => {
    await server?.close();
  });

  const comment = (author = fx.commenter, body = `Can you check this, @[Eddie](${idOf(fx.editor)})? **Thanks** <b>x</b>`) =>
    author.post(`/records/${fx.recordId}/comments`, { body });

  it('the inbox, the activity entry and the comment itself show "@Eddie Editor"', async () => {
    const res = await comment();
    expect(res.status).toBe(201);
    expect(res.body.body_html).toContain(`<span class="mention" data-user-id="${idOf(fx.editor)}">@Eddie Editor</span>`);
    const inbox = (await fx.editor.get('/notifications')).body.notifications as { comment_id: string; title: string; body: string }[];
    const mine = inbox.find((n) => n.comment_id === res.body.id);
    expect(mine).toMatchObject({ title: 'Cora Commenter mentioned you', body: 'Can you check this, @Eddie Editor? Thanks x' });
    const activity = (await fx.owner.get(`/records/${fx.recordId}/activity?type=comments`)).body.activity as {
      entity_id: string;
      meta: { excerpt?: string };
    }[];
    expect(activity.find((a) => a.entity_id === res.body.id)?.meta.excerpt).toBe('Can you check this, @Eddie Editor? Thanks x');
  });

  it('the immediate email has a plain and an HTML part with the name, and the push message the plain text', async () => {
    mails.length = 0;
    pushes.length = 0;
    await comment(fx.commenter, `Shift handover for @[x](${idOf(fx.editor)}) & <team>`);
    await delivery.deliverDue(later());
    const mail = mails.find((m) => m.text.includes('Shift handover'));
    expect(mail?.subject).toBe('Cora Commenter mentioned you');
    expect(mail?.text).toContain('Shift handover for @Eddie Editor &');
    expect(mail?.text).not.toMatch(MARKUP);
    expect(mail?.html).toContain('Shift handover for <span style=');
    expect(mail?.html).toContain('>@Eddie Editor</span> &amp;');
    expect(mail?.html).not.toMatch(MARKUP);
    expect(mail?.html).not.toContain('<team>');
    const message = pushes.find((p) => p.body.includes('Shift handover'));
    expect(message?.body).toBe('Shift handover for @Eddie Editor &');
  });

  it('a digest lists the mentions by name in its plain and its HTML part', async () => {
    mails.length = 0;
    await fx.viewer.put('/notifications/preferences', { email_delivery: 'daily', channels: { mention: { email: true } } });
    await comment(fx.editor, `Digest note for @[v](${idOf(fx.viewer)}) about @[o](${idOf(fx.owner)})`);
    await delivery.deliverDue(later());
    await delivery.sendDigests(later());
    const digest = mails.find((m) => m.to === fx.viewer.user?.email && m.subject.startsWith('Tandem digest'));
    expect(digest?.text).toContain('Digest note for @Vic Viewer about @Olivia Owner');
    expect(digest?.html).toContain('>@Vic Viewer</span> about <span');
    expect(digest?.html).toContain('>@Olivia Owner</span>');
    expect(`${digest?.text}${digest?.html}`).not.toMatch(MARKUP);
  });
});
