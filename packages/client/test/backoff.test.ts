import { describe, expect, it } from 'vitest';
import { backoffDelay, LONG_BACKOFF_MIN_DELAY_MS, RECONNECT_MAX_DELAY_MS, RECONNECT_MIN_DELAY_MS } from '../src/backoff.ts';

describe('reconnect backoff', () => {
  it('doubles its ceiling per attempt up to the maximum, with the delay anywhere below it', () => {
    const top = () => 0.999_999;
    expect(backoffDelay(0, false, {}, top)).toBe(RECONNECT_MIN_DELAY_MS - 1);
    expect(backoffDelay(3, false, {}, top)).toBe(RECONNECT_MIN_DELAY_MS * 8 - 1);
    expect(backoffDelay(50, false, {}, top)).toBe(RECONNECT_MAX_DELAY_MS - 1);
    expect(backoffDelay(3, false, {}, () => 0)).toBe(0);
  });

  it('never lets a misbehaving client retry sooner than half the long ceiling', () => {
    expect(backoffDelay(0, true, {}, () => 0)).toBe(LONG_BACKOFF_MIN_DELAY_MS / 2);
  });
});
