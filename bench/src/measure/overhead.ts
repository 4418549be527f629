/** What a feature may cost: at most this share of throughput or of p99 latency. */
export const OVERHEAD_BUDGET_PCT = 5;
/**
 * A p99 increase this small passes whatever its share: at a p99 of a few milliseconds, 5 % is
 * less than the histogram's bucket width and the timer jitter of a busy two-core machine.
 */
export const P99_SLACK_MS = 1;

/** The figures of one deployment that a comparison reads. */
export interface PathFigures {
  /** Deliveries per second achieved. */
  readonly deliveredPerSec: number;
  readonly p50: number;
  readonly p99: number;
}

/** How much more a figure is with the feature on than off, in percent of the off figure (one decimal). */
export function overheadPct(off: number, on: number): number {
  if (off === 0) return on === 0 ? 0 : Number.POSITIVE_INFINITY;
  return Math.round(((on - off) / off) * 1000) / 10;
}

/**
 * How far apart repeated measurements of the same thing are: (largest − smallest) / smallest in
 * percent (one decimal); null for fewer than two.
 */
export function spreadPct(values: readonly number[]): number | null {
  if (values.length < 2) return null;
  return overheadPct(Math.min(...values), Math.max(...values));
}

/** What turning a feature on cost one path, and whether that is within {@link OVERHEAD_BUDGET_PCT}. */
export interface Overhead {
  /** Throughput lost, in percent of the off throughput (negative: more was delivered with it on). */
  readonly throughputPct: number;
  readonly p50Pct: number;
  readonly p99Pct: number;
  /** p99 on minus p99 off, in milliseconds. */
  readonly p99AddedMs: number;
  /** How far the p99s of repeated steps of one mode spread, in percent (null: measured once). */
  readonly p99SpreadPct: number | null;
  /**
   * true: throughput lost ≤ {@link OVERHEAD_BUDGET_PCT} % and p99 grown by ≤ {@link OVERHEAD_BUDGET_PCT} % or by
   * ≤ {@link P99_SLACK_MS} ms. false: over budget, the p99 by more than repeated steps of one mode spread.
   * null: the p99 grew past the budget but less than that spread, so this run cannot tell.
   * p50 is reported, not judged: at millisecond medians its percent says little.
   */
  readonly withinBudget: boolean | null;
}

/** Compares a path measured with a feature off and on; `p99SpreadPct` is the {@link spreadPct} of repeated steps' p99s. */
export function overhead(off: PathFigures, on: PathFigures, p99SpreadPct: number | null = null): Overhead {
  // `|| 0`: no loss reads 0, not -0.
  const throughputPct = -overheadPct(off.deliveredPerSec, on.deliveredPerSec) || 0;
  const p99Pct = overheadPct(off.p99, on.p99);
  const p99AddedMs = Math.round((on.p99 - off.p99) * 1000) / 1000;
  const p99Within = p99Pct <= OVERHEAD_BUDGET_PCT || p99AddedMs <= P99_SLACK_MS;
  let withinBudget: boolean | null = throughputPct <= OVERHEAD_BUDGET_PCT && p99Within;
  if (throughputPct <= OVERHEAD_BUDGET_PCT && !p99Within && p99SpreadPct !== null && p99Pct <= p99SpreadPct) withinBudget = null;
  return { throughputPct, p50Pct: overheadPct(off.p50, on.p50), p99Pct, p99AddedMs, p99SpreadPct, withinBudget };
}
