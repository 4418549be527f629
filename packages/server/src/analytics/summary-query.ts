import {
  ANALYTICS_DIMENSIONS,
  type AnalyticsDimension,
  type AnalyticsFilters,
  type AnalyticsInterval,
  type AnalyticsPoint,
  type AnalyticsSummary,
  type AnalyticsTotals,
  type BreakdownRow,
  type EventPropertyRow,
} from '@tandem/protocol';
import type { Database } from '../db/database.ts';
import { SqlParams } from '../db/sql-params.ts';
import { errors } from '../errors/app-error.ts';
import { type DayRowParts, hasFilters, rawDayRowsSql, type TimeRange } from './day-rows.ts';
import { type AnalyticsRollups, dayStart, lastDayOfMonth, monthOf, nextDay, utcDay } from './rollups.ts';

const DAY_MS = 86_400_000;

/** Longest range a summary or funnel covers (three years). */
export const MAX_RANGE_DAYS = 3 * 366;
/** Longest range of an hourly series (a quarter: about 2,200 points). */
export const MAX_HOURLY_RANGE_DAYS = 93;
/** Custom events whose property values a summary lists (the most frequent ones). */
export const PROPERTY_EVENTS = 10;

/** A summary to compute. */
export interface SummaryRequest {
  readonly siteId: string;
  readonly from: Date;
  readonly to: Date;
  readonly interval: AnalyticsInterval;
  readonly filters: AnalyticsFilters;
  readonly compare: 'previous' | 'none';
  /** Rows per breakdown. */
  readonly limit: number;
}

/** Refuses a range that is empty, reversed or longer than {@link MAX_RANGE_DAYS} (and, hourly, {@link MAX_HOURLY_RANGE_DAYS}). */
export function checkRange(from: Date, to: Date, interval?: AnalyticsInterval): void {
  if (!(from < to)) throw errors.invalid('`from` must be before `to`.', { from: from.toISOString(), to: to.toISOString() });
  const days = (to.getTime() - from.getTime()) / DAY_MS;
  if (days > MAX_RANGE_DAYS) throw errors.invalid(`A range covers at most ${MAX_RANGE_DAYS} days.`, { days: Math.ceil(days) });
  if (interval === 'hour' && days > MAX_HOURLY_RANGE_DAYS) {
    throw errors.invalid(`An hourly series covers at most ${MAX_HOURLY_RANGE_DAYS} days; use interval=day or month.`, { days: Math.ceil(days) });
  }
}

/** Where the rows of a range come from: stored rollups for rolled whole days, raw rows for the rest. */
interface RowSources {
  /** Rolled days read from rollups (listed, so a day rolled up while the query runs is not counted twice). */
  readonly rolled: readonly string[];
  /** Months (`YYYY-MM-01`) wholly in the range with every day rolled up: their monthly sums stand for those days. */
  readonly months: readonly string[];
  /** Rolled days outside {@link months}. */
  readonly days: readonly string[];
  readonly raw: readonly TimeRange[];
}

/** Rows of one aggregated (dimension, value). */
interface AggregateRow {
  kind: 'breakdown' | 'series' | 'property';
  dimension: string;
  value: string;
  visitors: number;
  sessions: number;
  pageviews: number;
  bounces: number;
  duration_ms: number;
  count: number;
}

/**
 * Computes summaries: whole days that are rolled up are read from `analytics_rollups`; every
 * other part of the range (the current day, days not rolled yet, partial days at either end) from
 * raw rows through the same SQL that made the rollups, so the answer is the same either way. A
 * filtered summary reads raw rows only (rollups are per dimension and cannot combine filters);
 * it therefore covers the raw retention window (docs/analytics.md).
 */
export class SummaryQuery {
  constructor(
    private readonly db: Database,
    private readonly rollups: AnalyticsRollups,
  ) {}

  async summary(request: SummaryRequest): Promise<AnalyticsSummary> {
    checkRange(request.from, request.to, request.interval);
    const range = { from: request.from, to: request.to };
    const rows = await this.#aggregate(request.siteId, range, request.filters, 'all', request);
    let previous: AnalyticsTotals | null = null;
    if (request.compare === 'previous') {
      const length = request.to.getTime() - request.from.getTime();
      const before = { from: new Date(request.from.getTime() - length), to: request.from };
      previous = totalsOf(await this.#aggregate(request.siteId, before, request.filters, 'totals', request));
    }
    const breakdowns = Object.fromEntries(ANALYTICS_DIMENSIONS.map((d) => [d, [] as BreakdownRow[]])) as Record<AnalyticsDimension, BreakdownRow[]>;
    const seriesValues = new Map<string, { visitors: number; pageviews: number }>();
    const properties: EventPropertyRow[] = [];
    for (const row of rows) {
      if (row.kind === 'series') seriesValues.set(row.value, { visitors: row.visitors, pageviews: row.pageviews });
      else if (row.kind === 'property') {
        const [event, key, value] = JSON.parse(row.value) as [string, string, string];
        properties.push({ event, key, value, count: row.count });
      } else if (row.dimension !== '_total') {
        breakdowns[row.dimension as AnalyticsDimension]?.push({ value: row.value, visitors: row.visitors, pageviews: row.pageviews, count: row.count });
      }
    }
    return {
      site_id: request.siteId,
      from: request.from.toISOString(),
      to: request.to.toISOString(),
      interval: request.interval,
      filters: request.filters,
      totals: totalsOf(rows),
      previous,
      series: seriesOf(range, request.interval, seriesValues),
      breakdowns,
      event_properties: properties,
    };
  }

  /** Decides which days of `range` come from rollups and which from raw rows. */
  async #sources(siteId: string, range: TimeRange, filters: AnalyticsFilters): Promise<RowSources> {
    if (hasFilters(filters)) return { rolled: [], months: [], days: [], raw: [range] };
    const firstWhole = range.from.getTime() === dayStart(utcDay(range.from)).getTime() ? utcDay(range.from) : nextDay(utcDay(range.from));
    const endWhole = utcDay(range.to);
    const rolled = firstWhole < endWhole ? await this.rollups.rolledDays(siteId, firstWhole, endWhole) : [];
    if (rolled.length === 0) return { rolled, months: [], days: [], raw: [range] };
    const raw: TimeRange[] = [];
    let cursor = range.from;
    for (const day of rolled) {
      const start = dayStart(day);
      if (cursor < start) raw.push({ from: cursor, to: start });
      cursor = dayStart(nextDay(day));
    }
    if (cursor < range.to) raw.push({ from: cursor, to: range.to });
    const perMonth = new Map<string, string[]>();
    for (const day of rolled) perMonth.set(monthOf(day), [...(perMonth.get(monthOf(day)) ?? []), day]);
    const months: string[] = [];
    const days: string[] = [];
    for (const [month, inMonth] of perMonth) {
      if (inMonth.length === Number(lastDayOfMonth(month).slice(8))) months.push(month);
      else days.push(...inMonth);
    }
    return { rolled, months, days, raw: mergeRanges(raw) };
  }

  /** Runs one statement that yields the totals, breakdowns, series and event properties of `range`. */
  async #aggregate(siteId: string, range: TimeRange, filters: AnalyticsFilters, parts: DayRowParts, request: SummaryRequest): Promise<AggregateRow[]> {
    const sources = await this.#sources(siteId, range, filters);
    const params = new SqlParams();
    const site = params.add(siteId);
    const ctes: string[] = [];
    const branches: string[] = [];
    const seriesBranches: string[] = [];
    const columns = 'day, dimension, value, visitors, sessions, pageviews, bounces, duration_ms, count';
    if (sources.raw.length > 0) {
      ctes.push(`raw AS MATERIALIZED (${rawDayRowsSql(site, sources.raw, filters, params, parts)})`);
      branches.push(`SELECT ${columns} FROM raw`);
      seriesBranches.push(`SELECT ${columns} FROM raw`);
    }
    if (sources.days.length > 0) branches.push(`SELECT ${columns} FROM analytics_rollups WHERE ${daysIn('day', sources.days, site, params)}`);
    if (sources.months.length > 0) {
      branches.push(
        `SELECT month AS day, dimension, value, visitors, sessions, pageviews, bounces, duration_ms, count FROM analytics_rollup_months
         WHERE ${daysIn('month', sources.months, site, params)}`,
      );
    }
    if (sources.rolled.length > 0) {
      seriesBranches.push(`SELECT ${columns} FROM analytics_rollups WHERE ${daysIn('day', sources.rolled, site, params)} AND dimension IN ('_total', '_hour')`);
    }
    ctes.push(`rows AS NOT MATERIALIZED (${branches.join(' UNION ALL ')})`);
    ctes.push(`series_rows AS NOT MATERIALIZED (${seriesBranches.join(' UNION ALL ')})`);
    const sums = `sum(visitors)::float8 AS visitors, sum(sessions)::float8 AS sessions, sum(pageviews)::float8 AS pageviews,
                  sum(bounces)::float8 AS bounces, sum(duration_ms)::float8 AS duration_ms, sum(count)::float8 AS count`;
    const selects = [`SELECT 'breakdown' AS kind, '_total' AS dimension, '' AS value, ${sums}, 0::bigint AS rank FROM rows WHERE dimension = '_total'`];
    if (parts === 'all') {
      const limit = params.add(request.limit);
      // '' means direct traffic for `source` (kept) and "unknown" or "none" elsewhere (left out: it cannot be filtered by).
      selects.push(
        `SELECT 'breakdown', dimension, value, visitors, sessions, pageviews, bounces, duration_ms, count, rank FROM (
           SELECT dimension, value, ${sums},
                  row_number() OVER (PARTITION BY dimension ORDER BY sum(visitors) DESC, sum(pageviews) DESC, sum(count) DESC, value) AS rank
           FROM rows WHERE dimension NOT IN ('_total', '_hour', '_prop') AND (value <> '' OR dimension = 'source')
           GROUP BY dimension, value
         ) b WHERE rank <= ${limit}`,
      );
      selects.push(seriesSelect(request.interval, sums));
      selects.push(
        `SELECT 'property', '_prop', value, 0, 0, 0, 0, 0, count, event_rank * 1000000 + rank FROM (
           SELECT p.value, sum(p.count)::float8 AS count, min(top.event_rank) AS event_rank,
                  row_number() OVER (PARTITION BY p.value::json->>0, p.value::json->>1 ORDER BY sum(p.count) DESC, p.value) AS rank
           FROM rows p
           JOIN (
             SELECT value AS event, row_number() OVER (ORDER BY sum(count) DESC, value) AS event_rank
             FROM rows WHERE dimension = 'event' GROUP BY value ORDER BY sum(count) DESC, value LIMIT ${params.add(PROPERTY_EVENTS)}
           ) top ON top.event = p.value::json->>0
           WHERE p.dimension = '_prop'
           GROUP BY p.value
         ) t WHERE rank <= ${limit}`,
      );
    }
    const sql = `WITH ${ctes.join(', ')} SELECT * FROM (${selects.join('\nUNION ALL\n')}) a ORDER BY kind, dimension, rank, value`;
    const rows = await this.db.query<AggregateRow>(sql, params.values);
    return rows.map((r) => ({
      ...r,
      visitors: Number(r.visitors ?? 0),
      sessions: Number(r.sessions ?? 0),
      pageviews: Number(r.pageviews ?? 0),
      bounces: Number(r.bounces ?? 0),
      duration_ms: Number(r.duration_ms ?? 0),
      count: Number(r.count ?? 0),
    }));
  }
}

/**
 * Rows of site `site` whose `column` is one of `days` (ascending, `YYYY-MM-DD`): one range per run
 * of consecutive days (consecutive months for monthly rows), so each is a range of the primary key.
 */
function daysIn(column: string, days: readonly string[], site: string, params: SqlParams): string {
  const step = column === 'month' ? (d: string) => monthOf(nextDay(lastDayOfMonth(d))) : nextDay;
  const runs: [string, string][] = [];
  for (const day of days) {
    const run = runs[runs.length - 1];
    if (run && step(run[1]) === day) run[1] = day;
    else runs.push([day, day]);
  }
  const ranges = runs.map(([first, last]) => `(${column} >= ${params.add(first)}::date AND ${column} <= ${params.add(last)}::date)`);
  return `site_id = ${site} AND (${ranges.join(' OR ')})`;
}

/** The series branch: `value` is the bucket's start as an ISO string. */
function seriesSelect(interval: AnalyticsInterval, sums: string): string {
  if (interval === 'hour') {
    return `SELECT 'series', '', to_char(day, 'YYYY-MM-DD') || 'T' || value || ':00:00.000Z', ${sums}, 0::bigint
            FROM series_rows WHERE dimension = '_hour' GROUP BY day, value`;
  }
  const unit = interval === 'month' ? 'month' : 'day';
  return `SELECT 'series', '', to_char(date_trunc('${unit}', day::timestamp), 'YYYY-MM-DD"T00:00:00.000Z"'), ${sums}, 0::bigint
          FROM series_rows WHERE dimension = '_total' GROUP BY date_trunc('${unit}', day::timestamp)`;
}

/** Headline figures from the `_total` row (all zero without one). */
function totalsOf(rows: readonly AggregateRow[]): AnalyticsTotals {
  const t = rows.find((r) => r.kind === 'breakdown' && r.dimension === '_total');
  const sessions = t?.sessions ?? 0;
  const per = (n: number) => (sessions > 0 ? n / sessions : 0);
  return {
    visitors: t?.visitors ?? 0,
    sessions,
    pageviews: t?.pageviews ?? 0,
    events: t?.count ?? 0,
    bounce_rate: round(per(t?.bounces ?? 0), 4),
    avg_session_s: round(per(t?.duration_ms ?? 0) / 1000, 1),
    pageviews_per_session: round(per(t?.pageviews ?? 0), 2),
  };
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** Every bucket from the one holding `from` up to `to`, zero where nothing happened. */
function seriesOf(range: TimeRange, interval: AnalyticsInterval, values: ReadonlyMap<string, { visitors: number; pageviews: number }>): AnalyticsPoint[] {
  const points: AnalyticsPoint[] = [];
  const f = range.from;
  let t =
    interval === 'hour'
      ? new Date(Date.UTC(f.getUTCFullYear(), f.getUTCMonth(), f.getUTCDate(), f.getUTCHours()))
      : interval === 'day'
        ? new Date(Date.UTC(f.getUTCFullYear(), f.getUTCMonth(), f.getUTCDate()))
        : new Date(Date.UTC(f.getUTCFullYear(), f.getUTCMonth(), 1));
  while (t < range.to) {
    const key = t.toISOString();
    const v = values.get(key);
    points.push({ t: key, visitors: v?.visitors ?? 0, pageviews: v?.pageviews ?? 0 });
    t =
      interval === 'hour'
        ? new Date(t.getTime() + 3_600_000)
        : interval === 'day'
          ? new Date(t.getTime() + DAY_MS)
          : new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth() + 1, 1));
  }
  return points;
}

/** Joins ranges, given in order, that touch (the two sides of a day that is not rolled up). */
function mergeRanges(ranges: readonly TimeRange[]): TimeRange[] {
  const merged: TimeRange[] = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last && last.to.getTime() >= r.from.getTime()) merged[merged.length - 1] = { from: last.from, to: r.to };
    else merged.push(r);
  }
  return merged;
}
