import { randomBytes, randomUUID } from 'node:crypto';
import type { Transaction } from '../db/database.ts';

/** Days of made-up traffic the demo storefront has behind it. */
const DEMO_DAYS = 60;
const DAY_MS = 86_400_000;

const PAGES = ['/', '/pricing', '/features', '/blog/realtime-grids', '/blog/self-hosting', '/docs', '/docs/install', '/changelog', '/contact', '/signup'];
const SOURCES: readonly [string, number][] = [
  ['', 40],
  ['google.com', 28],
  ['news.ycombinator.com', 8],
  ['github.com', 8],
  ['duckduckgo.com', 5],
  ['reddit.com', 5],
  ['linkedin.com', 3],
  ['bing.com', 3],
];
const COUNTRIES: readonly [string, number][] = [
  ['US', 30],
  ['DE', 14],
  ['GB', 10],
  ['FR', 7],
  ['IN', 7],
  ['NL', 5],
  ['SE', 4],
  ['BR', 5],
  ['CA', 5],
  ['JP', 4],
  ['PL', 3],
  ['ES', 3],
  ['AU', 3],
];
const CLIENTS: readonly [[string, string, string], number][] = [
  [['desktop', 'Chrome', 'Windows'], 26],
  [['desktop', 'Chrome', 'macOS'], 12],
  [['desktop', 'Safari', 'macOS'], 8],
  [['desktop', 'Firefox', 'Windows'], 5],
  [['desktop', 'Firefox', 'Linux'], 4],
  [['desktop', 'Microsoft Edge', 'Windows'], 6],
  [['mobile', 'Safari', 'iOS'], 18],
  [['mobile', 'Chrome', 'Android'], 12],
  [['mobile', 'Samsung Internet for Android', 'Android'], 3],
  [['tablet', 'Safari', 'iOS'], 6],
];
const PLANS: readonly [string, number][] = [
  ['free', 6],
  ['pro', 3],
  ['team', 1],
];

/** A small seeded generator (mulberry32), so every demo database tells the same story. */
function generator(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function pick<T>(random: () => number, weighted: readonly (readonly [T, number])[]): T {
  const total = weighted.reduce((n, [, w]) => n + w, 0);
  let r = random() * total;
  for (const [value, weight] of weighted) {
    r -= weight;
    if (r < 0) return value;
  }
  return (weighted.at(-1) as readonly [T, number])[0];
}

/** The host names a browser may reach this server at, for the site that tracks the app itself. */
function appHosts(publicOrigin: string): string[] {
  const url = new URL(publicOrigin);
  const port = url.port ? `:${url.port}` : '';
  return [...new Set([url.host, `localhost${port}`, `127.0.0.1${port}`])];
}

/**
 * Two analytics sites for the demo workspace: "Northwind storefront" with two months of made-up
 * visits (written straight into the raw tables, as ingestion would have), and "Tandem (this app)",
 * which tracks the demo's own web app so a newcomer sees themself arrive on the live dashboard.
 */
export async function seedDemoAnalytics(tx: Transaction, workspaceId: string, ownerId: string | null, publicOrigin: string, now = new Date()): Promise<void> {
  const storeId = randomUUID();
  await tx.query(
    `INSERT INTO analytics_sites (id, workspace_id, name, domains, site_key, respect_dnt, tracks_app, created_by, created_at)
     VALUES ($1, $2, 'Northwind storefront', $3, $4, true, false, $5, now() - interval '1 minute'), ($6, $2, 'Tandem (this app)', $7, $8, false, true, $5, now())`,
    [
      storeId,
      workspaceId,
      ['shop.northwind.example', '*.northwind.example'],
      `ts_${randomBytes(12).toString('base64url')}`,
      ownerId,
      randomUUID(),
      appHosts(publicOrigin),
      `ts_${randomBytes(12).toString('base64url')}`,
    ],
  );

  const random = generator(20260301);
  const sessions: string[][] = [];
  const views: string[][] = [];
  const events: string[][] = [];
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  for (let d = DEMO_DAYS; d >= 0; d--) {
    const dayStart = today - d * DAY_MS;
    const weekday = new Date(dayStart).getUTCDay();
    // Growing traffic, quieter at weekends; today only up to now.
    const base = 70 + (DEMO_DAYS - d) * 1.6;
    let count = Math.round(base * (weekday === 0 || weekday === 6 ? 0.6 : 1) * (0.85 + random() * 0.3));
    if (d === 0) count = Math.round((count * (now.getTime() - dayStart)) / DAY_MS);
    for (let i = 0; i < count; i++) {
      // Most visits in European and American working hours.
      const hour = Math.min(23, Math.max(0, Math.round(8 + random() * 6 + random() * 6 - (random() < 0.2 ? 6 : 0))));
      const start = dayStart + hour * 3_600_000 + Math.floor(random() * 3_600_000);
      if (start > now.getTime()) continue;
      const source = pick(random, SOURCES);
      const campaign = random() < 0.08;
      const [device, browser, os] = pick(random, CLIENTS);
      const country = pick(random, COUNTRIES);
      const id = randomUUID();
      const visitor = randomBytes(16).toString('hex');
      let path = source === 'news.ycombinator.com' ? '/blog/realtime-grids' : random() < 0.55 ? '/' : (PAGES[Math.floor(random() * PAGES.length)] as string);
      const entry = path;
      let at = start;
      let viewCount = 0;
      let eventCount = 0;
      const pages = random() < 0.42 ? 1 : 2 + Math.floor(random() * 5);
      for (let p = 0; p < pages; p++) {
        if (p > 0) {
          at += 10_000 + Math.floor(random() * 120_000);
          path = random() < 0.3 ? '/pricing' : random() < 0.25 ? '/signup' : (PAGES[Math.floor(random() * PAGES.length)] as string);
        }
        if (at > now.getTime()) break;
        views.push([storeId, id, visitor, new Date(at).toISOString(), 'shop.northwind.example', path, pageTitle(path)]);
        viewCount++;
        if (path === '/signup' && random() < 0.55) {
          events.push([storeId, id, visitor, new Date(at + 20_000).toISOString(), 'Signup', path, JSON.stringify({ plan: pick(random, PLANS) })]);
          eventCount++;
        }
      }
      if (viewCount === 0) continue;
      if (random() < 0.06) {
        events.push([
          storeId,
          id,
          visitor,
          new Date(at + 5_000).toISOString(),
          'Outbound Link: Click',
          path,
          JSON.stringify({ url: 'https://github.com/tandem' }),
        ]);
        eventCount++;
      }
      const lastSeen = new Date(at + (eventCount > 0 ? 20_000 : 0)).toISOString();
      sessions.push([
        id,
        storeId,
        visitor,
        new Date(dayStart).toISOString().slice(0, 10),
        new Date(start).toISOString(),
        lastSeen,
        entry,
        path,
        String(viewCount),
        String(eventCount),
        source,
        campaign ? 'newsletter' : '',
        campaign ? 'email' : '',
        campaign ? 'spring-launch' : '',
        country,
        device,
        browser,
        os,
      ]);
    }
  }
  const column = (rows: string[][], i: number) => rows.map((r) => r[i] as string);
  await tx.query(
    `INSERT INTO analytics_sessions (id, site_id, visitor_id, day, started_at, last_seen_at, entry_page, exit_page, pageviews, events,
       source, utm_source, utm_medium, utm_campaign, country, device, browser, os)
     SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::date[], $5::timestamptz[], $6::timestamptz[], $7::text[], $8::text[], $9::int[], $10::int[],
       $11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[], $17::text[], $18::text[])`,
    Array.from({ length: 18 }, (_, i) => column(sessions, i)),
  );
  await tx.query(
    `INSERT INTO analytics_pageviews (site_id, session_id, visitor_id, at, hostname, path, title)
     SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::timestamptz[], $5::text[], $6::text[], $7::text[])`,
    Array.from({ length: 7 }, (_, i) => column(views, i)),
  );
  await tx.query(
    `INSERT INTO analytics_events (site_id, session_id, visitor_id, at, name, path, props)
     SELECT site_id, session_id, visitor_id, at, name, path, props::jsonb
     FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::timestamptz[], $5::text[], $6::text[], $7::text[]) AS e(site_id, session_id, visitor_id, at, name, path, props)`,
    Array.from({ length: 7 }, (_, i) => column(events, i)),
  );
}

function pageTitle(path: string): string {
  if (path === '/') return 'Northwind — fabrication on demand';
  const name = path.split('/').filter(Boolean).at(-1) ?? '';
  return `${name.replace(/-/g, ' ').replace(/^./, (c) => c.toUpperCase())} — Northwind`;
}
