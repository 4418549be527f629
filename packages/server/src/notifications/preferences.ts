import { type Channel, NOTIFICATION_TYPES, type NotificationType } from '@tandem/protocol';
import { z } from 'zod';
import type { Queryable } from '../db/database.ts';

/** How email reaches a user: each notification at once, or collected into a digest. */
export const EMAIL_DELIVERY = ['immediate', 'hourly', 'daily', 'weekly'] as const;
/** An email delivery mode. */
export type EmailDelivery = (typeof EMAIL_DELIVERY)[number];

/** Length of each digest period. */
export const DIGEST_PERIOD_MS: Readonly<Record<Exclude<EmailDelivery, 'immediate'>, number>> = {
  hourly: 3600_000,
  daily: 24 * 3600_000,
  weekly: 7 * 24 * 3600_000,
};

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

/** Quiet hours: email and push wait until `end` (local time in `time_zone`); in-app is still stored. */
export const quietHoursSchema = z
  .object({
    start: z.string().regex(HHMM, 'must be HH:MM'),
    end: z.string().regex(HHMM, 'must be HH:MM'),
    time_zone: z.string().refine(isTimeZone, 'must be an IANA time zone such as Europe/Berlin'),
  })
  .refine((q) => q.start !== q.end, 'start and end must differ');
/** Quiet hours of one user. */
export type QuietHours = z.infer<typeof quietHoursSchema>;

/** A user's resolved preferences (defaults filled in). */
export interface Preferences {
  readonly channels: Record<NotificationType, Record<Channel, boolean>>;
  readonly quiet_hours: QuietHours | null;
  readonly email_delivery: EmailDelivery;
}

const channelPatch = z.object({ in_app: z.boolean(), email: z.boolean(), push: z.boolean() }).partial().strict();

/** Body of `PUT /notifications/preferences`; every part is optional and merged into what is stored. */
export const preferencesPatchSchema = z
  .object({
    channels: z.partialRecord(z.enum(NOTIFICATION_TYPES), channelPatch),
    quiet_hours: quietHoursSchema.nullable(),
    email_delivery: z.enum(EMAIL_DELIVERY),
  })
  .partial()
  .strict();
/** A preferences update. */
export type PreferencesPatch = z.infer<typeof preferencesPatchSchema>;

/**
 * Defaults: everything in-app; email and push for everything addressed to you personally, but
 * not for every comment on records you follow (that would be noise).
 */
export function defaultChannels(): Record<NotificationType, Record<Channel, boolean>> {
  const out = {} as Record<NotificationType, Record<Channel, boolean>>;
  for (const type of NOTIFICATION_TYPES) {
    const personal = type !== 'comment_on_followed';
    out[type] = { in_app: true, email: personal, push: personal };
  }
  return out;
}

interface PreferencesRow {
  user_id: string;
  channels: Partial<Record<NotificationType, Partial<Record<Channel, boolean>>>>;
  quiet_hours: QuietHours | null;
  email_delivery: EmailDelivery;
}

function resolve(row: PreferencesRow | undefined): Preferences {
  const channels = defaultChannels();
  for (const type of NOTIFICATION_TYPES) Object.assign(channels[type], row?.channels[type] ?? {});
  return { channels, quiet_hours: row?.quiet_hours ?? null, email_delivery: row?.email_delivery ?? 'immediate' };
}

/** Preferences of several users at once, defaults filled in. */
export async function loadPreferences(db: Queryable, userIds: readonly string[]): Promise<Map<string, Preferences>> {
  const rows = userIds.length
    ? await db.query<PreferencesRow>('SELECT user_id, channels, quiet_hours, email_delivery FROM notification_preferences WHERE user_id = ANY($1::uuid[])', [
        userIds,
      ])
    : [];
  const byUser = new Map(rows.map((r) => [r.user_id, r]));
  return new Map(userIds.map((id) => [id, resolve(byUser.get(id))]));
}

/**
 * Merges a patch into a user's stored preferences. Switching to a digest starts its first period
 * now, so the first digest comes one period later rather than at once.
 */
export async function updatePreferences(db: Queryable, userId: string, patch: PreferencesPatch, now: Date): Promise<Preferences> {
  const [current] = await db.query<PreferencesRow>('SELECT user_id, channels, quiet_hours, email_delivery FROM notification_preferences WHERE user_id = $1', [
    userId,
  ]);
  const channels = { ...(current?.channels ?? {}) };
  for (const [type, change] of Object.entries(patch.channels ?? {}) as [NotificationType, Partial<Record<Channel, boolean>>][]) {
    channels[type] = { ...(channels[type] ?? {}), ...change };
  }
  const quiet = patch.quiet_hours === undefined ? (current?.quiet_hours ?? null) : patch.quiet_hours;
  const delivery = patch.email_delivery ?? current?.email_delivery ?? 'immediate';
  const startsDigest = delivery !== 'immediate' && delivery !== (current?.email_delivery ?? 'immediate');
  await db.query(
    `INSERT INTO notification_preferences (user_id, channels, quiet_hours, email_delivery, last_digest_at, updated_at)
     VALUES ($1, $2::jsonb, $3::jsonb, $4, $5, now())
     ON CONFLICT (user_id) DO UPDATE SET channels = EXCLUDED.channels, quiet_hours = EXCLUDED.quiet_hours,
       email_delivery = EXCLUDED.email_delivery, updated_at = now(),
       last_digest_at = CASE WHEN $6 THEN EXCLUDED.last_digest_at ELSE notification_preferences.last_digest_at END`,
    [userId, JSON.stringify(channels), quiet ? JSON.stringify(quiet) : null, delivery, now, startsDigest],
  );
  return resolve({ user_id: userId, channels, quiet_hours: quiet, email_delivery: delivery });
}

/** True when `tz` is an IANA time zone this runtime knows. */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/** Minutes since local midnight of `now` in `tz`. */
function localMinutes(now: Date, tz: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: tz, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(now);
  const h = Number(parts.find((p) => p.type === 'hour')?.value ?? 0);
  const m = Number(parts.find((p) => p.type === 'minute')?.value ?? 0);
  return h * 60 + m;
}

/**
 * When quiet hours hold email and push at `now`, the instant they end; otherwise null.
 * Quiet hours may wrap midnight (22:00–07:00).
 */
export function quietUntil(quiet: QuietHours | null, now: Date): Date | null {
  if (!quiet) return null;
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  const local = localMinutes(now, quiet.time_zone);
  const inside = start < end ? local >= start && local < end : local >= start || local < end;
  if (!inside) return null;
  const wait = (end - local + 1440) % 1440;
  const until = new Date(now.getTime() + wait * 60_000);
  until.setUTCSeconds(0, 0);
  return until;
}
