/** Shortest reconnect delay ceiling; the first retry waits a random time in [0, this]. */
export const RECONNECT_MIN_DELAY_MS = 250;
/** Longest reconnect delay ceiling; backoff stops doubling here. */
export const RECONNECT_MAX_DELAY_MS = 30_000;
/** Minimum ceiling after the server closed us for misbehaving (rate limited, slow consumer). */
export const LONG_BACKOFF_MIN_DELAY_MS = 5_000;
/** Maximum ceiling after the server closed us for misbehaving. */
export const LONG_BACKOFF_MAX_DELAY_MS = 60_000;

/** Backoff limits; every field defaults to the constants above. */
export interface BackoffOptions {
  /** Ceiling of the first delay (default {@link RECONNECT_MIN_DELAY_MS}). */
  readonly minDelayMs?: number;
  /** Largest ceiling (default {@link RECONNECT_MAX_DELAY_MS}). */
  readonly maxDelayMs?: number;
  /** First ceiling after a misbehaviour close (default {@link LONG_BACKOFF_MIN_DELAY_MS}). */
  readonly longMinDelayMs?: number;
  /** Largest ceiling after a misbehaviour close (default {@link LONG_BACKOFF_MAX_DELAY_MS}). */
  readonly longMaxDelayMs?: number;
}

/**
 * Exponential backoff with full jitter: the ceiling doubles with every failed attempt (from the
 * minimum up to the maximum) and the delay is uniformly random below it, so clients dropped
 * together by one server do not come back together. After a misbehaviour close the delay is
 * random in the upper half of the (longer) ceiling.
 *
 * @param attempt 0 for the first retry after a drop.
 * @param long whether the server asked for a longer backoff (see `needsLongBackoff`).
 * @param random a source of numbers in [0, 1) (default `Math.random`).
 */
export function backoffDelay(attempt: number, long: boolean, options: BackoffOptions = {}, random: () => number = Math.random): number {
  const min = long ? (options.longMinDelayMs ?? LONG_BACKOFF_MIN_DELAY_MS) : (options.minDelayMs ?? RECONNECT_MIN_DELAY_MS);
  const max = long ? (options.longMaxDelayMs ?? LONG_BACKOFF_MAX_DELAY_MS) : (options.maxDelayMs ?? RECONNECT_MAX_DELAY_MS);
  const ceiling = Math.min(max, min * 2 ** Math.min(attempt, 30));
  // A misbehaving client must really slow down, so its delay never drops below half the ceiling.
  const floor = long ? ceiling / 2 : 0;
  return Math.floor(floor + random() * (ceiling - floor));
}
