/**
 * A token bucket: `rate` tokens per second, holding at most `burst`. Used per connection to cut
 * off clients that flood the gateway.
 */
export class TokenBucket {
  #tokens: number;
  #last: number;

  /** @param rate tokens added per second; @param burst capacity (default twice the rate). */
  constructor(
    private readonly rate: number,
    private readonly burst = rate * 2,
    private readonly now: () => number = Date.now,
  ) {
    this.#tokens = burst;
    this.#last = now();
  }

  /** Takes one token; false when the bucket is empty. */
  take(): boolean {
    const now = this.now();
    this.#tokens = Math.min(this.burst, this.#tokens + ((now - this.#last) / 1000) * this.rate);
    this.#last = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}
