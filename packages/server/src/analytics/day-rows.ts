import type { AnalyticsFilters } from '@tandem/protocol';
import type { SqlParams } from '../db/sql-params.ts';

/**
 * The one definition of every analytics figure: SQL that turns raw sessions, page views and
 * events into rows of the rollup shape (day, dimension, value, visitors, sessions, pageviews,
 * bounces, duration_ms, count; see rollup-migrations.ts). The rollup job stores its output for a
 * whole day; a summary reads it for the parts of a range that are not rolled up (today, edge
 * hours, a filtered query) and adds it to stored rollups. Because both go through this SQL, a day
 * gives the same summary whether it is rolled up or not.
 *
 * What each dimension counts:
 * - `_total`: visitors (distinct visitor ids per day), sessions, bounces and duration of the
 *   sessions that started in the range; pageviews and (in `count`) events that happened in it.
 * - session dimensions (`source`, `utm_*`, `country`, `device`, `browser`, `os`, `entry_page`,
 *   `exit_page`): the sessions with that value; `pageviews` sums their page views, `count` is
 *   sessions (= entries for `entry_page`, exits for `exit_page`).
 * - `page`: the page's views in the range, their visitors, and in `sessions`/`count` the sessions
 *   that viewed it.
 * - `event`: the event's occurrences (`count`), the visitors and sessions that sent it, and the page
 *   views of those sessions.
 * - `_hour`: visitors and page views per hour of the day (visitors who viewed a page in that hour).
 * - `_prop`: occurrences of each value of each event property.
 */

/** Columns of analytics_sessions a filter matches directly. */
export const SESSION_FILTER_COLUMNS = {
  source: 'source',
  utm_source: 'utm_source',
  utm_medium: 'utm_medium',
  utm_campaign: 'utm_campaign',
  country: 'country',
  device: 'device',
  browser: 'browser',
  os: 'os',
  entry_page: 'entry_page',
  exit_page: 'exit_page',
} as const;

/** A half-open time range `[from, to)`. */
export interface TimeRange {
  readonly from: Date;
  readonly to: Date;
}

/** True when a query with these filters must look at sessions (any filter at all). */
export function hasFilters(filters: AnalyticsFilters): boolean {
  return Object.values(filters).some((v) => v !== undefined);
}

/**
 * The condition a session `alias` meets under `filters`: every session dimension equals its value,
 * `page` means the session viewed that page, `event` that it sent that event. `'true'` without filters.
 */
export function sessionFilterSql(alias: string, filters: AnalyticsFilters, params: SqlParams): string {
  const parts: string[] = [];
  for (const [dimension, column] of Object.entries(SESSION_FILTER_COLUMNS)) {
    const value = filters[dimension as keyof typeof SESSION_FILTER_COLUMNS];
    if (value !== undefined) parts.push(`${alias}.${column} = ${params.add(value)}`);
  }
  if (filters.page !== undefined) {
    parts.push(`EXISTS (SELECT 1 FROM analytics_pageviews fp WHERE fp.session_id = ${alias}.id AND fp.path = ${params.add(filters.page)})`);
  }
  if (filters.event !== undefined) {
    parts.push(`EXISTS (SELECT 1 FROM analytics_events fe WHERE fe.session_id = ${alias}.id AND fe.name = ${params.add(filters.event)})`);
  }
  return parts.length > 0 ? parts.join(' AND ') : 'true';
}

/** `column` lies in one of `ranges` (`false` for none), as index-friendly range conditions. */
export function inRangesSql(column: string, ranges: readonly TimeRange[], params: SqlParams): string {
  if (ranges.length === 0) return 'false';
  return `(${ranges.map((r) => `(${column} >= ${params.add(r.from)} AND ${column} < ${params.add(r.to)})`).join(' OR ')})`;
}

/** Which parts of the rows to compute (a previous-period comparison needs only the totals). */
export type DayRowParts = 'all' | 'totals';

/**
 * A SELECT yielding rollup-shaped rows (day, dimension, value, visitors, sessions, pageviews,
 * bounces, duration_ms, count), one per (day, dimension, value), computed from the raw rows of
 * site `siteParam` that fall in `ranges`, under `filters`.
 */
export function rawDayRowsSql(
  siteParam: string,
  ranges: readonly TimeRange[],
  filters: AnalyticsFilters,
  params: SqlParams,
  parts: DayRowParts = 'all',
): string {
  const filtered = hasFilters(filters);
  const sessionCondition = sessionFilterSql('s', filters, params);
  // Page views and events of a range belong to it even when their session started before it;
  // filters reach them through their session.
  const joinSession = filtered ? `JOIN analytics_sessions s ON s.id = x.session_id AND ${sessionCondition}` : '';
  const pageCondition = filters.page !== undefined ? `AND x.path = ${params.add(filters.page)}` : '';
  const eventCondition = filters.event !== undefined ? `AND x.name = ${params.add(filters.event)}` : '';
  const sessions = `SELECT s.id, s.visitor_id, (s.started_at AT TIME ZONE 'UTC')::date AS day, s.pageviews, s.events, s.source, s.utm_source, s.utm_medium, s.utm_campaign,
           s.country, s.device, s.browser, s.os, s.entry_page, s.exit_page,
           (s.pageviews = 1 AND s.events = 0) AS bounce,
           round(extract(epoch FROM s.last_seen_at - s.started_at) * 1000)::bigint AS duration_ms
    FROM analytics_sessions s
    WHERE s.site_id = ${siteParam} AND ${inRangesSql('s.started_at', ranges, params)} AND ${sessionCondition}`;
  const pageviews = `SELECT x.id, x.session_id, x.visitor_id, x.path, x.at, (x.at AT TIME ZONE 'UTC')::date AS day
    FROM analytics_pageviews x ${joinSession}
    WHERE x.site_id = ${siteParam} AND ${inRangesSql('x.at', ranges, params)} ${pageCondition}`;
  const events = `SELECT x.id, x.session_id, x.visitor_id, x.name, x.props, (x.at AT TIME ZONE 'UTC')::date AS day
    FROM analytics_events x ${joinSession}
    WHERE x.site_id = ${siteParam} AND ${inRangesSql('x.at', ranges, params)} ${eventCondition}`;

  const sessionDimensions =
    parts === 'all'
      ? `('_total', ''), ('source', ses.source), ('utm_source', ses.utm_source), ('utm_medium', ses.utm_medium),
         ('utm_campaign', ses.utm_campaign), ('country', ses.country), ('device', ses.device), ('browser', ses.browser),
         ('os', ses.os), ('entry_page', ses.entry_page), ('exit_page', ses.exit_page)`
      : `('_total', '')`;
  const pieces = [
    // For `_total`, page views and events are those of the range (counted below), not the sessions' counters.
    `SELECT ses.day, d.dimension, d.value, count(DISTINCT ses.visitor_id) AS visitors, count(*) AS sessions,
            CASE WHEN d.dimension = '_total' THEN 0 ELSE sum(ses.pageviews) END AS pageviews,
            count(*) FILTER (WHERE ses.bounce) AS bounces, sum(ses.duration_ms) AS duration_ms,
            CASE WHEN d.dimension = '_total' THEN 0 ELSE count(*) END AS count
     FROM ses CROSS JOIN LATERAL (VALUES ${sessionDimensions}) AS d(dimension, value)
     GROUP BY ses.day, d.dimension, d.value`,
    `SELECT day, '_total', '', 0, 0, count(*), 0, 0::bigint, 0 FROM pv GROUP BY day`,
    `SELECT day, '_total', '', 0, 0, 0, 0, 0::bigint, count(*) FROM ev GROUP BY day`,
  ];
  if (parts === 'all') {
    pieces.push(
      `SELECT day, 'page', path, count(DISTINCT visitor_id), count(DISTINCT session_id), count(*), 0, 0::bigint, count(DISTINCT session_id)
       FROM pv GROUP BY day, path`,
      `SELECT day, '_hour', to_char(at AT TIME ZONE 'UTC', 'HH24'), count(DISTINCT visitor_id), 0, count(*), 0, 0::bigint, 0
       FROM pv GROUP BY day, to_char(at AT TIME ZONE 'UTC', 'HH24')`,
      `SELECT e.day, 'event', e.name, count(DISTINCT e.visitor_id), count(*), coalesce(sum(s.pageviews), 0), 0, 0::bigint, sum(e.n)
       FROM (SELECT day, name, session_id, visitor_id, count(*) AS n FROM ev GROUP BY day, name, session_id, visitor_id) e
       LEFT JOIN analytics_sessions s ON s.id = e.session_id
       GROUP BY e.day, e.name`,
      `SELECT ev.day, '_prop', json_build_array(ev.name, p.key, p.value)::text, 0, 0, 0, 0, 0::bigint, count(*)
       FROM ev CROSS JOIN LATERAL jsonb_each_text(ev.props) AS p(key, value)
       GROUP BY ev.day, ev.name, p.key, p.value`,
    );
  }
  return `SELECT day, dimension, value, sum(visitors)::int AS visitors, sum(sessions)::int AS sessions, sum(pageviews)::int AS pageviews,
                 sum(bounces)::int AS bounces, sum(duration_ms)::bigint AS duration_ms, sum(count)::int AS count
    FROM (
      WITH ses AS (${sessions}), pv AS (${pageviews}), ev AS (${events})
      ${pieces.join('\n      UNION ALL\n      ')}
    ) AS r(day, dimension, value, visitors, sessions, pageviews, bounces, duration_ms, count)
    GROUP BY day, dimension, value`;
}
