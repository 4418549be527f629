import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertAdmins } from '../../src/notifications/admin-alerts.ts';
import type { TestServer } from '../support/server.ts';
import { type CollabFixture, idOf, startCollabServer } from './collab-fixture.ts';
import { type SmtpSink, startSmtpSink } from './smtp-sink.ts';

const HOUR = 3600_000;
/** Midnight UTC two days from now: the jobs' clock only moves forward from here. */
const BASE = new Date(Math.ceil(Date.now() / (24 * HOUR)) * 24 * HOUR + 24 * HOUR);
const at = (hours: number) => new Date(BASE.getTime() + hours * HOUR);

describe('email delivery through the outbox', () => {
  let smtp: SmtpSink;
  let server: TestServer;
  let fx: CollabFixture;
  /** Runs the due jobs as if it were `when`. */
  const runJobsAt = (when: Date) => {
    server.tandem.ctx.jobs.clock = () => when;
    return server.tandem.ctx.jobs.tick();
  };
  const mention = (text: string, target = fx.editor) => fx.commenter.post(`/records/${fx.recordId}/comments`, { body: `${text} @[x](${idOf(target)})` });

  beforeAll(async () => {
    smtp = await startSmtpSink();
    ({ server, fx } = await startCollabServer('pglite', { overrides: { smtpUrl: smtp.url, mailFrom: 'Tandem <tandem@test.example>' } }));
  });
  afterAll(async () => {
    await server?.close();
    await smtp?.close();
  });

  it('quiet hours hold an email until they end; urgent alerts go out at once', async () => {
    const email = fx.editor.user?.email ?? '';
    const prefs = await fx.editor.put('/notifications/preferences', { quiet_hours: { start: '22:00', end: '07:00', time_zone: 'Europe/Berlin' } });
    expect(prefs.status).toBe(200);
    expect(prefs.body.quiet_hours).toEqual({ start: '22:00', end: '07:00', time_zone: 'Europe/Berlin' });

    // 23:30 UTC is 00:30 or 01:30 in Berlin: quiet.
    await mention('Night shift question');
    await runJobsAt(at(23.5));
    expect(smtp.to(email)).toHaveLength(0);
    // Still quiet at 05:30 Berlin time (04:30 UTC at the latest).
    await runJobsAt(at(28.5));
    expect(smtp.to(email)).toHaveLength(0);

    // An urgent alert is not held.
    await server.tandem.ctx.db.transaction((tx) => alertAdmins(tx, server.tandem.ctx.events, { workspaceId: fx.workspaceId, title: 'Disk almost full' }));
    const ownerEmail = fx.owner.user?.email ?? '';
    await fx.owner.put('/notifications/preferences', { quiet_hours: { start: '00:00', end: '23:59', time_zone: 'UTC' } });
    await runJobsAt(at(28.6));
    expect(smtp.to(ownerEmail).some((m) => m.raw.includes('Disk almost full'))).toBe(true);

    // 07:30 Berlin is at most 06:30 UTC: released.
    await runJobsAt(at(30.5));
    const mails = smtp.to(email);
    expect(mails).toHaveLength(1);
    expect(mails[0]?.raw).toContain('Subject: Cora Commenter mentioned you');
    expect(mails[0]?.raw).toContain('Night shift question');
    expect(mails[0]?.text).toContain(`/w/${fx.workspaceId}/t/${fx.table.id}?record=${fx.recordId}`);

    // Sent once, not again on the next run.
    await runJobsAt(at(31));
    expect(smtp.to(email)).toHaveLength(1);
  });

  it('a daily digest reaches a real SMTP server once and holds only what is still unread', async () => {
    const email = fx.viewer.user?.email ?? '';
    await fx.viewer.post(`/records/${fx.recordId}/follow`);
    await runJobsAt(at(40));
    server.tandem.ctx.jobs.clock = () => at(40);
    const prefs = await fx.viewer.put('/notifications/preferences', {
      email_delivery: 'daily',
      channels: { comment_on_followed: { email: true }, mention: { email: true } },
    });
    expect(prefs.body).toMatchObject({ email_delivery: 'daily', channels: { comment_on_followed: { in_app: true, email: true, push: false } } });

    const first = await fx.editor.post(`/records/${fx.recordId}/comments`, { body: 'Digest item one' });
    await fx.editor.post(`/records/${fx.recordId}/comments`, { body: 'Digest item two (read)' });
    await mention('Digest item three', fx.viewer);
    expect(first.status).toBe(201);
    const inbox = (await fx.viewer.get('/notifications?unread=true')).body.notifications as { id: string; body: string }[];
    const read = inbox.find((n) => n.body.includes('item two'));
    expect(read).toBeDefined();
    expect((await fx.viewer.post(`/notifications/${read?.id}/read`)).body.unread_count).toBe(inbox.length - 1);

    // Nothing goes out immediately, and nothing before the day is over.
    await runJobsAt(at(41));
    expect(smtp.to(email)).toHaveLength(0);

    await runJobsAt(at(64.5));
    const digests = smtp.to(email);
    expect(digests).toHaveLength(1);
    expect(digests[0]?.raw).toContain('Subject: Tandem digest: 2 unread notifications');
    expect(digests[0]?.raw).toContain('Digest item one');
    expect(digests[0]?.raw).toContain('Digest item three');
    expect(digests[0]?.raw).not.toContain('item two');

    await runJobsAt(at(90));
    expect(smtp.to(email)).toHaveLength(1);
  });

  it('turning a channel off keeps that kind of notification out of it', async () => {
    const email = fx.owner.user?.email ?? '';
    await fx.owner.put('/notifications/preferences', { quiet_hours: null, channels: { mention: { email: false } } });
    const before = smtp.to(email).length;
    await mention('no mail for this', fx.owner);
    await runJobsAt(at(100));
    expect(smtp.to(email)).toHaveLength(before);
    expect((await fx.owner.get('/notifications?unread=true')).body.notifications.some((n: { body: string }) => n.body.includes('no mail for this'))).toBe(true);
  });
  it('a critical threshold alert is mailed at once with a link to its alert on the operations page', async () => {
    const email = fx.owner.user?.email ?? '';
    await fx.owner.put('/notifications/preferences', { quiet_hours: null });
    const rule = await fx.owner.post('/alerts/rules', {
      workspace_id: fx.workspaceId,
      name: 'Memory in use',
      kind: 'threshold',
      severity: 'critical',
      recipients: { user_ids: [], roles: ['owner'] },
      condition: { metric: 'rss_mb', comparison: 'gt', threshold: 1, for_seconds: 0 },
    });
    expect(rule.status).toBe(201);
    // The node samples itself once a second; judge the rule once a sample exists.
    let alertId: string | undefined;
    for (let i = 0; i < 50 && !alertId; i++) {
      await server.tandem.operations.evaluate(new Date());
      const alerts = (await fx.owner.get(`/alerts?workspace_id=${fx.workspaceId}`)).body.alerts as { id: string; rule_id: string }[];
      alertId = alerts.find((a) => a.rule_id === rule.body.id)?.id;
      if (!alertId) await new Promise((r) => setTimeout(r, 100));
    }
    expect(alertId).toBeTruthy();
    await runJobsAt(at(110));
    const mail = smtp.to(email).find((m) => m.raw.includes('Memory in use'));
    expect(mail?.text).toContain(`/w/${fx.workspaceId}/operations?alert=${alertId}`);
  });
});

describe('email without SMTP', () => {
  it('is written as an .eml file to DATA_DIR/mail', async () => {
    const { server, fx } = await startCollabServer('pglite');
    try {
      await fx.commenter.post(`/records/${fx.recordId}/comments`, { body: `File me @[x](${idOf(fx.editor)})` });
      await server.tandem.ctx.jobs.tick();
      const dir = join(server.dataDir, 'mail');
      const files = (await readdir(dir)).filter((f) => f.endsWith('.eml'));
      expect(files).toHaveLength(1);
      const text = await readFile(join(dir, files[0] ?? ''), 'utf8');
      expect(text).toContain(`To: ${fx.editor.user?.email}`);
      expect(text).toContain('File me');
    } finally {
      await server.close();
    }
  });
});
