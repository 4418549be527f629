import type { AnalyticsFilters, FunnelResult, FunnelStep } from '@tandem/protocol';
import type { Database } from '../db/database.ts';
import { SqlParams } from '../db/sql-params.ts';
import { hasFilters, sessionFilterSql } from './day-rows.ts';
import { checkRange } from './summary-query.ts';

/** A funnel to compute. */
export interface FunnelRequest {
  readonly siteId: string;
  readonly from: Date;
  readonly to: Date;
  readonly steps: readonly FunnelStep[];
  readonly windowMinutes: number;
  readonly filters: AnalyticsFilters;
}

/**
 * Counts the visitors who took the steps in order: step 1 in `[from, to)`, then each next step
 * after the one before it and at most `windowMinutes` after their step 1, all inside the range.
 * Every time a visitor took step 1 starts an attempt; each attempt takes the earliest possible
 * next step (which never loses a later one), and a visitor reached step k when any attempt did.
 * Steps are exact page paths or custom event names; filters keep the page views and events of
 * sessions that match them (the same session filters a summary uses). Funnels read raw rows, so
 * they cover the retention window; a visitor id lasts one UTC day, so an attempt that crosses
 * midnight ends there.
 */
export async function funnel(db: Database, request: FunnelRequest): Promise<FunnelResult> {
  checkRange(request.from, request.to);
  const params = new SqlParams();
  const site = params.add(request.siteId);
  const from = params.add(request.from);
  const to = params.add(request.to);
  const filtered = hasFilters(request.filters);
  const join = (alias: string) =>
    filtered ? `JOIN analytics_sessions s ON s.id = ${alias}.session_id AND ${sessionFilterSql('s', request.filters, params)}` : '';
  const pages = [...new Set(request.steps.filter((s) => s.type === 'page').map((s) => s.value))];
  const events = [...new Set(request.steps.filter((s) => s.type === 'event').map((s) => s.value))];
  const actions = [
    `SELECT p.visitor_id, p.at, 0 AS src, p.id, 'page' AS type, p.path AS value FROM analytics_pageviews p ${join('p')}
     WHERE p.site_id = ${site} AND p.at >= ${from} AND p.at < ${to} AND p.path = ANY(${params.add(pages)}::text[])`,
    `SELECT e.visitor_id, e.at, 1 AS src, e.id, 'event' AS type, e.name AS value FROM analytics_events e ${join('e')}
     WHERE e.site_id = ${site} AND e.at >= ${from} AND e.at < ${to} AND e.name = ANY(${params.add(events)}::text[])`,
  ];
  const window = params.add(request.windowMinutes);
  const ctes = [`acts AS MATERIALIZED (${actions.join(' UNION ALL ')})`];
  request.steps.forEach((step, i) => {
    const type = params.add(step.type);
    const value = params.add(step.value);
    if (i === 0) {
      ctes.push(`c0 AS (SELECT visitor_id, src AS src0, id AS id0, at AS at0, at, src, id FROM acts WHERE type = ${type} AND value = ${value})`);
      return;
    }
    ctes.push(
      `c${i} AS (
         SELECT DISTINCT ON (c.visitor_id, c.src0, c.id0) c.visitor_id, c.src0, c.id0, c.at0, a.at, a.src, a.id
         FROM c${i - 1} c JOIN acts a ON a.visitor_id = c.visitor_id AND a.type = ${type} AND a.value = ${value}
           AND (a.at, a.src, a.id) > (c.at, c.src, c.id) AND a.at <= c.at0 + make_interval(mins => ${window})
         ORDER BY c.visitor_id, c.src0, c.id0, a.at, a.src, a.id
       )`,
    );
  });
  const counts = request.steps.map((_, i) => `(SELECT count(DISTINCT visitor_id) FROM c${i})::int AS s${i}`).join(', ');
  const [row] = await db.query<Record<string, number>>(`WITH ${ctes.join(', ')} SELECT ${counts}`, params.values);
  const reached = request.steps.map((_, i) => Number(row?.[`s${i}`] ?? 0));
  const first = reached[0] ?? 0;
  return {
    site_id: request.siteId,
    from: request.from.toISOString(),
    to: request.to.toISOString(),
    window_minutes: request.windowMinutes,
    steps: request.steps.map((step, i) => {
      const visitors = reached[i] ?? 0;
      const before = i === 0 ? visitors : (reached[i - 1] ?? 0);
      return {
        step,
        visitors,
        conversion: first > 0 ? round4(visitors / first) : 0,
        drop_off: i === 0 || before === 0 ? 0 : round4(1 - visitors / before),
      };
    }),
  };
}

function round4(n: number): number {
  return Math.round(n * 10_000) / 10_000;
}
