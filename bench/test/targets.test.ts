import { describe, expect, it } from 'vitest';
import type { TargetKind } from '../src/generator/messages.ts';
import type { StepResult, WorkloadResult } from '../src/report/results.ts';
import { evaluateTargets } from '../src/report/targets.ts';

function step(target: TargetKind, publishRate: number, p99: number, deliveredPerSec: number, lost = 0): StepResult {
  const latency = { count: 100, p50: p99 / 2, p95: p99, p99, max: p99, mean: p99 / 2 };
  return {
    target,
    server: target,
    step: `${publishRate} msg/s`,
    publishRate,
    sent: 100,
    expected: 1000,
    received: 1000 - lost,
    lost,
    deliveredPerSec,
    latency,
    latencyByNode: [latency],
    serverCpuPer1k: 1,
    serverCpuPct: 10,
    serverRssMb: 100,
    generatorCpuPct: 10,
    generatorSaturated: false,
    machineBusyPct: 50,
    writes: null,
    pgWaits: null,
    errors: [],
  };
}

function fanout(steps: StepResult[]): WorkloadResult {
  return { id: 'fanout', title: '', method: '', tables: [], data: { steps }, failures: [] };
}

const find = (checks: ReturnType<typeof evaluateTargets>, prefix: string) => checks.find((c) => c.target.startsWith(prefix));

describe('target checks', () => {
  it('compares fan-out p99 at 50 msg/s as ratios between servers of the same run', () => {
    const checks = evaluateTargets([fanout([step('tandem', 50, 12, 50_000), step('socketio', 50, 10, 50_000), step('ws', 50, 9, 50_000)])]);
    expect(find(checks, 'Fan-out 50 msg/s: Tandem p99 ≤ Socket.IO')?.pass).toBe(false);
    expect(find(checks, 'Fan-out 50 msg/s: Tandem p99 ≤ 1.5 × bare ws')?.pass).toBe(true);
    expect(find(checks, 'Fan-out 1,000 × 50 msg/s: zero loss')?.pass).toBe(true);
  });

  it('counts a loss at 50 msg/s as a miss', () => {
    const checks = evaluateTargets([fanout([step('tandem', 50, 5, 49_000, 7)])]);
    expect(find(checks, 'Fan-out 1,000 × 50 msg/s: zero loss')).toMatchObject({ pass: false, measured: 'lost 7 of 1000' });
  });

  it('takes saturation throughput from the last step before p99 passes 100 ms', () => {
    const checks = evaluateTargets([
      fanout([
        step('tandem', 100, 20, 100_000),
        step('tandem', 200, 150, 190_000),
        step('ws', 100, 10, 100_000),
        step('ws', 200, 120, 200_000),
        step('socketio', 100, 200, 80_000),
      ]),
    ]);
    expect(find(checks, 'Saturation throughput ≥ 0.9 × bare ws')?.pass).toBe(true);
  });

  it('gives no saturation verdict against a peer that failed even its first step (the machine set the limit)', () => {
    const checks = evaluateTargets([fanout([step('tandem', 100, 20, 100_000), step('tandem', 200, 150, 190_000), step('socketio', 100, 200, 80_000)])]);
    expect(find(checks, 'Saturation throughput ≥ 1.2 × Socket.IO')?.pass).toBeNull();
  });

  it('calls a saturation comparison inconclusive when the peer never saturated', () => {
    const checks = evaluateTargets([fanout([step('tandem', 100, 20, 100_000), step('tandem', 200, 150, 190_000), step('ws', 100, 10, 100_000)])]);
    expect(find(checks, 'Saturation throughput ≥ 0.9 × bare ws')?.pass).toBeNull();
  });

  it('reports every target as not measured when its workload did not run', () => {
    const checks = evaluateTargets([]);
    expect(checks.length).toBeGreaterThanOrEqual(12);
    expect(checks.every((c) => c.pass === null)).toBe(true);
  });
});
