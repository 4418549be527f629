import type { Logger } from 'pino';
import type { Database } from '../db/database.ts';
import { SESSION_IDLE_MS, type SessionTracker, type TrackedSession } from './session-tracker.ts';

/** A page view waiting to be written; its session id is read at write time (a visit may be adopted meanwhile). */
interface PendingPageview {
  readonly session: TrackedSession;
  readonly at: Date;
  readonly hostname: string;
  readonly path: string;
  readonly title: string;
}

/** A custom event waiting to be written. */
interface PendingEvent {
  readonly session: TrackedSession;
  readonly at: Date;
  readonly name: string;
  readonly path: string;
  readonly props: string;
}

/** Rows written as soon as this many wait, without waiting for the timer. */
export const FLUSH_AT_ROWS = 500;
/** Most rows kept while the database is unreachable; older ones are dropped (counted in the log). */
const MAX_QUEUED_ROWS = 100_000;

/** What one write of a batch did. */
export interface FlushResult {
  readonly pageviews: number;
  readonly events: number;
  readonly sessions: number;
}

/**
 * Writes page views, events and the visits they belong to in batches: many rows per INSERT, at
 * most every `flushMs` or at {@link FLUSH_AT_ROWS} rows, one batch at a time, so a burst of beacons
 * costs the database a few statements a second and never holds up a request. A failed batch is
 * kept and retried with the next one.
 */
export class BeaconWriter {
  #pageviews: PendingPageview[] = [];
  #events: PendingEvent[] = [];
  #flushing: Promise<FlushResult> | null = null;
  #timer: NodeJS.Timeout | null = null;
  /** Whether a flush for a full batch is already set for the next turn of the event loop. */
  #flushSoon = false;
  #dropped = 0;

  constructor(
    private readonly db: Database,
    private readonly sessions: SessionTracker,
    private readonly log: Logger,
    private readonly flushMs: number,
  ) {}

  /** Starts the flush timer. */
  start(): void {
    this.#timer = setInterval(() => void this.flush().catch(() => undefined), this.flushMs);
    this.#timer.unref();
  }

  addPageview(session: TrackedSession, at: Date, hostname: string, path: string, title: string): void {
    this.#pageviews.push({ session, at, hostname, path, title });
    this.#afterAdd();
  }

  addEvent(session: TrackedSession, at: Date, name: string, path: string, props: Readonly<Record<string, unknown>>): void {
    this.#events.push({ session, at, name, path, props: JSON.stringify(props) });
    this.#afterAdd();
  }

  /** Rows waiting to be written. */
  get queued(): number {
    return this.#pageviews.length + this.#events.length;
  }

  #afterAdd(): void {
    const queued = this.queued;
    if (queued > MAX_QUEUED_ROWS) {
      const over = queued - MAX_QUEUED_ROWS;
      this.#pageviews.splice(0, Math.min(over, this.#pageviews.length));
      this.#dropped += over;
      if (this.#dropped % 10_000 < over) this.log.warn({ dropped: this.#dropped }, 'analytics: the database is not keeping up; oldest beacons dropped');
    }
    if (queued >= FLUSH_AT_ROWS && !this.#flushing && !this.#flushSoon) {
      // Not inside the request that filled the batch: building the batch's arrays takes a few
      // milliseconds, which its 202 need not wait for.
      this.#flushSoon = true;
      setImmediate(() => {
        this.#flushSoon = false;
        if (!this.#flushing && this.queued >= FLUSH_AT_ROWS) void this.flush().catch(() => undefined);
      });
    }
  }

  /** Writes everything waiting now (after the batch in progress, if any). */
  async flush(): Promise<FlushResult> {
    while (this.#flushing) await this.#flushing.catch(() => undefined);
    const run = this.#write();
    this.#flushing = run;
    try {
      return await run;
    } finally {
      this.#flushing = null;
    }
  }

  async #write(): Promise<FlushResult> {
    const pageviews = this.#pageviews;
    const events = this.#events;
    const sessions = this.sessions.dirty();
    if (pageviews.length === 0 && events.length === 0 && sessions.length === 0) return { pageviews: 0, events: 0, sessions: 0 };
    this.#pageviews = [];
    this.#events = [];
    const deltas = sessions.map((s) => {
      const delta = { session: s, pageviews: s.pendingPageviews, events: s.pendingEvents };
      s.pendingPageviews = 0;
      s.pendingEvents = 0;
      s.dirty = false;
      return delta;
    });
    try {
      await this.#adoptStoredVisits(sessions.filter((s) => !s.stored));
      await this.db.transaction(async (tx) => {
        await tx.query(
          `INSERT INTO analytics_sessions AS s (id, site_id, visitor_id, day, started_at, last_seen_at, entry_page, exit_page, pageviews, events,
             source, utm_source, utm_medium, utm_campaign, country, region, device, browser, os)
           SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::date[], $5::timestamptz[], $6::timestamptz[], $7::text[], $8::text[],
             $9::int[], $10::int[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[], $17::text[], $18::text[], $19::text[])
           ON CONFLICT (id) DO UPDATE SET
             exit_page = CASE WHEN EXCLUDED.last_seen_at >= s.last_seen_at THEN EXCLUDED.exit_page ELSE s.exit_page END,
             last_seen_at = GREATEST(s.last_seen_at, EXCLUDED.last_seen_at),
             pageviews = s.pageviews + EXCLUDED.pageviews,
             events = s.events + EXCLUDED.events`,
          [
            deltas.map((d) => d.session.id),
            deltas.map((d) => d.session.siteId),
            deltas.map((d) => d.session.visitorId),
            deltas.map((d) => d.session.day),
            deltas.map((d) => d.session.startedAt.toISOString()),
            deltas.map((d) => d.session.lastSeenAt.toISOString()),
            deltas.map((d) => d.session.entryPage),
            deltas.map((d) => d.session.exitPage),
            deltas.map((d) => String(d.pageviews)),
            deltas.map((d) => String(d.events)),
            deltas.map((d) => d.session.source),
            deltas.map((d) => d.session.utmSource),
            deltas.map((d) => d.session.utmMedium),
            deltas.map((d) => d.session.utmCampaign),
            deltas.map((d) => d.session.country),
            deltas.map((d) => d.session.region),
            deltas.map((d) => d.session.device),
            deltas.map((d) => d.session.browser),
            deltas.map((d) => d.session.os),
          ],
        );
        if (pageviews.length > 0) {
          await tx.query(
            `INSERT INTO analytics_pageviews (site_id, session_id, visitor_id, at, hostname, path, title)
             SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::timestamptz[], $5::text[], $6::text[], $7::text[])`,
            [
              pageviews.map((p) => p.session.siteId),
              pageviews.map((p) => p.session.id),
              pageviews.map((p) => p.session.visitorId),
              pageviews.map((p) => p.at.toISOString()),
              pageviews.map((p) => p.hostname),
              pageviews.map((p) => p.path),
              pageviews.map((p) => p.title),
            ],
          );
        }
        if (events.length > 0) {
          await tx.query(
            `INSERT INTO analytics_events (site_id, session_id, visitor_id, at, name, path, props)
             SELECT site_id, session_id, visitor_id, at, name, path, props::jsonb
             FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::timestamptz[], $5::text[], $6::text[], $7::text[])
               AS e(site_id, session_id, visitor_id, at, name, path, props)`,
            [
              events.map((e) => e.session.siteId),
              events.map((e) => e.session.id),
              events.map((e) => e.session.visitorId),
              events.map((e) => e.at.toISOString()),
              events.map((e) => e.name),
              events.map((e) => e.path),
              events.map((e) => e.props),
            ],
          );
        }
      });
      for (const d of deltas) d.session.stored = true;
      return { pageviews: pageviews.length, events: events.length, sessions: deltas.length };
    } catch (err) {
      // Keep everything for the next batch: rows in front of what arrived meanwhile, counters added back.
      this.#pageviews = [...pageviews, ...this.#pageviews];
      this.#events = [...events, ...this.#events];
      for (const d of deltas) {
        d.session.pendingPageviews += d.pageviews;
        d.session.pendingEvents += d.events;
        d.session.dirty = true;
      }
      this.log.warn({ err, queued: this.queued }, 'analytics: writing a batch failed; it is retried with the next one');
      throw err;
    }
  }

  /**
   * Visits this node started are continued instead when the database holds a visit of the same
   * visitor active within 30 minutes before (begun before a restart, or on another node).
   */
  async #adoptStoredVisits(fresh: readonly TrackedSession[]): Promise<void> {
    if (fresh.length === 0) return;
    const earliest = Math.min(...fresh.map((s) => s.startedAt.getTime()));
    const rows = await this.db.query<{
      id: string;
      site_id: string;
      visitor_id: string;
      day: string;
      started_at: Date;
      entry_page: string;
      last_seen_at: Date;
    }>(
      `SELECT DISTINCT ON (s.site_id, s.visitor_id) s.id, s.site_id, s.visitor_id, s.day::text AS day, s.started_at, s.entry_page, s.last_seen_at
       FROM analytics_sessions s
       JOIN unnest($1::uuid[], $2::text[]) AS v(site_id, visitor_id) ON v.site_id = s.site_id AND v.visitor_id = s.visitor_id
       WHERE s.last_seen_at >= $3
       ORDER BY s.site_id, s.visitor_id, s.last_seen_at DESC`,
      [fresh.map((s) => s.siteId), fresh.map((s) => s.visitorId), new Date(earliest - SESSION_IDLE_MS).toISOString()],
    );
    if (rows.length === 0) return;
    const byVisitor = new Map(rows.map((r) => [`${r.site_id}/${r.visitor_id}`, r]));
    for (const session of fresh) {
      const stored = byVisitor.get(`${session.siteId}/${session.visitorId}`);
      if (!stored || stored.id === session.id) continue;
      if (session.startedAt.getTime() - new Date(stored.last_seen_at).getTime() > SESSION_IDLE_MS) continue;
      this.sessions.adopt(session, { id: stored.id, day: stored.day, startedAt: new Date(stored.started_at), entryPage: stored.entry_page });
    }
  }

  /** Stops the timer and writes what is left. */
  async close(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.flush().catch(() => undefined);
  }
}
