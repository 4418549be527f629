import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../../src/realtime/token-bucket.ts';

/** Takes `n` tokens in a row; returns how many were granted and the bucket's last state. */
function takeMany(limit: TokenBucket, state: number, n: number): { granted: number; state: number } {
  let granted = 0;
  for (let i = 0; i < n; i++) {
    const next = limit.take(state);
    if (next === null) continue;
    granted++;
    state = next;
  }
  return { granted, state };
}

describe('token bucket', () => {
  it('a full bucket grants its burst at once, then refuses until tokens come back at the rate', () => {
    let now = 1_000_000;
    const limit = new TokenBucket(10, 20, () => now);
    let { granted, state } = takeMany(limit, TokenBucket.FULL, 25);
    expect(granted).toBe(20);
    expect(limit.take(state)).toBeNull();
    now += 100; // one token at 10 per second
    ({ granted, state } = takeMany(limit, state, 5));
    expect(granted).toBe(1);
    now += 250;
    ({ granted, state } = takeMany(limit, state, 5));
    expect(granted).toBe(2);
  });

  it('a client at the sustained rate is never refused, and an idle bucket refills only up to its burst', () => {
    let now = 5_000;
    const limit = new TokenBucket(10, 20, () => now);
    let state = TokenBucket.FULL;
    for (let i = 0; i < 1000; i++) {
      const next = limit.take(state);
      expect(next).not.toBeNull();
      state = next as number;
      now += 100;
    }
    now += 60_000;
    expect(takeMany(limit, state, 50).granted).toBe(20);
  });

  it('buckets of different clients are independent', () => {
    const now = 0;
    const limit = new TokenBucket(1, 2, () => now);
    const a = takeMany(limit, TokenBucket.FULL, 5);
    expect(a.granted).toBe(2);
    expect(takeMany(limit, TokenBucket.FULL, 5).granted).toBe(2);
  });
});
