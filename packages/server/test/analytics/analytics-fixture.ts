import { randomUUID } from 'node:crypto';
import type { Database } from '../../src/db/database.ts';

/** Registers a site of `workspaceId` directly in the table; returns its id. */
export async function insertSite(db: Database, workspaceId: string, name = 'Site'): Promise<string> {
  const id = randomUUID();
  await db.query(`INSERT INTO analytics_sites (id, workspace_id, name, domains, site_key, created_at) VALUES ($1, $2, $3, $4, $5, $6)`, [
    id,
    workspaceId,
    name,
    ['example.test'],
    `key_${id.slice(0, 8)}`,
    new Date('2026-03-01T00:00:00Z'),
  ]);
  return id;
}

/** One visit of a fixture: its session columns, page views and events. */
export interface FixtureSession {
  readonly visitor: string;
  readonly source?: string;
  readonly utm_source?: string;
  readonly country?: string;
  readonly device?: string;
  readonly browser?: string;
  readonly os?: string;
  readonly pages: readonly (readonly [path: string, at: string])[];
  readonly events?: readonly (readonly [name: string, at: string, props?: Record<string, string>])[];
}

/** Writes visits straight into the raw tables, as the ingestion would have. */
export async function insertSessions(db: Database, siteId: string, sessions: readonly FixtureSession[]): Promise<void> {
  for (const s of sessions) {
    const id = randomUUID();
    const times = [...s.pages.map((p) => p[1]), ...(s.events ?? []).map((e) => e[1])].map((t) => new Date(t).getTime()).sort((a, b) => a - b);
    const started = new Date(times[0] as number);
    const last = new Date(times[times.length - 1] as number);
    const byTime = [...s.pages].sort((a, b) => a[1].localeCompare(b[1]));
    await db.query(
      `INSERT INTO analytics_sessions (id, site_id, visitor_id, day, started_at, last_seen_at, entry_page, exit_page, pageviews, events,
                                       source, utm_source, country, device, browser, os)
       VALUES ($1, $2, $3, $4::date, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
      [
        id,
        siteId,
        s.visitor,
        started.toISOString().slice(0, 10),
        started,
        last,
        byTime[0]?.[0] ?? '/',
        byTime[byTime.length - 1]?.[0] ?? '/',
        s.pages.length,
        s.events?.length ?? 0,
        s.source ?? '',
        s.utm_source ?? '',
        s.country ?? '',
        s.device ?? 'desktop',
        s.browser ?? '',
        s.os ?? '',
      ],
    );
    for (const [path, at] of s.pages) {
      await db.query(`INSERT INTO analytics_pageviews (site_id, session_id, visitor_id, at, hostname, path) VALUES ($1, $2, $3, $4, 'example.test', $5)`, [
        siteId,
        id,
        s.visitor,
        new Date(at),
        path,
      ]);
    }
    for (const [name, at, props] of s.events ?? []) {
      await db.query(
        `INSERT INTO analytics_events (site_id, session_id, visitor_id, at, name, path, props) VALUES ($1, $2, $3, $4, $5, '/signup', $6::jsonb)`,
        [siteId, id, s.visitor, new Date(at), name, JSON.stringify(props ?? {})],
      );
    }
  }
}

/**
 * The fixed fixture of the analytics tests, on 2 and 3 March 2026:
 * - 2 March: v1 (DE, mobile, from google.com) views /, /pricing, /signup and signs up; v2 (DE,
 *   desktop, direct) views /pricing only (a bounce); v3 (FR, mobile, twitter.com) views / and
 *   /pricing 10 minutes later; v1 comes back at 15:00 (a second visit), views /pricing and signs up.
 * - 3 March: v4 (US, desktop, google.com) views / only (a bounce); v5 (DE, mobile, direct) views
 *   /pricing and /signup 20 minutes later.
 */
export const FIXTURE: readonly FixtureSession[] = [
  {
    visitor: 'v1',
    source: 'google.com',
    utm_source: 'newsletter',
    country: 'DE',
    device: 'mobile',
    browser: 'Chrome',
    os: 'Android',
    pages: [
      ['/', '2026-03-02T10:00:00Z'],
      ['/pricing', '2026-03-02T10:02:00Z'],
      ['/signup', '2026-03-02T10:05:00Z'],
    ],
    events: [['signup', '2026-03-02T10:06:00Z', { plan: 'pro' }]],
  },
  { visitor: 'v2', country: 'DE', device: 'desktop', browser: 'Firefox', os: 'Windows', pages: [['/pricing', '2026-03-02T11:00:00Z']] },
  {
    visitor: 'v3',
    source: 'twitter.com',
    country: 'FR',
    device: 'mobile',
    browser: 'Safari',
    os: 'iOS',
    pages: [
      ['/', '2026-03-02T12:00:00Z'],
      ['/pricing', '2026-03-02T12:10:00Z'],
    ],
  },
  {
    visitor: 'v1',
    country: 'DE',
    device: 'mobile',
    browser: 'Chrome',
    os: 'Android',
    pages: [['/pricing', '2026-03-02T15:00:00Z']],
    events: [['signup', '2026-03-02T15:01:00Z', { plan: 'free' }]],
  },
  { visitor: 'v4', source: 'google.com', country: 'US', device: 'desktop', browser: 'Chrome', os: 'macOS', pages: [['/', '2026-03-03T09:00:00Z']] },
  {
    visitor: 'v5',
    country: 'DE',
    device: 'mobile',
    browser: 'Chrome',
    os: 'Android',
    pages: [
      ['/pricing', '2026-03-03T20:00:00Z'],
      ['/signup', '2026-03-03T20:20:00Z'],
    ],
  },
];

/** The fixture's two days, as a summary range. */
export const FIXTURE_RANGE = { from: '2026-03-02T00:00:00.000Z', to: '2026-03-04T00:00:00.000Z' } as const;
