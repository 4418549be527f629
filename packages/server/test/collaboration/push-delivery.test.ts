import { createPublicKey, verify } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../support/each-database.ts';
import type { ApiClient } from '../support/http-client.ts';
import type { TestServer } from '../support/server.ts';
import { type CollabFixture, idOf, startCollabServer } from './collab-fixture.ts';
import { browserKeys, type PushEndpoint, startPushEndpoint } from './push-endpoint.ts';

interface DeliveryRow {
  status: string;
  attempts: number;
  last_error: string | null;
}

/** Midnight UTC two days from now: the jobs' clock only moves forward from here. */
const BASE = new Date(Math.ceil(Date.now() / 86_400_000) * 86_400_000 + 86_400_000);
/** Longer than the delivery job's 5 s period, shorter than the first retry's 60 s back-off. */
const NEXT_RUN = 10_000;

describeEachDatabase('Web Push delivery through the outbox', (db) => {
  let push: PushEndpoint;
  let server: TestServer;
  let fx: CollabFixture;
  let clock = BASE;

  /** Moves the jobs' clock forward by `ms` and runs whatever is due then. */
  const runJobsAfter = (ms: number) => {
    clock = new Date(clock.getTime() + ms);
    const when = clock;
    server.tandem.ctx.jobs.clock = () => when;
    return server.tandem.ctx.jobs.tick();
  };
  /** A comment by the commenter that mentions `target`; returns the target's notification id. */
  const mention = async (target: ApiClient, text: string): Promise<string> => {
    const comment = await fx.commenter.post(`/records/${fx.recordId}/comments`, { body: `${text} @[x](${idOf(target)})` });
    expect(comment.status).toBe(201);
    const [row] = await server.tandem.ctx.db.query<{ id: string }>('SELECT id FROM notifications WHERE user_id = $1 AND comment_id = $2', [
      idOf(target),
      comment.body.id,
    ]);
    if (!row) throw new Error('no notification for the mention');
    return row.id;
  };
  const pushDelivery = async (notificationId: string): Promise<DeliveryRow | undefined> => {
    const [row] = await server.tandem.ctx.db.query<DeliveryRow>(
      `SELECT status, attempts, last_error FROM notification_deliveries WHERE notification_id = $1 AND channel = 'push'`,
      [notificationId],
    );
    return row;
  };
  const subscribe = async (client: ApiClient, name: string) => {
    const res = await client.post('/notifications/push-subscriptions', { endpoint: push.url(name), keys: browserKeys(), expirationTime: null });
    expect(res.status).toBe(201);
  };
  const subscriptionExists = async (name: string) =>
    (await server.tandem.ctx.db.query('SELECT 1 FROM push_subscriptions WHERE endpoint = $1', [push.url(name)])).length === 1;

  beforeAll(async () => {
    push = await startPushEndpoint();
    ({ server, fx } = await startCollabServer(db, { create: { push: { agent: push.agent, timeoutMs: 2_000 } } }));
  });
  afterAll(async () => {
    await server?.close();
    await push?.close();
  });

  it('a notification reaches the push service as an aes128gcm message signed with the VAPID key, once', async () => {
    await subscribe(fx.editor, 'editor-laptop');
    const publicKey: string = (await fx.editor.get('/notifications/push-key')).body.public_key;
    const id = await mention(fx.editor, 'Valve 7 is leaking');

    await runJobsAfter(NEXT_RUN);
    const [request] = push.to('editor-laptop');
    expect(push.to('editor-laptop')).toHaveLength(1);
    if (!request) throw new Error('nothing arrived');
    expect(request.headers['content-encoding']).toBe('aes128gcm');
    expect(request.headers['content-type']).toBe('application/octet-stream');
    expect(request.headers.ttl).toBe('86400');
    // aes128gcm header (RFC 8188): 16-byte salt, record size, then the sender's P-256 key as key id.
    expect(request.body.length).toBeGreaterThan(86 + 16);
    expect(request.body.readUInt32BE(16)).toBe(4096);
    expect(request.body[20]).toBe(65);
    expect(request.body[21]).toBe(0x04);
    // The plaintext is not in the body.
    expect(request.body.includes(Buffer.from('Valve 7'))).toBe(false);

    // VAPID (RFC 8292): a JWT for this push service's origin, signed by the key browsers subscribed with.
    const auth = /^vapid t=([\w-]+)\.([\w-]+)\.([\w-]+), k=([\w-]+)$/.exec(String(request.headers.authorization));
    expect(auth).not.toBeNull();
    const [, header = '', claims = '', signature = '', k = ''] = auth ?? [];
    expect(k).toBe(publicKey);
    expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toEqual({ typ: 'JWT', alg: 'ES256' });
    const jwt = JSON.parse(Buffer.from(claims, 'base64url').toString()) as { aud: string; sub: string; exp: number };
    expect(jwt.aud).toBe(push.origin);
    expect(jwt.sub).toBe('mailto:tandem@localhost');
    expect(jwt.exp * 1000).toBeGreaterThan(Date.now());
    expect(jwt.exp * 1000).toBeLessThanOrEqual(Date.now() + 24 * 3600_000);
    const point = Buffer.from(k, 'base64url');
    const key = createPublicKey({
      key: { kty: 'EC', crv: 'P-256', x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33).toString('base64url') },
      format: 'jwk',
    });
    expect(verify('sha256', Buffer.from(`${header}.${claims}`), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(signature, 'base64url'))).toBe(true);

    expect(await pushDelivery(id)).toEqual({ status: 'sent', attempts: 1, last_error: null });
    expect(await subscriptionExists('editor-laptop')).toBe(true);

    await runJobsAfter(10 * 60_000);
    expect(push.to('editor-laptop')).toHaveLength(1);
  });

  it('subscriptions whose endpoint answers 410 or 404 are removed; the user’s other browsers keep theirs', async () => {
    await subscribe(fx.viewer, 'viewer-gone');
    await subscribe(fx.viewer, 'viewer-missing');
    await subscribe(fx.viewer, 'viewer-phone');
    push.answer('viewer-gone', 410);
    push.answer('viewer-missing', 404);

    const first = await mention(fx.viewer, 'Shift handover');
    await runJobsAfter(NEXT_RUN);
    expect(push.to('viewer-gone').map((r) => r.status)).toEqual([410]);
    expect(push.to('viewer-missing').map((r) => r.status)).toEqual([404]);
    expect(push.to('viewer-phone').map((r) => r.status)).toEqual([201]);
    expect(await subscriptionExists('viewer-gone')).toBe(false);
    expect(await subscriptionExists('viewer-missing')).toBe(false);
    expect(await subscriptionExists('viewer-phone')).toBe(true);
    expect(await pushDelivery(first)).toMatchObject({ status: 'sent' });

    // The removed endpoints get nothing more; when the last one goes too, nothing was delivered.
    push.answer('viewer-phone', 410);
    const second = await mention(fx.viewer, 'Second handover');
    await runJobsAfter(NEXT_RUN);
    expect(push.to('viewer-gone')).toHaveLength(1);
    expect(push.to('viewer-missing')).toHaveLength(1);
    expect(push.to('viewer-phone').map((r) => r.status)).toEqual([201, 410]);
    expect(await subscriptionExists('viewer-phone')).toBe(false);
    expect(await pushDelivery(second)).toMatchObject({ status: 'skipped' });
  });

  it('a push service answering 500 keeps the subscription; the outbox retries with back-off and gives up after five attempts', async () => {
    await subscribe(fx.owner, 'owner-desk');
    await subscribe(fx.owner, 'owner-tablet');
    push.answer('owner-desk', 500);

    const flaky = await mention(fx.owner, 'Torque check');
    await runJobsAfter(NEXT_RUN);
    // One failing browser does not keep the other one waiting.
    expect(push.to('owner-desk').map((r) => r.status)).toEqual([500]);
    expect(push.to('owner-tablet').map((r) => r.status)).toEqual([201]);
    expect(await pushDelivery(flaky)).toEqual({ status: 'pending', attempts: 1, last_error: 'push service answered 500' });
    expect(await subscriptionExists('owner-desk')).toBe(true);

    // The first retry waits 60 s.
    await runJobsAfter(40_000);
    expect(push.to('owner-desk')).toHaveLength(1);
    push.answer('owner-desk', 201);
    await runJobsAfter(25_000);
    expect(push.to('owner-desk').map((r) => r.status)).toEqual([500, 201]);
    expect(await pushDelivery(flaky)).toMatchObject({ status: 'sent', attempts: 2 });

    // A service that keeps failing: attempts after 60, 120, 240 and 480 s, then the delivery is failed.
    push.answer('owner-desk', 503);
    const desk = push.to('owner-desk').length;
    const doomed = await mention(fx.owner, 'Pressure test');
    await runJobsAfter(NEXT_RUN);
    const backOff = [60_000, 120_000, 240_000, 480_000];
    for (const [done, wait] of backOff.entries()) {
      await runJobsAfter(wait - NEXT_RUN);
      expect(push.to('owner-desk')).toHaveLength(desk + 1 + done);
      await runJobsAfter(NEXT_RUN);
    }
    expect(
      push
        .to('owner-desk')
        .slice(desk)
        .map((r) => r.status),
    ).toEqual([503, 503, 503, 503, 503]);
    expect(await pushDelivery(doomed)).toEqual({ status: 'failed', attempts: 5, last_error: 'push service answered 503' });
    await runJobsAfter(24 * 3600_000);
    expect(push.to('owner-desk')).toHaveLength(desk + 5);
    expect(await subscriptionExists('owner-desk')).toBe(true);
  });

  it('a push service that never answers fails the attempt instead of holding up the jobs', async () => {
    await subscribe(fx.commenter, 'commenter-silent');
    push.answer('commenter-silent', 0);
    const comment = await fx.editor.post(`/records/${fx.recordId}/comments`, { body: `Anyone? @[c](${idOf(fx.commenter)})` });
    const [row] = await server.tandem.ctx.db.query<{ id: string }>('SELECT id FROM notifications WHERE comment_id = $1', [comment.body.id]);

    await runJobsAfter(NEXT_RUN);
    expect(push.to('commenter-silent')).toHaveLength(1);
    expect(await pushDelivery(row?.id ?? '')).toMatchObject({ status: 'pending', attempts: 1, last_error: expect.stringMatching(/timeout/i) });
    expect(await subscriptionExists('commenter-silent')).toBe(true);
    push.answer('commenter-silent', 201);
  });

  it('switching push off for a type sends nothing of that type; other types still arrive', async () => {
    const prefs = await fx.editor.put('/notifications/preferences', { channels: { mention: { push: false } } });
    expect(prefs.body.channels.mention).toEqual({ in_app: true, email: true, push: false });
    const before = push.to('editor-laptop').length;

    const quiet = await mention(fx.editor, 'Not for the lock screen');
    await runJobsAfter(NEXT_RUN);
    await runJobsAfter(10 * 60_000);
    expect(push.to('editor-laptop')).toHaveLength(before);
    expect(await pushDelivery(quiet)).toBeUndefined();
    // The notification itself exists: only the channel is off.
    const inbox = await fx.editor.get('/notifications?unread=true');
    expect(inbox.body.notifications.map((n: { id: string }) => n.id)).toContain(quiet);

    // An approval request still pushes, even with a description far over one push record.
    const approval = await fx.owner.post('/approvals', {
      record_id: fx.recordId,
      title: 'Sign off the overhaul',
      description: 'Prüfung der Dichtungen. '.repeat(200).slice(0, 5000),
      assignee_ids: [idOf(fx.editor)],
    });
    expect(approval.status).toBe(201);
    await runJobsAfter(NEXT_RUN);
    const arrived = push.to('editor-laptop').slice(before);
    expect(arrived.map((r) => r.status)).toEqual([201]);
    expect(arrived[0]?.body.length).toBeLessThanOrEqual(4096);
  });

  it('subscriptions with keys that cannot encrypt are refused, and stored ones are dropped instead of retried', async () => {
    const bad = await fx.viewer.post('/notifications/push-subscriptions', { endpoint: push.url('viewer-bad'), keys: { p256dh: 'not-a-key', auth: 'short' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid_input');
    expect(await subscriptionExists('viewer-bad')).toBe(false);

    // A row written before keys were checked.
    await server.tandem.ctx.db.query(
      `INSERT INTO push_subscriptions (id, user_id, endpoint, p256dh, auth) VALUES (gen_random_uuid(), $1, $2, 'AAAA', 'BBBB')`,
      [idOf(fx.viewer), push.url('viewer-legacy')],
    );
    const id = await mention(fx.viewer, 'Old browser');
    await runJobsAfter(NEXT_RUN);
    expect(push.to('viewer-legacy')).toHaveLength(0);
    expect(await subscriptionExists('viewer-legacy')).toBe(false);
    expect(await pushDelivery(id)).toMatchObject({ status: 'skipped' });
  });
});
