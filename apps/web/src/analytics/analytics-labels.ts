import type { AnalyticsDimension, AnalyticsTotals } from '@tandem/protocol';
import { countryFlag, countryName } from './country-flag.ts';

/** How each dimension is named in tables and filter chips. */
export const DIMENSION_LABELS: Readonly<Record<AnalyticsDimension, string>> = {
  page: 'Page',
  entry_page: 'Entry page',
  exit_page: 'Exit page',
  source: 'Source',
  utm_source: 'UTM source',
  utm_medium: 'UTM medium',
  utm_campaign: 'UTM campaign',
  country: 'Country',
  device: 'Device',
  browser: 'Browser',
  os: 'OS',
  event: 'Event',
};

/** What the `count` column of a dimension's table counts. */
export const COUNT_LABELS: Readonly<Record<AnalyticsDimension, string>> = {
  page: 'Views',
  entry_page: 'Entries',
  exit_page: 'Exits',
  source: 'Sessions',
  utm_source: 'Sessions',
  utm_medium: 'Sessions',
  utm_campaign: 'Sessions',
  country: 'Sessions',
  device: 'Sessions',
  browser: 'Sessions',
  os: 'Sessions',
  event: 'Count',
};

/** A dimension value as a reader sees it (countries by name with their flag, empty sources as "Direct"). */
export function displayValue(dimension: AnalyticsDimension, value: string): string {
  if (dimension === 'country') {
    const flag = countryFlag(value);
    return value ? `${flag ? `${flag} ` : ''}${countryName(value)}` : 'Unknown';
  }
  if (value === '') return dimension === 'source' ? 'Direct / none' : '(none)';
  if (dimension === 'device') return value.charAt(0).toUpperCase() + value.slice(1);
  return value;
}

/** The headline figures, in order. */
export const HEADLINE_FIGURES: readonly {
  readonly key: Exclude<keyof AnalyticsTotals, 'events'>;
  readonly label: string;
  /** True when a rise is bad news (bounce rate), so its delta is coloured the other way round. */
  readonly lowerIsBetter?: boolean;
}[] = [
  { key: 'visitors', label: 'Visitors' },
  { key: 'sessions', label: 'Sessions' },
  { key: 'pageviews', label: 'Page views' },
  { key: 'bounce_rate', label: 'Bounce rate', lowerIsBetter: true },
  { key: 'avg_session_s', label: 'Avg. session' },
  { key: 'pageviews_per_session', label: 'Pages / session' },
];

const integer = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1, minimumFractionDigits: 1 });

/** A whole number with grouping ("12,345"). */
export function formatCount(n: number): string {
  return integer.format(n);
}

/** Seconds as "42 s", "3 m 05 s" or "1 h 02 m". */
export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} m ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} m`;
}

/** One headline figure formatted. */
export function formatFigure(key: keyof AnalyticsTotals, value: number): string {
  if (key === 'bounce_rate') return `${Math.round(value * 100)} %`;
  if (key === 'avg_session_s') return formatDuration(value);
  if (key === 'pageviews_per_session') return decimal.format(value);
  return formatCount(value);
}

/**
 * The change from the previous period: percentage points for the bounce rate, a relative change
 * for the others; null when there is nothing to compare with (no previous figure).
 */
export function figureDelta(key: keyof AnalyticsTotals, current: number, previous: number | undefined): { text: string; direction: -1 | 0 | 1 } | null {
  if (previous === undefined) return null;
  if (key === 'bounce_rate') {
    const points = Math.round((current - previous) * 100);
    return { text: `${points > 0 ? '+' : points < 0 ? '−' : '±'}${Math.abs(points)} pt`, direction: Math.sign(points) as -1 | 0 | 1 };
  }
  if (previous === 0) return current === 0 ? { text: '±0 %', direction: 0 } : { text: 'new', direction: 1 };
  const pct = Math.round(((current - previous) / previous) * 100);
  return { text: `${pct > 0 ? '+' : pct < 0 ? '−' : '±'}${Math.abs(pct)} %`, direction: Math.sign(pct) as -1 | 0 | 1 };
}

/** "just now", "12 s ago", "3 min ago" for the live feed. */
export function timeAgo(iso: string, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 5) return 'just now';
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  return new Date(iso).toLocaleTimeString();
}
