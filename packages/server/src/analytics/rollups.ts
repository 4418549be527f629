import type { Database } from '../db/database.ts';
import { SqlParams } from '../db/sql-params.ts';
import { rawDayRowsSql } from './day-rows.ts';
import { SESSION_IDLE_MS } from './session-tracker.ts';

const DAY_MS = 86_400_000;

/** A day is rolled up this long after it ends (UTC midnight): page views of its last minutes arrive through batched writes. */
export const ROLLUP_DELAY_MS = 3_600_000;
/** A day whose sessions are still active is rolled up anyway this long after it ends (a session that never pauses). */
export const ROLLUP_MAX_WAIT_MS = DAY_MS;
/** How often the rollup job looks for days to roll up. */
export const ROLLUP_EVERY_MS = 10 * 60_000;
/** Days one run of the job rolls up per site at most, so a backlog is worked off in bounded steps. */
export const ROLLUP_DAYS_PER_RUN = 62;

/** `YYYY-MM-DD` of the UTC day `at` falls in. */
export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** Midnight UTC starting `day` (`YYYY-MM-DD`). */
export function dayStart(day: string): Date {
  return new Date(`${day}T00:00:00.000Z`);
}

/** The day after `day`. */
export function nextDay(day: string): string {
  return utcDay(new Date(dayStart(day).getTime() + DAY_MS));
}

/** `YYYY-MM-01` of the month holding `day`. */
export function monthOf(day: string): string {
  return `${day.slice(0, 7)}-01`;
}

/** The last day of the month holding `day`. */
export function lastDayOfMonth(day: string): string {
  const d = dayStart(day);
  return utcDay(new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)));
}

/**
 * Rolls complete UTC days of raw analytics rows into `analytics_rollups` (see rollup-migrations.ts
 * for the shape, day-rows.ts for what each figure counts). Each site's days are rolled in order,
 * without gaps, from its first raw row (or its creation) on; a day is rolled once it is over by
 * {@link ROLLUP_DELAY_MS} and none of its sessions was active in the last {@link SESSION_IDLE_MS}
 * (or {@link ROLLUP_MAX_WAIT_MS} after it ended, whatever its sessions do). Rolling one day is one
 * transaction that replaces that day's rows and marks it rolled, so a run that stops half-way, or
 * runs twice, leaves no day half counted.
 */
export class AnalyticsRollups {
  constructor(private readonly db: Database) {}

  /** Rolls up every day that is due at `now`, at most `maxDaysPerSite` per site; returns how many days it rolled. */
  async rollUpDue(now: Date, maxDaysPerSite = ROLLUP_DAYS_PER_RUN): Promise<number> {
    const sites = await this.db.query<{ id: string; created_at: Date }>('SELECT id, created_at FROM analytics_sites ORDER BY id');
    let rolled = 0;
    for (const site of sites) rolled += await this.rollUpSite(site.id, site.created_at, now, maxDaysPerSite);
    return rolled;
  }

  /** Rolls up the due days of one site (see {@link rollUpDue}). */
  async rollUpSite(siteId: string, createdAt: Date, now: Date, maxDays = ROLLUP_DAYS_PER_RUN): Promise<number> {
    const lastDue = utcDay(new Date(now.getTime() - ROLLUP_DELAY_MS - DAY_MS));
    let day = await this.#firstUnrolledDay(siteId, createdAt);
    let rolled = 0;
    while (day <= lastDue && rolled < maxDays) {
      const endsAt = dayStart(nextDay(day)).getTime();
      if (now.getTime() < endsAt + ROLLUP_MAX_WAIT_MS && (await this.#hasActiveSession(siteId, day, now))) break;
      await this.rollUpDay(siteId, day);
      rolled++;
      day = nextDay(day);
    }
    return rolled;
  }

  /** Computes and stores one day's rollup rows, replacing any it had, and marks the day rolled. */
  async rollUpDay(siteId: string, day: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const params = new SqlParams();
      const site = params.add(siteId);
      const rows = rawDayRowsSql(site, [{ from: dayStart(day), to: dayStart(nextDay(day)) }], {}, params);
      await tx.query('DELETE FROM analytics_rollups WHERE site_id = $1 AND day = $2::date', [siteId, day]);
      await tx.query(
        `INSERT INTO analytics_rollups (site_id, day, dimension, value, visitors, sessions, pageviews, bounces, duration_ms, count)
         SELECT ${site}, r.day, r.dimension, r.value, r.visitors, r.sessions, r.pageviews, r.bounces, r.duration_ms, r.count FROM (${rows}) r`,
        params.values,
      );
      await tx.query(
        `INSERT INTO analytics_rollup_days (site_id, day) VALUES ($1, $2::date)
         ON CONFLICT (site_id, day) DO UPDATE SET rolled_at = now()`,
        [siteId, day],
      );
      // The month's sums, once its last day is rolled up (again when one of its days is rolled up anew).
      const month = monthOf(day);
      const lastDay = lastDayOfMonth(day);
      const [done] = await tx.query('SELECT 1 FROM analytics_rollup_days WHERE site_id = $1 AND day = $2::date', [siteId, lastDay]);
      if (!done) return;
      await tx.query('DELETE FROM analytics_rollup_months WHERE site_id = $1 AND month = $2::date', [siteId, month]);
      await tx.query(
        `INSERT INTO analytics_rollup_months (site_id, month, dimension, value, visitors, sessions, pageviews, bounces, duration_ms, count)
         SELECT site_id, $2::date, dimension, value, sum(visitors), sum(sessions), sum(pageviews), sum(bounces), sum(duration_ms), sum(count)
         FROM analytics_rollups
         WHERE site_id = $1 AND day >= $2::date AND day <= $3::date AND dimension <> '_hour'
         GROUP BY site_id, dimension, value`,
        [siteId, month, lastDay],
      );
    });
  }

  /** The rolled days of a site in `[fromDay, toDay)`, in order. */
  async rolledDays(siteId: string, fromDay: string, toDay: string): Promise<string[]> {
    const rows = await this.db.query<{ day: string }>(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day FROM analytics_rollup_days WHERE site_id = $1 AND day >= $2::date AND day < $3::date ORDER BY day`,
      [siteId, fromDay, toDay],
    );
    return rows.map((r) => r.day);
  }

  /** The day after the last rolled one; without any, the day of the site's first raw row (or of its creation, if earlier). */
  async #firstUnrolledDay(siteId: string, createdAt: Date): Promise<string> {
    const [row] = await this.db.query<{ last: string | null; first: Date | null }>(
      `SELECT (SELECT to_char(max(day), 'YYYY-MM-DD') FROM analytics_rollup_days WHERE site_id = $1) AS last,
              LEAST((SELECT min(started_at) FROM analytics_sessions WHERE site_id = $1),
                    (SELECT min(at) FROM analytics_pageviews WHERE site_id = $1),
                    (SELECT min(at) FROM analytics_events WHERE site_id = $1)) AS first`,
      [siteId],
    );
    if (row?.last) return nextDay(row.last);
    const first = row?.first && row.first < createdAt ? row.first : createdAt;
    return utcDay(first);
  }

  async #hasActiveSession(siteId: string, day: string, now: Date): Promise<boolean> {
    const rows = await this.db.query(
      `SELECT 1 FROM analytics_sessions
       WHERE site_id = $1 AND started_at >= $2 AND started_at < $3 AND last_seen_at > $4 LIMIT 1`,
      [siteId, dayStart(day), dayStart(nextDay(day)), new Date(now.getTime() - SESSION_IDLE_MS)],
    );
    return rows.length > 0;
  }
}
