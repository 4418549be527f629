/**
 * A token-bucket rate limit for many clients at once: `rate` tokens per second, each client's
 * bucket holding at most `burst`. Used per connection to cut off clients that flood the gateway.
 *
 * The rate and burst are held here once; a client's bucket is a single number it keeps itself,
 * the time (ms) at which its bucket will be full again, so a limit on each of tens of thousands
 * of connections costs no object per connection. (This is GCRA, the "virtual scheduling" form
 * of a token bucket: it allows exactly what the bucket would.)
 */
export class TokenBucket {
  /** The state of a full bucket, to start a client with. */
  static readonly FULL = 0;
  readonly #msPerToken: number;
  /** How far past now a bucket's full-again time may lie while it still holds a token. */
  readonly #slackMs: number;

  /** @param rate tokens added per second; @param burst capacity (default twice the rate). */
  constructor(
    rate: number,
    burst = rate * 2,
    private readonly now: () => number = Date.now,
  ) {
    this.#msPerToken = 1000 / rate;
    this.#slackMs = (burst - 1) * this.#msPerToken;
  }

  /**
   * Takes one token from the bucket whose state is `fullAt`: returns the bucket's new state, or
   * null when it is empty (its state is then unchanged).
   */
  take(fullAt: number): number | null {
    const now = this.now();
    const from = Math.max(fullAt, now);
    if (from - now > this.#slackMs) return null;
    return from + this.#msPerToken;
  }
}
