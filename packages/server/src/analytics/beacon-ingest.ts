import type { AnalyticsSite, EventBeacon, PageviewBeacon } from '@tandem/protocol';
import { errors } from '../errors/app-error.ts';
import type { BeaconWriter } from './beacon-writer.ts';
import type { GeoInfo, GeoLookup } from './geo-lookup.ts';
import { anonymiseIp } from './ip-address.ts';
import { type LiveHit, livePageview } from './live-analytics.ts';
import { isAllowedHost, type PageInfo, readPageUrl, referrerSource } from './page-url.ts';
import type { SessionTracker } from './session-tracker.ts';
import type { SiteService } from './site-service.ts';
import { type ClientInfo, readUserAgent } from './user-agent.ts';
import type { VisitorIds } from './visitor-id.ts';

/** What a beacon request carries besides its body. */
export interface BeaconRequest {
  readonly ip: string;
  readonly userAgent: string | undefined;
  /** The `Origin` header, when a browser sent one. */
  readonly origin: string | undefined;
  /** `DNT: 1` or `Sec-GPC: 1`. */
  readonly optedOut: boolean;
  readonly at: Date;
}

/** Why a valid beacon was not counted (answered 202 all the same, so a bot learns nothing). */
export type DropReason = 'bot' | 'opted_out' | 'no_address';

/** A beacon that passed the checks, with what was derived from its request; or why it is dropped. */
type CheckResult =
  | { readonly drop: DropReason }
  | {
      readonly drop: null;
      readonly site: AnalyticsSite;
      readonly page: PageInfo;
      readonly client: ClientInfo;
      readonly geo: GeoInfo;
      readonly visitorId: string;
    };

/** What ingestion needs. */
export interface IngestDeps {
  readonly sites: SiteService;
  readonly geo: GeoLookup;
  readonly visitors: VisitorIds;
  readonly sessions: SessionTracker;
  readonly writer: BeaconWriter;
  /** Shares a hit with every node's live figures. */
  readonly live: (hit: LiveHit) => void;
}

/**
 * Turns a beacon into stored rows. Everything that could identify a person is reduced first: the
 * IP address is cut to its /24 or /48 and, with the User-Agent, used only to derive country,
 * device, browser, OS and the daily visitor hash; neither is kept. Bots and (when the site asks)
 * browsers that opted out are dropped. Refuses beacons for unknown sites and from hosts the site
 * does not list.
 */
export class BeaconIngest {
  constructor(private readonly deps: IngestDeps) {}

  async pageview(beacon: PageviewBeacon, request: BeaconRequest): Promise<DropReason | null> {
    const checked = await this.#check(beacon.site, beacon.url, request, beacon.width);
    if (checked.drop) return checked.drop;
    const { site, page, client, geo, visitorId } = checked;
    const utm = page.utmSource || page.utmMedium || page.utmCampaign;
    const session = this.deps.sessions.record({
      siteId: site.id,
      visitorId,
      at: request.at,
      path: page.path,
      kind: 'pageview',
      source: referrerSource(beacon.referrer, page.hostname),
      utmSource: utm ? page.utmSource : '',
      utmMedium: utm ? page.utmMedium : '',
      utmCampaign: utm ? page.utmCampaign : '',
      country: geo.country,
      region: geo.region,
      device: client.device,
      browser: client.browser,
      os: client.os,
    });
    this.deps.writer.addPageview(session, request.at, page.hostname, page.path, (beacon.title ?? '').slice(0, 300));
    this.deps.live({
      workspace_id: site.workspace_id,
      site_id: site.id,
      visitor_id: visitorId,
      pageview: livePageview(page.path, geo.country, client.device, client.browser, request.at),
    });
    return null;
  }

  async event(beacon: EventBeacon, request: BeaconRequest): Promise<DropReason | null> {
    const checked = await this.#check(beacon.site, beacon.url, request, beacon.width);
    if (checked.drop) return checked.drop;
    const { site, page, client, geo, visitorId } = checked;
    const session = this.deps.sessions.record({
      siteId: site.id,
      visitorId,
      at: request.at,
      path: page.path,
      kind: 'event',
      source: '',
      utmSource: page.utmSource,
      utmMedium: page.utmMedium,
      utmCampaign: page.utmCampaign,
      country: geo.country,
      region: geo.region,
      device: client.device,
      browser: client.browser,
      os: client.os,
    });
    this.deps.writer.addEvent(session, request.at, beacon.name, page.path, beacon.props ?? {});
    this.deps.live({ workspace_id: site.workspace_id, site_id: site.id, visitor_id: visitorId, pageview: null });
    return null;
  }

  async #check(siteKey: string, url: string, request: BeaconRequest, width: number | undefined): Promise<CheckResult> {
    const site = await this.deps.sites.bySiteKey(siteKey);
    if (!site) throw errors.notFound('Site');
    const page = readPageUrl(url);
    if (!page) throw errors.invalid('The page URL must be an http or https URL.', { field: 'url' });
    if (!isAllowedHost(site.domains, page.host, page.hostname)) throw errors.forbidden(`This site does not track ${page.hostname}.`);
    if (request.origin !== undefined && !this.#originAllowed(site, request.origin)) throw errors.forbidden('Beacons from this origin are refused.');
    const client = readUserAgent(request.userAgent, width);
    if (!client) return { drop: 'bot' as const };
    if (site.respect_dnt && request.optedOut) return { drop: 'opted_out' as const };
    const anonymised = anonymiseIp(request.ip);
    if (!anonymised) return { drop: 'no_address' as const };
    const geo = this.deps.geo.lookup(anonymised);
    const visitorId = await this.deps.visitors.idOf(site.id, anonymised, request.userAgent ?? '', request.at);
    return { drop: null, site, page, client, geo, visitorId };
  }

  #originAllowed(site: AnalyticsSite, origin: string): boolean {
    try {
      const url = new URL(origin);
      return isAllowedHost(site.domains, url.host.toLowerCase(), url.hostname.toLowerCase());
    } catch {
      return false;
    }
  }
}
