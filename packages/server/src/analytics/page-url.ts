/** What is kept of a page's URL: its host and path, and the UTM parameters of a landing page. */
export interface PageInfo {
  /** Host with port when not the default one, lowercase. */
  readonly host: string;
  /** Host name without port, lowercase. */
  readonly hostname: string;
  /** Path without query or fragment; `/` at least. */
  readonly path: string;
  readonly utmSource: string;
  readonly utmMedium: string;
  readonly utmCampaign: string;
}

/** Longest path kept; longer ones are cut (they are never identifying tokens worth keeping whole). */
const MAX_PATH = 500;
/** Longest UTM value kept. */
const MAX_UTM = 200;

/**
 * Parses a beacon's page URL. The query string is dropped entirely (it may hold tokens, emails or
 * reset links); only `utm_source`, `utm_medium` and `utm_campaign` are read from it. Returns null
 * for anything but an http(s) URL.
 */
export function readPageUrl(raw: string): PageInfo | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  const utm = (name: string) => (url.searchParams.get(name) ?? '').trim().toLowerCase().slice(0, MAX_UTM);
  let path = url.pathname || '/';
  try {
    path = decodeURI(path);
  } catch {
    // Keep the encoded form when it is not valid percent-encoding.
  }
  return {
    host: url.host.toLowerCase(),
    hostname: url.hostname.toLowerCase(),
    path: path.slice(0, MAX_PATH),
    utmSource: utm('utm_source'),
    utmMedium: utm('utm_medium'),
    utmCampaign: utm('utm_campaign'),
  };
}

/**
 * Where a visit came from: the referrer's host without `www.`, or '' for direct traffic and for
 * a referrer on the page's own host (navigation inside the site).
 */
export function referrerSource(referrer: string | undefined, pageHostname: string): string {
  if (!referrer) return '';
  let url: URL;
  try {
    url = new URL(referrer);
  } catch {
    return '';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return '';
  const host = url.hostname.toLowerCase();
  if (host === pageHostname) return '';
  return host.startsWith('www.') ? host.slice(4) : host;
}

/**
 * Whether a host may send beacons for a site with these domains: an entry matches its host name
 * exactly (`example.com`), with its port when it names one (`localhost:5173`), and `*.example.com`
 * matches example.com and every subdomain.
 */
export function isAllowedHost(domains: readonly string[], host: string, hostname: string): boolean {
  for (const domain of domains) {
    if (domain.startsWith('*.')) {
      const base = domain.slice(2);
      if (hostname === base || hostname.endsWith(`.${base}`)) return true;
    } else if (domain.includes(':') ? host === domain : hostname === domain) return true;
  }
  return false;
}
