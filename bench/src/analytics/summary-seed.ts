import type { Database } from '../../../packages/server/src/db/database.ts';

/**
 * Writes `sessions` visits spread evenly between `from` and `to`, with generate_series: 1–4 page
 * views each (2.5 on average, 40 s apart, the first on the entry page), a custom event with two
 * properties in one visit of five, 200 pages, 30 referrers (a third direct), UTM tags on a quarter,
 * about 50 countries, 4 device types, 8 browsers, 6 systems; about 7 visitors per 9 visits a day.
 * Returns what it wrote.
 */
export async function seedYear(
  db: Database,
  siteId: string,
  from: Date,
  to: Date,
  sessions: number,
): Promise<{ sessions: number; pageviews: number; events: number }> {
  const span = (to.getTime() - from.getTime()) / 1000;
  // In slices, so no single statement holds millions of rows in flight (PGlite keeps them in memory).
  const slice = 200_000;
  for (let first = 0; first < sessions; first += slice) {
    const last = Math.min(sessions, first + slice) - 1;
    await db.query(
      `INSERT INTO analytics_sessions (id, site_id, visitor_id, day, started_at, last_seen_at, entry_page, exit_page, pageviews, events,
                                       source, utm_source, utm_medium, utm_campaign, country, region, device, browser, os)
       SELECT md5($1::uuid::text || g)::uuid, $1::uuid, 'v' || (g * 7 / 9), (st AT TIME ZONE 'UTC')::date, st, st + (n - 1) * interval '40 seconds',
              '/p' || (g * 7919 % 200), '/p' || ((g * 7919 + (n - 1) * 31) % 200), n, e,
              CASE WHEN g % 3 = 0 THEN '' ELSE 'ref' || (g * 104729 % 30) || '.example' END,
              CASE WHEN g % 4 = 0 THEN 'utm' || (g % 10) ELSE '' END, CASE WHEN g % 4 = 0 THEN 'medium' || (g % 5) ELSE '' END,
              CASE WHEN g % 8 = 0 THEN 'campaign' || (g % 12) ELSE '' END,
              (ARRAY['DE','US','FR','GB','NL','IT','ES','PL','SE','CA'])[(1 + g % 10)::int] || CASE WHEN g % 7 = 0 THEN (g % 40)::text ELSE '' END,
              '', (ARRAY['desktop','mobile','mobile','tablet'])[(1 + g % 4)::int], 'browser' || (g * 31 % 8), 'os' || (g * 17 % 6)
       FROM generate_series($2::bigint, $3::bigint) g,
            LATERAL (SELECT $4::timestamptz + (g::float8 / $5::float8 * $6::float8) * interval '1 second' AS st, (1 + g * 13 % 4)::int AS n,
                            CASE WHEN g % 5 = 0 THEN 1 ELSE 0 END AS e) x`,
      [siteId, first, last, from, sessions, span],
    );
  }
  const sessionCount = sessions;
  // Page views of each session, 40 s apart, the first on the entry page.
  for (let first = 0; first < sessions; first += slice) {
    const last = Math.min(sessions, first + slice) - 1;
    await db.query(
      `INSERT INTO analytics_pageviews (site_id, session_id, visitor_id, at, hostname, path)
       SELECT s.site_id, s.id, s.visitor_id, s.started_at + (i - 1) * interval '40 seconds', 'bench.example',
              CASE WHEN i = 1 THEN s.entry_page WHEN i = s.pageviews THEN s.exit_page ELSE '/p' || ((g * 7919 + i * 131) % 200) END
       FROM generate_series($2::bigint, $3::bigint) g
       JOIN analytics_sessions s ON s.id = md5($1::uuid::text || g)::uuid
       CROSS JOIN LATERAL generate_series(1, s.pageviews) i`,
      [siteId, first, last],
    );
    await db.query(
      `INSERT INTO analytics_events (site_id, session_id, visitor_id, at, name, path, props)
       SELECT s.site_id, s.id, s.visitor_id, s.last_seen_at, 'event' || (g % 10), s.exit_page,
              jsonb_build_object('plan', (ARRAY['free','pro','team'])[(1 + g % 3)::int], 'step', (g % 4)::text)
       FROM generate_series($2::bigint, $3::bigint) g
       JOIN analytics_sessions s ON s.id = md5($1::uuid::text || g)::uuid
       WHERE g % 5 = 0`,
      [siteId, first, last],
    );
  }
  await db.query('ANALYZE analytics_sessions');
  await db.query('ANALYZE analytics_pageviews');
  await db.query('ANALYZE analytics_events');
  const [row] = await db.query<{ pageviews: number; events: number }>(
    `SELECT (SELECT count(*)::int FROM analytics_pageviews WHERE site_id = $1) AS pageviews, (SELECT count(*)::int FROM analytics_events WHERE site_id = $1) AS events`,
    [siteId],
  );
  return { sessions: sessionCount, pageviews: row?.pageviews ?? 0, events: row?.events ?? 0 };
}
