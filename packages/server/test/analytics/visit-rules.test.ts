import { describe, expect, it } from 'vitest';
import { anonymiseIp } from '../../src/analytics/ip-address.ts';
import { isAllowedHost, readPageUrl, referrerSource } from '../../src/analytics/page-url.ts';
import { SessionTracker, type VisitHit } from '../../src/analytics/session-tracker.ts';
import { readUserAgent } from '../../src/analytics/user-agent.ts';

const hit = (at: string, path: string, kind: VisitHit['kind'] = 'pageview'): VisitHit => ({
  siteId: 'site',
  visitorId: 'visitor',
  at: new Date(at),
  path,
  kind,
  source: '',
  utmSource: '',
  utmMedium: '',
  utmCampaign: '',
  country: 'DE',
  region: '',
  device: 'desktop',
  browser: 'Firefox',
  os: 'Linux',
});

describe('visits', () => {
  it('three page views within 30 minutes of each other are one visit; one 31 minutes after the last starts another', () => {
    const tracker = new SessionTracker();
    const first = tracker.record(hit('2026-03-01T10:00:00Z', '/'));
    expect(tracker.record(hit('2026-03-01T10:20:00Z', '/a')).id).toBe(first.id);
    expect(tracker.record(hit('2026-03-01T10:49:00Z', '/b')).id).toBe(first.id);
    expect(first).toMatchObject({ entryPage: '/', exitPage: '/b', pendingPageviews: 3 });
    const second = tracker.record(hit('2026-03-01T11:20:00Z', '/c'));
    expect(second.id).not.toBe(first.id);
    expect(second.entryPage).toBe('/c');
  });

  it('an event keeps the visit alive without changing its exit page', () => {
    const tracker = new SessionTracker();
    const visit = tracker.record(hit('2026-03-01T10:00:00Z', '/pricing'));
    tracker.record(hit('2026-03-01T10:25:00Z', '/pricing', 'event'));
    expect(tracker.record(hit('2026-03-01T10:54:00Z', '/thanks')).id).toBe(visit.id);
    expect(visit).toMatchObject({ pendingPageviews: 2, pendingEvents: 1, exitPage: '/thanks' });
  });
});

describe('what is kept of a request', () => {
  it('cuts IPv4 addresses to their /24 and IPv6 to their /48', () => {
    expect(anonymiseIp('203.0.113.77')).toBe('203.0.113.0');
    expect(anonymiseIp('::ffff:203.0.113.77')).toBe('203.0.113.0');
    expect(anonymiseIp('2001:db8:1234:5678:9abc::1')).toBe('2001:db8:1234::');
    expect(anonymiseIp('2001:db8::1')).toBe('2001:db8:0::');
    expect(anonymiseIp('not an address')).toBeNull();
  });

  it('keeps host and path, drops every query parameter but the UTM ones', () => {
    expect(readPageUrl('https://Shop.Example.com:8443/Pricing?utm_source=X&email=a@b.c#top')).toEqual({
      host: 'shop.example.com:8443',
      hostname: 'shop.example.com',
      path: '/Pricing',
      utmSource: 'x',
      utmMedium: '',
      utmCampaign: '',
    });
    expect(readPageUrl('file:///etc/passwd')).toBeNull();
  });

  it('names the referring host without www, and nothing for direct or same-site navigation', () => {
    expect(referrerSource('https://www.google.com/search?q=x', 'shop.example.com')).toBe('google.com');
    expect(referrerSource('https://shop.example.com/a', 'shop.example.com')).toBe('');
    expect(referrerSource('', 'shop.example.com')).toBe('');
    expect(referrerSource('android-app://com.x', 'shop.example.com')).toBe('');
  });

  it('matches site domains exactly, by port when given, and subdomains with *.', () => {
    expect(isAllowedHost(['example.com'], 'example.com', 'example.com')).toBe(true);
    expect(isAllowedHost(['example.com'], 'www.example.com', 'www.example.com')).toBe(false);
    expect(isAllowedHost(['*.example.com'], 'www.example.com', 'www.example.com')).toBe(true);
    expect(isAllowedHost(['*.example.com'], 'example.com', 'example.com')).toBe(true);
    expect(isAllowedHost(['*.example.com'], 'badexample.com', 'badexample.com')).toBe(false);
    expect(isAllowedHost(['localhost:5173'], 'localhost:5173', 'localhost')).toBe(true);
    expect(isAllowedHost(['localhost:5173'], 'localhost:3000', 'localhost')).toBe(false);
  });

  it('reads device, browser and OS, and recognises bots and headless browsers', () => {
    expect(
      readUserAgent('Mozilla/5.0 (iPad; CPU OS 16_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.0 Mobile/15E148 Safari/604.1'),
    ).toEqual({
      device: 'tablet',
      browser: 'Safari',
      os: 'iOS',
    });
    expect(readUserAgent('Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)')).toBeNull();
    expect(readUserAgent('Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36')).toBeNull();
    expect(readUserAgent(undefined)).toBeNull();
  });
});
