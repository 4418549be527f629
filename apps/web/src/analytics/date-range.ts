import type { AnalyticsInterval } from '@tandem/protocol';

/** The periods the picker offers. */
export const RANGE_PRESETS = ['today', '7d', '30d', '12m', 'custom'] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number];

/** Labels of the presets. */
export const RANGE_LABELS: Readonly<Record<RangePreset, string>> = {
  today: 'Today',
  '7d': '7 days',
  '30d': '30 days',
  '12m': '12 months',
  custom: 'Custom',
};

/**
 * A chosen period: `from` inclusive, `to` exclusive, with the bucket of its chart. Days are UTC
 * days, as the server counts them (its daily rollups and buckets are UTC), so a period never
 * splits a day.
 */
export interface DateRange {
  readonly preset: RangePreset;
  readonly from: Date;
  readonly to: Date;
  readonly interval: AnalyticsInterval;
}

const DAY_MS = 24 * 60 * 60 * 1000;

function startOfDay(d: Date): Date {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
}

function addDays(d: Date, days: number): Date {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + days));
}

/** The period of a preset ending with the current day (or month); `custom` falls back to 30 days. */
export function presetRange(preset: Exclude<RangePreset, 'custom'>, now = new Date()): DateRange {
  const tomorrow = addDays(startOfDay(now), 1);
  switch (preset) {
    case 'today':
      return { preset, from: startOfDay(now), to: tomorrow, interval: 'hour' };
    case '7d':
      return { preset, from: addDays(tomorrow, -7), to: tomorrow, interval: 'day' };
    case '30d':
      return { preset, from: addDays(tomorrow, -30), to: tomorrow, interval: 'day' };
    case '12m':
      return {
        preset,
        from: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 11, 1)),
        to: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)),
        interval: 'month',
      };
  }
}

/**
 * A custom period from two `yyyy-mm-dd` days, both included; its buckets are hours for one day,
 * months beyond about three months, days in between. Null when a day is missing or they are reversed.
 */
export function customRange(fromDay: string, toDay: string): DateRange | null {
  const from = parseDay(fromDay);
  const last = parseDay(toDay);
  if (!from || !last || last < from) return null;
  const to = addDays(last, 1);
  const days = Math.round((to.getTime() - from.getTime()) / DAY_MS);
  return { preset: 'custom', from, to, interval: days <= 1 ? 'hour' : days > 92 ? 'month' : 'day' };
}

/** The period just before `range`, of the same length (what the deltas compare with). */
export function previousRange(range: DateRange): { from: Date; to: Date } {
  const length = range.to.getTime() - range.from.getTime();
  return { from: new Date(range.from.getTime() - length), to: range.from };
}

/** The UTC day of `d` as `yyyy-mm-dd` (the value of a date input). */
export function dayValue(d: Date): string {
  return d.toISOString().slice(0, 10);
}

function parseDay(value: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return null;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return Number.isNaN(d.getTime()) || dayValue(d) !== value ? null : d;
}

/** Whether the period reaches into the future (so new traffic can still change its figures). */
export function rangeIsOpen(range: DateRange, now = Date.now()): boolean {
  return range.to.getTime() > now;
}

/** A short human description, e.g. "1 Dec – 7 Dec 2026". */
export function describeRange(range: { from: Date; to: Date }): string {
  const last = new Date(range.to.getTime() - 1);
  const day = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', timeZone: 'UTC' });
  const full = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
  if (startOfDay(range.from).getTime() === startOfDay(last).getTime()) return full.format(range.from);
  return `${(range.from.getUTCFullYear() === last.getUTCFullYear() ? day : full).format(range.from)} – ${full.format(last)}`;
}
