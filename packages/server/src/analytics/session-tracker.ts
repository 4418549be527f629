import { randomUUID } from 'node:crypto';
import type { DeviceType } from '@tandem/protocol';
import { utcDay } from './rollups.ts';

/** A visit ends after this long without a page view or event. */
export const SESSION_IDLE_MS = 30 * 60_000;
/** Most visits a node keeps in memory; the oldest are forgotten first (a returning visitor is then found in the database). */
const MAX_TRACKED_SESSIONS = 200_000;

/** What a beacon says about the visit it belongs to (the landing page's fields are used only when it starts one). */
export interface VisitHit {
  readonly siteId: string;
  readonly visitorId: string;
  readonly at: Date;
  readonly path: string;
  readonly kind: 'pageview' | 'event';
  readonly source: string;
  readonly utmSource: string;
  readonly utmMedium: string;
  readonly utmCampaign: string;
  readonly country: string;
  readonly region: string;
  readonly device: DeviceType;
  readonly browser: string;
  readonly os: string;
}

/** One visit as this node knows it, with what it has not written yet. */
export interface TrackedSession {
  id: string;
  readonly siteId: string;
  readonly visitorId: string;
  day: string;
  startedAt: Date;
  lastSeenAt: Date;
  entryPage: string;
  exitPage: string;
  readonly source: string;
  readonly utmSource: string;
  readonly utmMedium: string;
  readonly utmCampaign: string;
  readonly country: string;
  readonly region: string;
  readonly device: DeviceType;
  readonly browser: string;
  readonly os: string;
  /** Page views and events since the last write (added to the stored counters). */
  pendingPageviews: number;
  pendingEvents: number;
  /** Whether the database may already hold this visit (written by this node, or found there). */
  stored: boolean;
  /** Whether it changed since the last write. */
  dirty: boolean;
}

/**
 * Assigns page views and events to visits, in memory: the same visitor on the same site within
 * 30 minutes of their last activity continues the visit, anything later starts a new one. A visit
 * this node has not seen (after a restart, or begun on another node) starts as new here and is
 * matched against the database when it is written ({@link SessionTracker.adopt}).
 */
export class SessionTracker {
  readonly #sessions = new Map<string, TrackedSession>();

  /** The visit a hit belongs to, started or continued, with the hit counted. */
  record(hit: VisitHit): TrackedSession {
    const key = `${hit.siteId}/${hit.visitorId}`;
    let session = this.#sessions.get(key);
    if (!session || hit.at.getTime() - session.lastSeenAt.getTime() > SESSION_IDLE_MS) {
      session = {
        id: randomUUID(),
        siteId: hit.siteId,
        visitorId: hit.visitorId,
        day: utcDay(hit.at),
        startedAt: hit.at,
        lastSeenAt: hit.at,
        entryPage: hit.path,
        exitPage: hit.path,
        source: hit.source,
        utmSource: hit.utmSource,
        utmMedium: hit.utmMedium,
        utmCampaign: hit.utmCampaign,
        country: hit.country,
        region: hit.region,
        device: hit.device,
        browser: hit.browser,
        os: hit.os,
        pendingPageviews: 0,
        pendingEvents: 0,
        stored: false,
        dirty: true,
      };
      this.#sessions.delete(key);
      this.#sessions.set(key, session);
      if (this.#sessions.size > MAX_TRACKED_SESSIONS) this.#forgetOldest();
    } else {
      // Re-inserting keeps the map in order of last activity, so the oldest are first to forget.
      this.#sessions.delete(key);
      this.#sessions.set(key, session);
    }
    if (hit.at >= session.lastSeenAt) {
      session.lastSeenAt = hit.at;
      if (hit.kind === 'pageview') session.exitPage = hit.path;
    }
    if (hit.kind === 'pageview') session.pendingPageviews++;
    else session.pendingEvents++;
    session.dirty = true;
    return session;
  }

  /**
   * Continues a visit found in the database instead of the new one this node started for the same
   * visitor: the stored one keeps its id, start and landing page; page views counted here are
   * added to it when written.
   */
  adopt(session: TrackedSession, stored: { id: string; day: string; startedAt: Date; entryPage: string }): void {
    session.id = stored.id;
    session.day = stored.day;
    session.startedAt = stored.startedAt;
    session.entryPage = stored.entryPage;
    session.stored = true;
  }

  /** Visits with changes to write. */
  dirty(): TrackedSession[] {
    const out: TrackedSession[] = [];
    for (const session of this.#sessions.values()) if (session.dirty) out.push(session);
    return out;
  }

  /** Forgets visits idle for longer than a visit lasts. */
  sweep(now: Date): void {
    for (const [key, session] of this.#sessions) {
      if (now.getTime() - session.lastSeenAt.getTime() <= SESSION_IDLE_MS) break;
      if (!session.dirty) this.#sessions.delete(key);
    }
  }

  #forgetOldest(): void {
    for (const [key, session] of this.#sessions) {
      if (this.#sessions.size <= MAX_TRACKED_SESSIONS) return;
      if (!session.dirty) this.#sessions.delete(key);
    }
  }

  get size(): number {
    return this.#sessions.size;
  }
}
