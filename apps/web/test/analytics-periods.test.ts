import { describe, expect, it } from 'vitest';
import { figureDelta, formatDuration } from '../src/analytics/analytics-labels.ts';
import { countryFlag } from '../src/analytics/country-flag.ts';
import { customRange, presetRange, previousRange } from '../src/analytics/date-range.ts';

const NOW = new Date('2026-12-07T12:34:56Z');
const iso = (d: Date) => d.toISOString();

describe('analytics periods', () => {
  it('presets end with the current UTC day (or month), in the buckets that suit them', () => {
    expect(presetRange('today', NOW)).toMatchObject({ interval: 'hour' });
    expect(iso(presetRange('today', NOW).from)).toBe('2026-12-07T00:00:00.000Z');
    expect(iso(presetRange('today', NOW).to)).toBe('2026-12-08T00:00:00.000Z');
    const week = presetRange('7d', NOW);
    expect([iso(week.from), iso(week.to), week.interval]).toEqual(['2026-12-01T00:00:00.000Z', '2026-12-08T00:00:00.000Z', 'day']);
    expect(iso(presetRange('30d', NOW).from)).toBe('2026-11-08T00:00:00.000Z');
    const year = presetRange('12m', NOW);
    expect([iso(year.from), iso(year.to), year.interval]).toEqual(['2026-01-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z', 'month']);
  });

  it('a custom period includes both days; reversed or impossible days give none', () => {
    const one = customRange('2026-12-07', '2026-12-07');
    expect(one && [iso(one.from), iso(one.to), one.interval]).toEqual(['2026-12-07T00:00:00.000Z', '2026-12-08T00:00:00.000Z', 'hour']);
    expect(customRange('2026-11-01', '2026-11-30')?.interval).toBe('day');
    expect(customRange('2026-01-01', '2026-12-31')?.interval).toBe('month');
    expect(customRange('2026-12-08', '2026-12-07')).toBeNull();
    expect(customRange('2026-02-30', '2026-03-01')).toBeNull();
    expect(customRange('', '2026-03-01')).toBeNull();
  });

  it('the period compared with is the one of the same length just before', () => {
    const prev = previousRange(presetRange('7d', NOW));
    expect([iso(prev.from), iso(prev.to)]).toEqual(['2026-11-24T00:00:00.000Z', '2026-12-01T00:00:00.000Z']);
  });
});

describe('analytics figures', () => {
  it('deltas are relative, in points for the bounce rate, and "new" when there was nothing before', () => {
    expect(figureDelta('visitors', 150, 100)).toEqual({ text: '+50 %', direction: 1 });
    expect(figureDelta('pageviews', 50, 100)).toEqual({ text: '−50 %', direction: -1 });
    expect(figureDelta('sessions', 3, 0)).toEqual({ text: 'new', direction: 1 });
    expect(figureDelta('sessions', 0, 0)).toEqual({ text: '±0 %', direction: 0 });
    expect(figureDelta('bounce_rate', 0.42, 0.4)).toEqual({ text: '+2 pt', direction: 1 });
    expect(figureDelta('visitors', 3, undefined)).toBeNull();
  });

  it('durations and country flags read as people expect', () => {
    expect(formatDuration(42)).toBe('42 s');
    expect(formatDuration(185)).toBe('3 m 05 s');
    expect(formatDuration(3720)).toBe('1 h 02 m');
    expect(countryFlag('de')).toBe('🇩🇪');
    expect(countryFlag('US')).toBe('🇺🇸');
    expect(countryFlag('')).toBe('');
    expect(countryFlag('EUR')).toBe('');
  });
});
