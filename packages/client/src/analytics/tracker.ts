import { type EventBeacon, eventBeaconSchema, MAX_BEACON_URL, type PageviewBeacon, pageviewBeaconSchema } from '@tandem/protocol';
import { decode, type FetchLike } from '../rest-client.ts';
import { TandemError } from '../tandem-error.ts';

/** Options of {@link createTracker}. */
export interface TrackerOptions {
  /** Base URL of the Tandem server that collects the site's analytics, e.g. `https://tandem.example.com`. */
  readonly apiUrl: string;
  /** The site's public key (the `site_key` of the site, the same as `data-site` of the `/t.js` snippet). */
  readonly siteKey: string;
  /**
   * User-Agent header of every beacon, for Node (browsers send their own and ignore this). The
   * server drops beacons from bots, and Node's own `node` counts as one, so a Node sender passes
   * the agent of the visitor it reports for. Default: the environment's.
   */
  readonly userAgent?: string;
  /** Default: the global `fetch`. */
  readonly fetch?: FetchLike;
}

/** What {@link Tracker.trackPageView} sends; in a browser every field defaults to the current page. */
export interface PageViewOptions {
  /** The page's full URL (default `location.href`; required outside a browser). Query parameters other than `utm_*` and the fragment are removed before sending. */
  readonly pageUrl?: string;
  /** Default `document.title`. */
  readonly pageTitle?: string;
  /** Default `document.referrer`. */
  readonly referrer?: string;
  /** Viewport width in CSS pixels, a hint for the device type (default `innerWidth`). */
  readonly width?: number;
}

/** Where a custom event happened; in a browser it defaults to the current page. */
export interface EventOptions {
  /** Default `location.href`; required outside a browser. Cleaned like {@link PageViewOptions.pageUrl}. */
  readonly pageUrl?: string;
  readonly width?: number;
}

/** Property values a custom event may carry. */
export type EventProps = Readonly<Record<string, string | number | boolean>>;

/**
 * Sends visitor analytics beacons to `POST /api/v1/analytics/pageview` and `/event` with `fetch`,
 * from a browser (an app that routes itself, instead of the `/t.js` snippet) or from Node (a
 * server that records what its own pages served). Each call resolves once the server accepted
 * the beacon, and rejects with a `TandemError` (`invalid_input` before anything is sent for a
 * beacon the server would refuse; `forbidden`, `rate_limited`, `unavailable` … from the server).
 */
export interface Tracker {
  /** Records a page view: `trackPageView()` in a browser, `trackPageView({pageUrl})` anywhere. */
  trackPageView(options?: PageViewOptions): Promise<void>;
  /** Records a custom event such as `trackEvent('signup', {plan: 'pro'})`. */
  trackEvent(name: string, props?: EventProps, options?: EventOptions): Promise<void>;
}

/** Creates a {@link Tracker} for one site. */
export function createTracker(options: TrackerOptions): Tracker {
  // Bound: browsers refuse `fetch` called as a method of another object ("Illegal invocation").
  const found = options.fetch ?? (globalThis.fetch?.bind(globalThis) as FetchLike | undefined);
  if (!found) throw new Error('No fetch available; pass options.fetch.');
  const fetchFn: FetchLike = found;
  const base = options.apiUrl.replace(/\/+$/, '');

  async function send(kind: 'pageview' | 'event', beacon: PageviewBeacon | EventBeacon): Promise<void> {
    let response: Response;
    try {
      response = await fetchFn(`${base}/api/v1/analytics/${kind}`, {
        method: 'POST',
        // text/plain keeps a browser's cross-origin request simple (no CORS preflight); the server reads it as JSON.
        headers: { 'content-type': 'text/plain;charset=UTF-8', ...(options.userAgent ? { 'user-agent': options.userAgent } : {}) },
        body: JSON.stringify(beacon),
        credentials: 'omit',
        keepalive: true,
      });
    } catch (err) {
      throw new TandemError('unavailable', `Could not reach the server: ${(err as Error)?.message ?? err}`);
    }
    await decode(response);
  }

  return {
    async trackPageView(page = {}) {
      const beacon = pageviewBeaconSchema.safeParse(
        withoutUndefined({
          site: options.siteKey,
          url: cleanPageUrl(page.pageUrl ?? browserPage()?.location.href),
          title: clip(page.pageTitle ?? browserPage()?.document?.title),
          referrer: clip(page.referrer ?? browserPage()?.document?.referrer),
          width: page.width ?? browserPage()?.innerWidth,
        }),
      );
      if (!beacon.success) throw invalidBeacon(beacon.error.issues);
      await send('pageview', beacon.data);
    },

    async trackEvent(name, props, where = {}) {
      const beacon = eventBeaconSchema.safeParse(
        withoutUndefined({
          site: options.siteKey,
          name,
          url: cleanPageUrl(where.pageUrl ?? browserPage()?.location.href),
          props,
          width: where.width ?? browserPage()?.innerWidth,
        }),
      );
      if (!beacon.success) throw invalidBeacon(beacon.error.issues);
      await send('event', beacon.data);
    },
  };
}

/**
 * A page URL as it may leave the browser: every query parameter but `utm_*` and the fragment
 * removed (they may hold tokens or e-mail addresses). Undefined for anything that is not a URL.
 */
export function cleanPageUrl(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return raw;
  }
  const kept = new URLSearchParams();
  for (const [key, value] of url.searchParams) if (key.toLowerCase().startsWith('utm_')) kept.append(key, value);
  url.search = kept.toString();
  url.hash = '';
  return url.href.slice(0, MAX_BEACON_URL);
}

interface BrowserPage {
  readonly location: { readonly href: string };
  readonly document?: { readonly title?: string; readonly referrer?: string };
  readonly innerWidth?: number;
}

/** The current page when running in a browser window, else undefined (Node, workers). */
function browserPage(): BrowserPage | undefined {
  const page = globalThis as unknown as Partial<BrowserPage>;
  return page.location && typeof page.location.href === 'string' && page.document ? (page as BrowserPage) : undefined;
}

function clip(text: string | undefined): string | undefined {
  return text ? text.slice(0, MAX_BEACON_URL) : undefined;
}

function withoutUndefined<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function invalidBeacon(issues: readonly { path: readonly PropertyKey[]; message: string }[]): TandemError {
  const first = issues[0];
  const where = first?.path.length ? `${first.path.map(String).join('.')}: ` : '';
  return new TandemError('invalid_input', `Not a valid analytics beacon. ${where}${first?.message ?? ''}`.trim(), {
    issues: issues.map((i) => ({ path: i.path.map(String), message: i.message })),
  });
}
