import { withTimeout } from '../generator/adapters/client-adapter.ts';
import { tandemAdapter } from '../generator/adapters/tandem-adapter.ts';
import { OVERHEAD_BUDGET_PCT, type Overhead, overhead, overheadPct, P99_SLACK_MS, type PathFigures } from '../measure/overhead.ts';
import type { StepResult, WorkloadResult } from '../report/results.ts';
import { callApi } from '../servers/tandem-fixture.ts';
import { fanoutSteps } from './fanout.ts';
import { recordSteps } from './record-path.ts';
import { stepTable } from './step-table.ts';
import { type BeforeSteps, forEachTarget, type WorkloadContext } from './workload-context.ts';

/** Tandem with the operations features off: no sampling (so no `metrics_update`) and no threshold evaluation. */
export const OPERATIONS_OFF_ENV: Readonly<Record<string, string>> = { METRICS_INTERVAL_MS: '0', ALERT_EVALUATE_MS: '0' };
/**
 * Tandem with them on, at the server's defaults (a sample and an evaluation every second), named
 * explicitly so the deployment is one of this workload's own, never one another workload left running.
 */
export const OPERATIONS_ON_ENV: Readonly<Record<string, string>> = { METRICS_INTERVAL_MS: '1000', ALERT_EVALUATE_MS: '1000' };

/** Threshold rules the on runs evaluate every second: far from their thresholds, so none fires. */
const NEVER_FIRING_THRESHOLDS = [
  { metric: 'delivery_p99_ms', threshold: 10_000 },
  { metric: 'event_loop_lag_ms', threshold: 10_000 },
  { metric: 'heap_used_mb', threshold: 1_000_000 },
] as const;
/** The value the record-condition rule waits for; the bench never writes it, so the rule is judged on every write and never fires. */
const NEVER_WRITTEN = 'a value the benchmark never writes';

type Mode = 'off' | 'on';
type Path = 'fan-out' | 'record';

/** What the operator's `system` client received while one on deployment was measured. */
export interface OperatorFeed {
  readonly metricsUpdates: number;
  readonly seconds: number;
}

/** One path's figures with the operations features off and on, over every step of every round. */
export interface OperationsResult {
  readonly path: Path;
  /** Steps measured per mode. */
  readonly steps: number;
  readonly off: PathFigures & { readonly cpuPer1k: number | null; readonly lost: number };
  readonly on: PathFigures & { readonly cpuPer1k: number | null; readonly lost: number };
  readonly overhead: Overhead;
  /** Server CPU per 1,000 deliveries, on against off, in percent (null when a mode delivered nothing). */
  readonly cpuPct: number | null;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return 0;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * One mode's figures: mean throughput, and the median step's p50, p99 and CPU per delivery, so one
 * step that a neighbour on the machine slowed does not decide the comparison.
 */
function pooled(steps: readonly StepResult[]): OperationsResult['off'] {
  const cpu = steps.map((s) => s.serverCpuPer1k).filter((v): v is number => v !== null);
  return {
    deliveredPerSec: Math.round(steps.reduce((sum, s) => sum + s.deliveredPerSec, 0) / Math.max(1, steps.length)),
    p50: median(steps.map((s) => s.latency.p50)),
    p99: median(steps.map((s) => s.latency.p99)),
    cpuPer1k: cpu.length ? Math.round(median(cpu) * 100) / 100 : null,
    lost: steps.reduce((sum, s) => sum + s.lost, 0),
  };
}

/**
 * The operations load of an on deployment, set up before its warm-up: a few threshold rules the
 * evaluator reads every second, a record-condition rule on the benchmark's table (judged inside
 * every record write), and the owner's WebSocket client subscribed to `system`, which gets
 * `metrics_update` every second. Undone (client closed, rules deleted) after the last step.
 */
function operationsLoad(feeds: OperatorFeed[]): BeforeSteps {
  return async (prepared) => {
    const fixture = prepared.fixture;
    const url = prepared.deployment.nodes[0]?.url;
    const owner = fixture?.tokens[0];
    if (!fixture || !url || !owner) throw new Error('the operations load needs a Tandem fixture');
    const recipients = { roles: ['owner'] };
    const rules: string[] = [];
    for (const t of NEVER_FIRING_THRESHOLDS) {
      const rule = await callApi<{ id: string }>(url, 'POST', '/alerts/rules', owner, {
        workspace_id: fixture.workspaceId,
        name: `Bench: ${t.metric} above ${t.threshold}`,
        kind: 'threshold',
        recipients,
        condition: { metric: t.metric, comparison: 'gt', threshold: t.threshold, for_seconds: 60 },
      });
      rules.push(rule.id);
    }
    const table = fixture.tables[0];
    if (table) {
      const rule = await callApi<{ id: string }>(url, 'POST', '/alerts/rules', owner, {
        workspace_id: fixture.workspaceId,
        name: 'Bench: payload never written',
        kind: 'record',
        table_id: table.id,
        recipients,
        conditions: [{ field_id: table.fieldId, comparison: 'eq', value: NEVER_WRITTEN }],
      });
      rules.push(rule.id);
    }

    const adapter = tandemAdapter(['metrics_update']);
    let updates = 0;
    let firstUpdate: (() => void) | undefined;
    const first = new Promise<void>((resolve) => {
      firstUpdate = resolve;
    });
    const operator = await adapter.open(
      { url, token: owner, localAddress: undefined, timeoutMs: 30_000 },
      {
        frame: (text) => {
          if (!adapter.counts(text)) return;
          updates += 1;
          firstUpdate?.();
        },
        closed: () => undefined,
      },
    );
    await operator.subscribe({ name: 'system' }, undefined);
    // Streaming must be live before anything is measured.
    await withTimeout(first, 10_000, 'the first metrics_update in system');
    const from = { updates, at: performance.now() };
    return async () => {
      feeds.push({ metricsUpdates: updates - from.updates, seconds: Math.round((performance.now() - from.at) / 100) / 10 });
      operator.terminate();
      for (const id of rules) await callApi(url, 'DELETE', `/alerts/rules/${id}`, owner);
    };
  };
}

/**
 * (g) Operations: what the live operations features cost (issue 16). The fan-out and the record
 * path at a fixed rate on one PGlite node, with the metrics sampler and the alert evaluator
 * turned off, and with them on under an operator's load (alert rules, a `system` subscriber).
 * Rounds alternate which mode runs first, and each mode gets a fresh server process.
 */
export async function runOperations(ctx: WorkloadContext): Promise<WorkloadResult> {
  const p = ctx.profile.operations;
  const failures: string[] = [];
  const measured: Record<Path, Record<Mode, StepResult[]>> = { 'fan-out': { off: [], on: [] }, record: { off: [], on: [] } };
  const feeds: OperatorFeed[] = [];
  const label = (mode: Mode, round: number, steps: readonly StepResult[]) => steps.map((s) => ({ ...s, step: `${mode}, round ${round + 1}: ${s.step}` }));
  await forEachTarget(
    ctx,
    failures,
    async () => {
      for (let round = 0; round < p.rounds; round++) {
        const order: Mode[] = round % 2 === 0 ? ['off', 'on'] : ['on', 'off'];
        for (const mode of order) {
          const env = mode === 'on' ? OPERATIONS_ON_ENV : OPERATIONS_OFF_ENV;
          const beforeSteps = mode === 'on' ? operationsLoad(feeds) : undefined;
          ctx.log(`  round ${round + 1}, operations ${mode}`);
          try {
            const fan = await fanoutSteps(ctx, 'tandem', {
              subscribers: p.subscribers,
              rates: Array.from({ length: p.steps }, () => p.fanoutRate),
              saturationRates: [],
              nodes: 1,
              database: 'pglite',
              label: `operations-${mode}-fanout`,
              env,
              beforeSteps,
            });
            measured['fan-out'][mode].push(...label(mode, round, fan));
            await ctx.pool.broadcast({ cmd: 'close' });
            const rec = await recordSteps(ctx, {
              database: 'pglite',
              nodes: 1,
              subscribers: p.writeSubscribers,
              records: 200,
              rates: Array.from({ length: p.steps }, () => p.writeRate),
              label: `operations-${mode}-record`,
              env,
              beforeSteps,
            });
            measured.record[mode].push(...label(mode, round, rec));
          } finally {
            await ctx.pool.broadcast({ cmd: 'close' }).catch(() => undefined);
            // The other mode's server must not idle beside the measured one.
            await ctx.deployments.stop('tandem', { database: 'pglite', env });
          }
        }
      }
    },
    ctx.targets.filter((t) => t === 'tandem'),
  );

  const results: OperationsResult[] = (['fan-out', 'record'] as const)
    .filter((path) => measured[path].off.length > 0 && measured[path].on.length > 0)
    .map((path) => {
      const off = pooled(measured[path].off);
      const on = pooled(measured[path].on);
      const cpuPct = off.cpuPer1k !== null && on.cpuPer1k !== null ? overheadPct(off.cpuPer1k, on.cpuPer1k) : null;
      return { path, steps: Math.min(measured[path].off.length, measured[path].on.length), off, on, overhead: overhead(off, on), cpuPct };
    });
  for (const r of results) {
    ctx.log(
      `  ${r.path}: ${r.off.deliveredPerSec} → ${r.on.deliveredPerSec} deliveries/s, p99 ${r.off.p99} → ${r.on.p99} ms (${r.overhead.p99Pct} %), CPU/1k ${r.off.cpuPer1k} → ${r.on.cpuPer1k} ms`,
    );
  }
  const updates = feeds.reduce((sum, f) => sum + f.metricsUpdates, 0);
  const seconds = Math.round(feeds.reduce((sum, f) => sum + f.seconds, 0));
  const all = [...measured['fan-out'].off, ...measured['fan-out'].on, ...measured.record.off, ...measured.record.on];
  const signedPct = (v: number) => (v > 0 ? `+${v}` : `${v}`);
  return {
    id: 'operations',
    title: '(g) Operations overhead',
    method:
      `Tandem only, one PGlite node: fan-out to ${p.subscribers} subscribers at ${p.fanoutRate} msg/s (as (a)) and ${p.writeRate} record writes/s to ${p.writeSubscribers} subscribers (as (d)), ` +
      `each ${p.steps} step(s) after a warm-up, on a server with \`METRICS_INTERVAL_MS=0 ALERT_EVALUATE_MS=0\` (off: no sampling, no \`metrics_update\`, no threshold evaluation) ` +
      `and on one with the defaults (on: a sample and an evaluation every second) under an operator's load: ${NEVER_FIRING_THRESHOLDS.length} threshold rules ` +
      `(${NEVER_FIRING_THRESHOLDS.map((t) => `${t.metric} > ${t.threshold}`).join(', ')}, for 60 s: evaluated, never firing), a record-condition rule on the benchmark's table ` +
      "(judged inside every record write, never matching) and the owner's WebSocket client subscribed to `system`, which must receive its first `metrics_update` before the warm-up. " +
      `${p.rounds} round(s), alternating which mode runs first; each mode gets a fresh server process and the other one is stopped. ` +
      "Throughput is the mean of the steps' deliveries/s; p50, p99 and CPU per 1,000 deliveries are the median step's. " +
      `Within budget: throughput lost ≤ ${OVERHEAD_BUDGET_PCT} % and p99 grown by ≤ ${OVERHEAD_BUDGET_PCT} % or by ≤ ${P99_SLACK_MS} ms (at a p99 of a few milliseconds, ${OVERHEAD_BUDGET_PCT} % is within the histogram's bucket width and this machine's scheduling jitter). ` +
      "At a fixed rate a server below saturation delivers everything either way, so the CPU per delivery is the cost in the server's own time, reported beside (not judged). " +
      `The operator's client received ${updates} \`metrics_update\` in ${seconds} s of on measurement.`,
    tables: [
      {
        title: 'Operations off against on',
        columns: [
          'path',
          'steps per mode',
          'off deliveries/s',
          'on deliveries/s',
          'throughput lost %',
          'off p50 ms',
          'on p50 ms',
          'p50 %',
          'off p99 ms',
          'on p99 ms',
          'p99 %',
          'p99 added ms',
          'off CPU ms/1k',
          'on CPU ms/1k',
          'CPU %',
          'lost off / on',
          `within ${OVERHEAD_BUDGET_PCT} %`,
        ],
        rows: results.map((r) => [
          r.path,
          r.steps,
          r.off.deliveredPerSec,
          r.on.deliveredPerSec,
          r.overhead.throughputPct,
          r.off.p50,
          r.on.p50,
          signedPct(r.overhead.p50Pct),
          r.off.p99,
          r.on.p99,
          signedPct(r.overhead.p99Pct),
          signedPct(r.overhead.p99AddedMs),
          r.off.cpuPer1k ?? '–',
          r.on.cpuPer1k ?? '–',
          r.cpuPct === null ? '–' : signedPct(r.cpuPct),
          `${r.off.lost} / ${r.on.lost}`,
          r.overhead.withinBudget ? 'yes' : 'no',
        ]),
      },
      stepTable('Operations: every step', all),
    ],
    data: { results, feeds },
    failures,
  };
}
