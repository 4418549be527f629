import { describe, expect, it } from 'vitest';
import { Histogram } from '../src/measure/histogram.ts';

describe('latency histogram', () => {
  it('reports percentiles within the bucket precision and never below the true value', () => {
    const h = new Histogram();
    for (let i = 1; i <= 10_000; i++) h.record(i * 10); // 10 µs … 100 ms
    for (const p of [50, 95, 99]) {
      const exact = p * 1000; // the p-th percentile of 10..100000 µs
      const got = h.percentile(p);
      expect(got).toBeGreaterThanOrEqual(exact);
      expect(got).toBeLessThanOrEqual(exact * 1.02);
    }
    expect(h.max).toBe(100_000);
    expect(h.count).toBe(10_000);
  });

  it('keeps small values exact', () => {
    const h = new Histogram();
    for (const v of [0, 1, 5, 127]) h.record(v);
    expect(h.percentile(25)).toBe(0);
    expect(h.percentile(50)).toBe(1);
    expect(h.percentile(100)).toBe(127);
  });

  it('merges the serialised histograms of several processes into the same percentiles', () => {
    const a = new Histogram();
    const b = new Histogram();
    const all = new Histogram();
    for (let i = 0; i < 5000; i++) {
      const v = (i * 7919) % 250_000;
      (i % 2 ? a : b).record(v);
      all.record(v);
    }
    const merged = Histogram.from(JSON.parse(JSON.stringify(a.toJSON()))).merge(JSON.parse(JSON.stringify(b.toJSON())));
    expect(merged.summary()).toEqual(all.summary());
  });

  it('caps huge values instead of overflowing the bucket index', () => {
    const h = new Histogram();
    h.record(2 ** 40);
    expect(h.percentile(100)).toBe(2 ** 31 - 1);
    expect(Number.isFinite(h.summary().p99)).toBe(true);
  });

  it('summarises an empty histogram as zeros', () => {
    expect(new Histogram().summary()).toEqual({ count: 0, p50: 0, p95: 0, p99: 0, max: 0, mean: 0 });
  });
});
