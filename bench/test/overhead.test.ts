import { describe, expect, it } from 'vitest';
import { overhead, overheadPct, spreadPct } from '../src/measure/overhead.ts';

describe('what a feature costs a path, off against on', () => {
  it('states the on figure against the off figure in percent', () => {
    expect(overheadPct(20, 21)).toBe(5);
    expect(overheadPct(14.2, 13.5)).toBe(-4.9);
    expect(overheadPct(0, 0)).toBe(0);
  });

  it('passes a path that kept its throughput and grew its p99 by no more than 5 %', () => {
    const result = overhead({ deliveredPerSec: 50_000, p50: 6, p99: 20 }, { deliveredPerSec: 49_990, p50: 6.2, p99: 21 });
    expect(result).toMatchObject({ throughputPct: 0, p99Pct: 5, p99AddedMs: 1, withinBudget: true });
  });

  it('misses when p99 grows by more than 5 % and more than 1 ms', () => {
    const result = overhead({ deliveredPerSec: 50_000, p50: 6, p99: 20 }, { deliveredPerSec: 50_000, p50: 6, p99: 21.5 });
    expect(result.p99Pct).toBe(7.5);
    expect(result.withinBudget).toBe(false);
  });

  it('forgives a p99 of a few milliseconds that grew by under 1 ms, whatever its percent', () => {
    const result = overhead({ deliveredPerSec: 10_000, p50: 0.2, p99: 2 }, { deliveredPerSec: 10_000, p50: 0.3, p99: 2.8 });
    expect(result.p99Pct).toBe(40);
    expect(result.withinBudget).toBe(true);
  });

  it('misses when more than 5 % of the throughput is lost, however fast the rest arrived', () => {
    const result = overhead({ deliveredPerSec: 50_000, p50: 6, p99: 20 }, { deliveredPerSec: 47_000, p50: 5, p99: 18 });
    expect(result.throughputPct).toBe(6);
    expect(result.withinBudget).toBe(false);
  });

  it('counts more delivered with the feature on as no loss', () => {
    expect(overhead({ deliveredPerSec: 100, p50: 1, p99: 2 }, { deliveredPerSec: 102, p50: 1, p99: 2 }).throughputPct).toBe(-2);
  });

  it('leaves a p99 grown past the budget unresolved when repeated steps of one mode spread further apart', () => {
    const off = { deliveredPerSec: 20_000, p50: 4, p99: 20 };
    const on = { deliveredPerSec: 20_000, p50: 4, p99: 24 };
    expect(overhead(off, on, spreadPct([16, 22])).withinBudget).toBeNull();
    expect(overhead(off, on, spreadPct([19.5, 20.5])).withinBudget).toBe(false);
    // Measured once: no spread to weigh it against.
    expect(overhead(off, on).withinBudget).toBe(false);
  });

  it('measures the spread of repeated steps as largest over smallest', () => {
    expect(spreadPct([16, 20, 18])).toBe(25);
    expect(spreadPct([16])).toBeNull();
  });
});
