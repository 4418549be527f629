import { z } from 'zod';

/**
 * Visitor analytics: the sites a workspace tracks, the beacons the tracking snippet sends, the
 * summaries and funnels read from them, and the live figures of the `analytics:{workspace}` room.
 * Nothing here identifies a person: the visitor id is a daily-rotating hash, the IP address is
 * never stored.
 */

/** Longest page URL, title or referrer a beacon may carry (longer values are refused). */
export const MAX_BEACON_URL = 2_000;
/** Largest beacon body in bytes. */
export const MAX_BEACON_BYTES = 8_192;
/** Most properties a custom event may carry, and the longest key and string value. */
export const MAX_EVENT_PROPS = 20;
export const MAX_EVENT_PROP_KEY = 64;
export const MAX_EVENT_PROP_VALUE = 256;

/** True when `text` holds a C0 control character (U+0000–U+001F). */
function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) < 0x20) return true;
  return false;
}

/** A site a workspace tracks. */
export interface AnalyticsSite {
  readonly id: string;
  readonly workspace_id: string;
  readonly name: string;
  /** Host names page views may come from; `*.example.com` also allows every subdomain. */
  readonly domains: readonly string[];
  /** Public key the snippet sends (`data-site` on the script tag). */
  readonly site_key: string;
  /** When true, beacons from browsers that send Do-Not-Track or Global Privacy Control are dropped. */
  readonly respect_dnt: boolean;
  /** When true, the Tandem web app of this workspace tracks itself into this site (at most one site per workspace). */
  readonly tracks_app: boolean;
  readonly created_at: string;
}

const domain = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^(\*\.)?([a-z0-9-]+\.)*[a-z0-9-]+(:\d{1,5})?$/, 'A host name such as example.com, *.example.com or localhost:5173.');

/** Body of `POST /workspaces/{id}/analytics/sites`. */
export const createSiteSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    domains: z.array(domain).min(1).max(50),
    respect_dnt: z.boolean().default(false),
    tracks_app: z.boolean().default(false),
  })
  .strict();
export type CreateSiteInput = z.input<typeof createSiteSchema>;

/** Body of `PATCH /analytics/sites/{id}`. */
export const updateSiteSchema = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    domains: z.array(domain).min(1).max(50).optional(),
    respect_dnt: z.boolean().optional(),
    tracks_app: z.boolean().optional(),
  })
  .strict();
export type UpdateSiteInput = z.input<typeof updateSiteSchema>;

const beaconUrl = z.string().max(MAX_BEACON_URL);
const propValue = z.union([z.string().max(MAX_EVENT_PROP_VALUE), z.number().finite(), z.boolean()]);

/** Body of `POST /analytics/pageview` (public, sent by `/t.js` or the SDK). */
export const pageviewBeaconSchema = z
  .object({
    /** The site's public key. */
    site: z.string().min(1).max(64),
    /** The page's full URL; the server keeps host and path and drops every query parameter but `utm_*`. */
    url: beaconUrl.pipe(z.url()),
    title: z.string().max(MAX_BEACON_URL).optional(),
    referrer: beaconUrl.optional(),
    /** `window.innerWidth`, a hint for the device type when the User-Agent is ambiguous. */
    width: z.number().int().min(0).max(100_000).optional(),
  })
  .strict();
export type PageviewBeacon = z.infer<typeof pageviewBeaconSchema>;

/** Body of `POST /analytics/event` (public): a custom event such as `tandem.track('signup', {plan: 'pro'})`. */
export const eventBeaconSchema = z
  .object({
    site: z.string().min(1).max(64),
    name: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .refine((name) => !hasControlCharacter(name), 'An event name has no control characters.'),
    url: beaconUrl.pipe(z.url()),
    props: z
      .record(z.string().min(1).max(MAX_EVENT_PROP_KEY), propValue)
      .refine((props) => Object.keys(props).length <= MAX_EVENT_PROPS, `At most ${MAX_EVENT_PROPS} properties.`)
      .optional(),
    width: z.number().int().min(0).max(100_000).optional(),
  })
  .strict();
export type EventBeacon = z.infer<typeof eventBeaconSchema>;

/** Dimensions a summary can be broken down and filtered by. */
export const ANALYTICS_DIMENSIONS = [
  'page',
  'entry_page',
  'exit_page',
  'source',
  'utm_source',
  'utm_medium',
  'utm_campaign',
  'country',
  'device',
  'browser',
  'os',
  'event',
] as const;
export type AnalyticsDimension = (typeof ANALYTICS_DIMENSIONS)[number];

/** `filters` of a summary or funnel: each given dimension must equal its value (e.g. `{page: '/pricing', device: 'mobile', country: 'DE'}`). */
export const analyticsFiltersSchema = z.partialRecord(z.enum(ANALYTICS_DIMENSIONS), z.string().min(1).max(MAX_BEACON_URL));
export type AnalyticsFilters = z.infer<typeof analyticsFiltersSchema>;

/** Device types read from the User-Agent. */
export const DEVICE_TYPES = ['desktop', 'mobile', 'tablet', 'other'] as const;
export type DeviceType = (typeof DEVICE_TYPES)[number];

/** Buckets of a summary's time series. */
export const ANALYTICS_INTERVALS = ['hour', 'day', 'month'] as const;
export type AnalyticsInterval = (typeof ANALYTICS_INTERVALS)[number];

/** Query of `GET /analytics/summary`. `from` is inclusive, `to` exclusive; `filters` is JSON. */
export const summaryQuerySchema = z
  .object({
    site: z.uuid(),
    from: z.iso.datetime({ offset: true }),
    to: z.iso.datetime({ offset: true }),
    interval: z.enum(ANALYTICS_INTERVALS).default('day'),
    filters: z.string().max(10_000).optional(),
    /** `previous`: also the totals of the period of the same length just before. */
    compare: z.enum(['previous', 'none']).default('none'),
    /** Rows per breakdown (default 10). */
    limit: z.coerce.number().int().min(1).max(1000).default(10),
  })
  .strict();
export type SummaryQuery = z.input<typeof summaryQuerySchema>;

/** Headline figures of a period. */
export interface AnalyticsTotals {
  /** Unique visitors per day, summed over the days (the visitor id rotates daily, so no visitor is followed across days). */
  readonly visitors: number;
  readonly sessions: number;
  readonly pageviews: number;
  /** Custom events. */
  readonly events: number;
  /** Share of sessions with one page view and no event, 0–1 (0 without sessions). */
  readonly bounce_rate: number;
  /** Mean seconds from a session's first to last activity. */
  readonly avg_session_s: number;
  readonly pageviews_per_session: number;
}

/** One bucket of the time series. */
export interface AnalyticsPoint {
  /** Start of the bucket (ISO 8601, UTC). */
  readonly t: string;
  readonly visitors: number;
  readonly pageviews: number;
}

/** One row of a breakdown (page views count the page's views for `page`, a session's views for the others). */
export interface BreakdownRow {
  readonly value: string;
  readonly visitors: number;
  readonly pageviews: number;
  /** Sessions for session dimensions, entries for `entry_page`, exits for `exit_page`, occurrences for `event`. */
  readonly count: number;
}

/** One value of one custom event's property. */
export interface EventPropertyRow {
  readonly event: string;
  readonly key: string;
  readonly value: string;
  readonly count: number;
}

/** Answer of `GET /analytics/summary`. */
export interface AnalyticsSummary {
  readonly site_id: string;
  readonly from: string;
  readonly to: string;
  readonly interval: AnalyticsInterval;
  readonly filters: AnalyticsFilters;
  readonly totals: AnalyticsTotals;
  /** Totals of the previous period of the same length (when `compare=previous`). */
  readonly previous: AnalyticsTotals | null;
  readonly series: readonly AnalyticsPoint[];
  readonly breakdowns: Readonly<Record<AnalyticsDimension, readonly BreakdownRow[]>>;
  /** Property values of the top custom events. */
  readonly event_properties: readonly EventPropertyRow[];
}

/** One step of a funnel: a page path (exact) or a custom event name. */
export const funnelStepSchema = z.object({ type: z.enum(['page', 'event']), value: z.string().min(1).max(MAX_BEACON_URL) }).strict();
export type FunnelStep = z.infer<typeof funnelStepSchema>;

/** Body of `POST /analytics/funnel`. */
export const funnelQuerySchema = z
  .object({
    site: z.uuid(),
    from: z.iso.datetime({ offset: true }),
    to: z.iso.datetime({ offset: true }),
    steps: z.array(funnelStepSchema).min(2).max(10),
    /** A visitor converts when the steps happen in order within this many minutes of the first (default a day). */
    window_minutes: z
      .number()
      .int()
      .min(1)
      .max(60 * 24 * 31)
      .default(60 * 24),
    filters: analyticsFiltersSchema.optional(),
  })
  .strict();
export type FunnelQuery = z.input<typeof funnelQuerySchema>;

/** One step's figures in a funnel answer. */
export interface FunnelStepResult {
  readonly step: FunnelStep;
  /** Visitors who reached this step (having passed the ones before, in order, in the window). */
  readonly visitors: number;
  /** Share of the first step's visitors, 0–1. */
  readonly conversion: number;
  /** Share of the previous step's visitors who did not reach this one, 0–1 (0 for the first). */
  readonly drop_off: number;
}

/** Answer of `POST /analytics/funnel`. */
export interface FunnelResult {
  readonly site_id: string;
  readonly from: string;
  readonly to: string;
  readonly window_minutes: number;
  readonly steps: readonly FunnelStepResult[];
}

/** One recent page view in the live feed. */
export interface LivePageview {
  readonly site_id: string;
  readonly path: string;
  readonly country: string | null;
  readonly device: DeviceType;
  readonly browser: string | null;
  readonly at: string;
}

/** Live figures of one site. */
export interface LiveSiteFigures {
  readonly site_id: string;
  /** Distinct visitors with activity in the last 5 minutes. */
  readonly visitors_now: number;
  /** Page views per second over the last 10 seconds. */
  readonly pageviews_per_s: number;
  /** Page views of the last 60 seconds, one per second, oldest first. */
  readonly pageviews_last_minute: readonly number[];
}

/** Data of an `analytics_update` signal in the `analytics:{workspace}` room (about once a second while there is traffic). */
export interface AnalyticsUpdate {
  readonly workspace_id: string;
  readonly sites: readonly LiveSiteFigures[];
  /** The newest page views across the workspace's sites, newest first (at most 20). */
  readonly recent: readonly LivePageview[];
}
