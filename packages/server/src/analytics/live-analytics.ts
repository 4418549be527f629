import type { AnalyticsUpdate, DeviceType, LivePageview, LiveSiteFigures } from '@tandem/protocol';

/** A visitor counts as "on the site now" this long after their last page view or event. */
export const VISITORS_NOW_MS = 5 * 60_000;
/** Page views per second are averaged over this many seconds. */
const RATE_WINDOW_S = 10;
/** Seconds of the per-second page view history in each update. */
const HISTORY_S = 60;
/** Newest page views kept per workspace. */
const RECENT_KEPT = 20;

/** One page view or event as nodes share it over the bus, each second, in a batch. */
export interface LiveHit {
  readonly workspace_id: string;
  readonly site_id: string;
  readonly visitor_id: string;
  /** Page views carry their page; events only keep the visitor counted as present. */
  readonly pageview: Omit<LivePageview, 'site_id'> | null;
}

interface SiteWindow {
  readonly workspaceId: string;
  /** Visitor id → last activity (ms). */
  readonly visitors: Map<string, number>;
  /** Page views per whole second (epoch seconds → count). */
  readonly perSecond: Map<number, number>;
}

/**
 * The live figures of every site, built on every node from the hits all nodes share: visitors
 * active in the last 5 minutes, page views per second and the newest page views. Nothing here is
 * stored; a node that starts late knows only what it saw since.
 */
export class LiveAnalytics {
  readonly #sites = new Map<string, SiteWindow>();
  readonly #recent = new Map<string, LivePageview[]>();
  /** Workspaces whose figures changed since the last update sent. */
  readonly #changed = new Set<string>();

  /** Counts hits shared by any node. */
  add(hits: readonly LiveHit[], now = Date.now()): void {
    for (const hit of hits) {
      let site = this.#sites.get(hit.site_id);
      if (!site) {
        site = { workspaceId: hit.workspace_id, visitors: new Map(), perSecond: new Map() };
        this.#sites.set(hit.site_id, site);
      }
      site.visitors.set(hit.visitor_id, now);
      this.#changed.add(hit.workspace_id);
      if (!hit.pageview) continue;
      const second = Math.floor(now / 1000);
      site.perSecond.set(second, (site.perSecond.get(second) ?? 0) + 1);
      const recent = this.#recent.get(hit.workspace_id) ?? [];
      recent.unshift({ ...hit.pageview, site_id: hit.site_id });
      if (recent.length > RECENT_KEPT) recent.length = RECENT_KEPT;
      this.#recent.set(hit.workspace_id, recent);
    }
  }

  /** Drops visitors and seconds that fell out of every window. */
  prune(now = Date.now()): void {
    const oldestSecond = Math.floor(now / 1000) - HISTORY_S;
    for (const [siteId, site] of this.#sites) {
      for (const [visitor, at] of site.visitors) if (now - at > VISITORS_NOW_MS) site.visitors.delete(visitor);
      for (const second of site.perSecond.keys()) if (second < oldestSecond) site.perSecond.delete(second);
      if (site.visitors.size === 0 && site.perSecond.size === 0) {
        this.#sites.delete(siteId);
        this.#changed.add(site.workspaceId);
      }
    }
  }

  /** Workspaces with figures that changed since the last call, or that still have visitors (their rates move). */
  takeChanged(): string[] {
    const out = new Set(this.#changed);
    this.#changed.clear();
    for (const site of this.#sites.values()) out.add(site.workspaceId);
    return [...out];
  }

  /** The live figures of a workspace's sites (only sites with recent activity are listed). */
  figuresOf(workspaceId: string, now = Date.now()): AnalyticsUpdate {
    const sites: LiveSiteFigures[] = [];
    const second = Math.floor(now / 1000);
    for (const [siteId, site] of this.#sites) {
      if (site.workspaceId !== workspaceId) continue;
      let visitorsNow = 0;
      for (const at of site.visitors.values()) if (now - at <= VISITORS_NOW_MS) visitorsNow++;
      const lastMinute: number[] = [];
      // The current second is still filling, so the history ends with the last complete one.
      for (let s = second - HISTORY_S; s < second; s++) lastMinute.push(site.perSecond.get(s) ?? 0);
      const lastTen = lastMinute.slice(-RATE_WINDOW_S).reduce((a, b) => a + b, 0);
      sites.push({ site_id: siteId, visitors_now: visitorsNow, pageviews_per_s: lastTen / RATE_WINDOW_S, pageviews_last_minute: lastMinute });
    }
    return { workspace_id: workspaceId, sites, recent: this.#recent.get(workspaceId) ?? [] };
  }

  /** Forgets a deleted site. */
  forgetSite(siteId: string): void {
    this.#sites.delete(siteId);
  }
}

/** A page view as the live feed shows it. */
export function livePageview(path: string, country: string, device: DeviceType, browser: string, at: Date): Omit<LivePageview, 'site_id'> {
  return { path, country: country || null, device, browser: browser || null, at: at.toISOString() };
}
