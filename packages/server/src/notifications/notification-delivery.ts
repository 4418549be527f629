import { type NotificationTarget, notificationPath } from '@tandem/protocol';
import type { Logger } from 'pino';
import type { Database } from '../db/database.ts';
import type { Mailer } from './mailer.ts';
import { digestEmail, notificationEmail } from './notification-email.ts';
import { DIGEST_PERIOD_MS, type EmailDelivery, type QuietHours, quietUntil } from './preferences.ts';
import type { PushSender } from './push-sender.ts';

/** How long a claimed delivery is reserved before another run may retry it. */
const LEASE_MS = 5 * 60_000;
/** Attempts before a delivery is given up as failed. */
const MAX_ATTEMPTS = 5;
const BATCH = 100;

/** The columns `notificationPath` needs: email and push link to the page the in-app notification opens. */
const TARGET_COLUMNS = 'n.workspace_id, n.table_id, n.record_id, n.chat_room_id, n.chat_message_id, n.alert_id';

/**
 * The current names of the members the notification's comment or chat message mentions, so the
 * HTML email can mark "@Name" in the plain body the way the app shows a mention.
 */
const MENTION_NAMES = `coalesce((SELECT array_agg(mu.name) FROM users mu WHERE mu.id::text IN (
    SELECT jsonb_array_elements_text(mc.mentions) FROM comments mc WHERE mc.id = n.comment_id
    UNION ALL SELECT jsonb_array_elements_text(mm.mentions) FROM chat_messages mm WHERE mm.id = n.chat_message_id)), '{}') AS mention_names`;

interface DueRow extends NotificationTarget {
  id: string;
  channel: 'email' | 'push';
  attempts: number;
  user_id: string;
  email: string;
  notification_id: string;
  type: string;
  title: string;
  body: string;
  urgent: boolean;
  read_at: Date | null;
  quiet_hours: QuietHours | null;
  mention_names: string[];
}

interface DigestUser {
  user_id: string;
  email: string;
  name: string;
  email_delivery: EmailDelivery;
  last_digest_at: Date | null;
  quiet_hours: QuietHours | null;
}

interface DigestItem extends NotificationTarget {
  delivery_id: string;
  title: string;
  body: string;
  read_at: Date | null;
  mention_names: string[];
}

/**
 * Sends what the notification outbox holds: immediate email and push, digests, and clean-up.
 * Called by the job runner with its clock, outside any write transaction. Rules:
 * - quiet hours hold email and push (not urgent ones) until they end; held items stay pending;
 * - an email is never sent for a notification already read in the app (this is what keeps read
 *   items out of digests);
 * - push subscriptions the push service reports gone (404/410) are deleted.
 */
export class NotificationDelivery {
  constructor(
    private readonly db: Database,
    private readonly mailer: Mailer,
    private readonly push: PushSender | null,
    private readonly log: Logger,
    private readonly linkBase: () => string,
    /** Counts each email and push message sent or failed (`/metrics`, the operations dashboard). */
    private readonly counted: (channel: 'email' | 'push', outcome: 'sent' | 'failed') => void = () => {},
  ) {}

  /** Sends every due immediate email and push message. */
  async deliverDue(now: Date): Promise<number> {
    const due = await this.db.query<DueRow>(
      `WITH claimed AS (
         UPDATE notification_deliveries SET not_before = $2, attempts = attempts + 1
         WHERE id IN (SELECT id FROM notification_deliveries WHERE status = 'pending' AND channel IN ('email','push') AND not_before <= $1
                      ORDER BY created_at LIMIT ${BATCH} FOR UPDATE SKIP LOCKED)
         RETURNING id, channel, attempts, user_id, notification_id)
       SELECT c.id, c.channel, c.attempts, c.user_id, u.email, c.notification_id, n.type, n.title, n.body, ${TARGET_COLUMNS}, n.urgent, n.read_at, p.quiet_hours, ${MENTION_NAMES}
       FROM claimed c JOIN notifications n ON n.id = c.notification_id JOIN users u ON u.id = c.user_id
       LEFT JOIN notification_preferences p ON p.user_id = c.user_id`,
      [now, new Date(now.getTime() + LEASE_MS)],
    );
    let sent = 0;
    for (const item of due) {
      const heldUntil = item.urgent ? null : quietUntil(item.quiet_hours, now);
      if (heldUntil) {
        await this.db.query('UPDATE notification_deliveries SET not_before = $2, attempts = attempts - 1 WHERE id = $1', [item.id, heldUntil]);
        continue;
      }
      if (item.channel === 'email' && item.read_at) {
        await this.#finish(item.id, 'skipped', now);
        continue;
      }
      try {
        const delivered = item.channel === 'email' ? await this.#email(item) : await this.#push(item);
        await this.#finish(item.id, delivered ? 'sent' : 'skipped', now);
        if (delivered) {
          sent += 1;
          this.counted(item.channel, 'sent');
        }
      } catch (err) {
        this.counted(item.channel, 'failed');
        const message = err instanceof Error ? err.message : String(err);
        this.log.warn({ err, delivery: item.id, channel: item.channel }, 'notification delivery failed');
        const retryAt = new Date(now.getTime() + 2 ** item.attempts * 30_000);
        await this.db.query(
          `UPDATE notification_deliveries SET status = CASE WHEN attempts >= $4 THEN 'failed' ELSE 'pending' END, not_before = $2, last_error = $3 WHERE id = $1`,
          [item.id, retryAt, message, MAX_ATTEMPTS],
        );
      }
    }
    return sent;
  }

  /** Sends a digest to every user whose period is over; returns how many digests went out. */
  async sendDigests(now: Date): Promise<number> {
    const users = await this.db.query<DigestUser>(
      `SELECT u.id AS user_id, u.email, u.name, coalesce(p.email_delivery, 'immediate') AS email_delivery, p.last_digest_at, p.quiet_hours
       FROM users u LEFT JOIN notification_preferences p ON p.user_id = u.id
       WHERE EXISTS (SELECT 1 FROM notification_deliveries d WHERE d.user_id = u.id AND d.channel = 'email_digest' AND d.status = 'pending')`,
    );
    let digests = 0;
    for (const user of users) {
      // Back on immediate email: whatever was collected goes out now.
      const period = user.email_delivery === 'immediate' ? 0 : DIGEST_PERIOD_MS[user.email_delivery];
      if (user.last_digest_at && now.getTime() - user.last_digest_at.getTime() < period) continue;
      if (quietUntil(user.quiet_hours, now)) continue;
      if (await this.#digestFor(user, now, period)) digests += 1;
    }
    return digests;
  }

  /** Deletes read notifications older than `retentionDays` and finished deliveries older than that. */
  async cleanUp(now: Date, retentionDays: number): Promise<number> {
    const cutoff = new Date(now.getTime() - retentionDays * 24 * 3600_000);
    const rows = await this.db.query('DELETE FROM notifications WHERE read_at IS NOT NULL AND read_at < $1 RETURNING id', [cutoff]);
    await this.db.query(`DELETE FROM notification_deliveries WHERE status <> 'pending' AND created_at < $1`, [cutoff]);
    return rows.length;
  }

  async #digestFor(user: DigestUser, now: Date, period: number): Promise<boolean> {
    const items = await this.db.transaction(async (tx) => {
      // Claiming the period on the preferences row makes a digest go out once even when runs overlap.
      const claimed = await tx.query(
        `INSERT INTO notification_preferences (user_id, last_digest_at) VALUES ($1, $2)
         ON CONFLICT (user_id) DO UPDATE SET last_digest_at = $2
         WHERE notification_preferences.last_digest_at IS NULL OR notification_preferences.last_digest_at <= $3 RETURNING user_id`,
        [user.user_id, now, new Date(now.getTime() - period)],
      );
      if (claimed.length === 0) return [];
      const rows = await tx.query<DigestItem>(
        `SELECT d.id AS delivery_id, n.title, n.body, ${TARGET_COLUMNS}, n.read_at, ${MENTION_NAMES} FROM notification_deliveries d JOIN notifications n ON n.id = d.notification_id
         WHERE d.user_id = $1 AND d.channel = 'email_digest' AND d.status = 'pending' ORDER BY n.position FOR UPDATE OF d SKIP LOCKED`,
        [user.user_id],
      );
      for (const row of rows) {
        await tx.query('UPDATE notification_deliveries SET status = $2, sent_at = $3, attempts = attempts + 1 WHERE id = $1', [
          row.delivery_id,
          row.read_at ? 'skipped' : 'sent',
          now,
        ]);
      }
      return rows.filter((r) => !r.read_at);
    });
    if (items.length === 0) return false;
    try {
      const emailItems = items.map((i) => ({ title: i.title, body: i.body, link: this.#link(i) }));
      await this.mailer.send(
        digestEmail(
          user.email,
          user.name,
          emailItems,
          items.flatMap((i) => i.mention_names),
        ),
      );
      return true;
    } catch (err) {
      // Put the items back so the next run tries again.
      this.log.warn({ err, user: user.user_id }, 'digest email failed');
      for (const item of items) {
        await this.db.query(`UPDATE notification_deliveries SET status = 'pending', last_error = $2 WHERE id = $1`, [item.delivery_id, String(err)]);
      }
      await this.db.query('UPDATE notification_preferences SET last_digest_at = $2 WHERE user_id = $1', [user.user_id, user.last_digest_at]);
      return false;
    }
  }

  async #email(item: DueRow): Promise<boolean> {
    await this.mailer.send(notificationEmail(item.email, { title: item.title, body: item.body, link: this.#link(item) }, item.mention_names));
    return true;
  }

  /**
   * Tries every subscription of the user, so one broken browser does not keep the others waiting.
   * When any attempt failed the whole delivery is retried later; repeats carry the same
   * notification id, which a service worker can use as its notification tag to fold them.
   */
  async #push(item: DueRow): Promise<boolean> {
    if (!this.push) return false;
    const subs = await this.db.query<{ id: string; endpoint: string; p256dh: string; auth: string }>(
      'SELECT id, endpoint, p256dh, auth FROM push_subscriptions WHERE user_id = $1',
      [item.user_id],
    );
    const message = {
      id: item.notification_id,
      type: item.type,
      title: item.title,
      body: item.body,
      url: this.#link(item),
    };
    let delivered = false;
    let failure: unknown = null;
    for (const sub of subs) {
      try {
        const result = await this.push.send(sub, message);
        if (result === 'gone') await this.db.query('DELETE FROM push_subscriptions WHERE id = $1', [sub.id]);
        else delivered = true;
      } catch (err) {
        failure ??= err;
      }
    }
    if (failure) throw failure;
    return delivered;
  }

  #finish(id: string, status: 'sent' | 'skipped', now: Date): Promise<unknown> {
    return this.db.query('UPDATE notification_deliveries SET status = $2, sent_at = $3 WHERE id = $1', [id, status, now]);
  }

  /** The absolute web-app link of what a notification is about (see `notificationPath`). */
  #link(target: NotificationTarget): string {
    return `${this.linkBase()}${notificationPath(target)}`;
  }
}
