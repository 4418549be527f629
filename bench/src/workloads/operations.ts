import { withTimeout } from '../generator/adapters/client-adapter.ts';
import { tandemAdapter } from '../generator/adapters/tandem-adapter.ts';
import { sleep } from '../generator/connect-queue.ts';
import { OVERHEAD_BUDGET_PCT, type Overhead, overhead, overheadPct, P99_SLACK_MS, type PathFigures, spreadPct } from '../measure/overhead.ts';
import type { StepResult, WorkloadResult } from '../report/results.ts';
import { callApi } from '../servers/tandem-fixture.ts';
import { fanoutSteps } from './fanout.ts';
import { recordSteps } from './record-path.ts';
import { stepTable } from './step-table.ts';
import { type BeforeSteps, forEachTarget, type PreparedTarget, type WorkloadContext } from './workload-context.ts';

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

/** One mode's figures over every step of every round. */
export interface ModeFigures extends PathFigures {
  /** Server CPU per 1,000 deliveries (median step). */
  readonly cpuPer1k: number | null;
  /** Server CPU in % of one core under load (median step). */
  readonly cpuPct: number;
  readonly lost: number;
  /** Server CPU in ms per second with the fan-out's clients connected and nothing published (median deployment). */
  readonly idleCpuMsPerSec: number | null;
}

/** One path's figures with the operations features off and on. */
export interface OperationsResult {
  readonly path: Path;
  /** Steps the figures come from, per mode. */
  readonly steps: Readonly<Record<Mode, number>>;
  /** Steps measured, per mode (more than `steps` when some ran beside other work and were set aside). */
  readonly measured: Readonly<Record<Mode, number>>;
  readonly off: ModeFigures;
  readonly on: ModeFigures;
  readonly overhead: Overhead;
  /** Server CPU per 1,000 deliveries, on against off, in percent (null when a mode delivered nothing). */
  readonly cpuPer1kPct: number | null;
  /**
   * Idle CPU on minus off, in percent of the server's CPU under load with them off: the fixed cost
   * of sampling and evaluating, as a share of the server's work (null: not measured).
   */
  readonly fixedCostPct: number | null;
}

/**
 * A step during which the machine was this many points busier than in the quietest step of its
 * path ran beside other work (both modes put the same load on the machine, give or take the few
 * milliseconds a second that are measured here): it is set aside.
 */
export const DISTURBED_BUSY_POINTS = 20;

/** The steps of each round that did not run beside other work; rounds left empty drop out. */
function quietSteps(rounds: Record<Mode, StepResult[][]>): Record<Mode, StepResult[][]> {
  const quietest = Math.min(...[...rounds.off, ...rounds.on].flat().map((s) => s.machineBusyPct));
  const keep = (r: readonly StepResult[][]) =>
    r.map((steps) => steps.filter((s) => s.machineBusyPct <= quietest + DISTURBED_BUSY_POINTS)).filter((steps) => steps.length > 0);
  return { off: keep(rounds.off), on: keep(rounds.on) };
}

/** The middle value (the mean of the two middle ones for an even count), to three decimals; 0 for none. */
function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return 0;
  const middle = sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return Math.round(middle * 1000) / 1000;
}

/**
 * One mode's figures: mean throughput, and the median step's p50, p99 and CPU, so one step that a
 * neighbour on the machine slowed does not decide the comparison.
 */
function pooled(steps: readonly StepResult[], idle: readonly number[]): ModeFigures {
  const cpu = steps.map((s) => s.serverCpuPer1k).filter((v): v is number => v !== null);
  return {
    deliveredPerSec: Math.round(steps.reduce((sum, s) => sum + s.deliveredPerSec, 0) / Math.max(1, steps.length)),
    p50: median(steps.map((s) => s.latency.p50)),
    p99: median(steps.map((s) => s.latency.p99)),
    cpuPer1k: cpu.length ? median(cpu) : null,
    cpuPct: median(steps.map((s) => s.serverCpuPct)),
    lost: steps.reduce((sum, s) => sum + s.lost, 0),
    idleCpuMsPerSec: idle.length ? median(idle) : null,
  };
}

/** Measures the server's CPU over `ms` with nothing published: what it spends on its own timers. */
async function idleCpuMsPerSec(prepared: PreparedTarget, ms: number): Promise<number> {
  const node = prepared.deployment.nodes[0];
  // Let the last connections' and the set-up's work finish first.
  await sleep(1000);
  const before = node?.sample()?.cpuMs ?? 0;
  const started = performance.now();
  await sleep(ms);
  const used = (node?.sample()?.cpuMs ?? 0) - before;
  return Math.round((used / ((performance.now() - started) / 1000)) * 10) / 10;
}

/**
 * What each deployment gets once its clients are connected. On: the operations load, a few
 * threshold rules the evaluator reads every second, a record-condition rule on the benchmark's
 * table (judged inside every record write), and the owner's WebSocket client subscribed to
 * `system`, which gets `metrics_update` every second (undone after the last step: client closed,
 * rules deleted). Both modes, unless `idleMs` is 0: the server's idle CPU over `idleMs`, into `idle`.
 */
function setUp(mode: Mode, idleMs: number, idle: number[], feeds: OperatorFeed[]): BeforeSteps {
  return async (prepared) => {
    if (mode === 'off') {
      if (idleMs > 0) idle.push(await idleCpuMsPerSec(prepared, idleMs));
      return async () => undefined;
    }
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
    if (idleMs > 0) idle.push(await idleCpuMsPerSec(prepared, idleMs));
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
  /** Steps per path, mode and round. */
  const measured: Record<Path, Record<Mode, StepResult[][]>> = { 'fan-out': { off: [], on: [] }, record: { off: [], on: [] } };
  /** Idle CPU per mode, once per deployment (in its fan-out, with the subscribers connected). */
  const idle: Record<Mode, number[]> = { off: [], on: [] };
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
              beforeSteps: setUp(mode, p.idleMs, idle[mode], feeds),
            });
            measured['fan-out'][mode].push(label(mode, round, fan));
            await ctx.pool.broadcast({ cmd: 'close' });
            const rec = await recordSteps(ctx, {
              database: 'pglite',
              nodes: 1,
              subscribers: p.writeSubscribers,
              records: 200,
              rates: Array.from({ length: p.steps }, () => p.writeRate),
              label: `operations-${mode}-record`,
              env,
              beforeSteps: setUp(mode, 0, idle[mode], feeds),
            });
            measured.record[mode].push(label(mode, round, rec));
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

  const kept = new Set<StepResult>();
  const results: OperationsResult[] = [];
  for (const path of ['fan-out', 'record'] as const) {
    const all = measured[path];
    if (all.off.length === 0 || all.on.length === 0) continue;
    const rounds = quietSteps(all);
    for (const steps of [...rounds.off, ...rounds.on]) for (const s of steps) kept.add(s);
    if (rounds.off.length === 0 || rounds.on.length === 0) {
      failures.push(`${path}: every step of one mode ran beside other work on the machine`);
      continue;
    }
    const off = pooled(rounds.off.flat(), idle.off);
    const on = pooled(rounds.on.flat(), idle.on);
    // How far one mode's steps disagree with each other: a difference between the modes within that is not resolved.
    const spreads = [rounds.off, rounds.on].map((r) => spreadPct(r.flat().map((s) => s.latency.p99)));
    const spread = spreads.every((v) => v !== null) ? Math.max(...(spreads as number[])) : null;
    const cpuPer1kPct = off.cpuPer1k !== null && on.cpuPer1k !== null ? overheadPct(off.cpuPer1k, on.cpuPer1k) : null;
    const fixedCostPct =
      off.idleCpuMsPerSec !== null && on.idleCpuMsPerSec !== null && off.cpuPct > 0
        ? Math.round(((on.idleCpuMsPerSec - off.idleCpuMsPerSec) / (off.cpuPct * 10)) * 1000) / 10
        : null;
    const count = (r: Record<Mode, StepResult[][]>) => ({ off: r.off.flat().length, on: r.on.flat().length });
    results.push({ path, steps: count(rounds), measured: count(all), off, on, overhead: overhead(off, on, spread), cpuPer1kPct, fixedCostPct });
  }
  for (const r of results) {
    ctx.log(
      `  ${r.path}: ${r.off.deliveredPerSec} → ${r.on.deliveredPerSec} deliveries/s, p99 ${r.off.p99} → ${r.on.p99} ms (${r.overhead.p99Pct} %, steps spread ${r.overhead.p99SpreadPct ?? '–'} %), idle CPU ${r.off.idleCpuMsPerSec} → ${r.on.idleCpuMsPerSec} ms/s (${r.fixedCostPct} % of the loaded server)`,
    );
  }
  const updates = feeds.reduce((sum, f) => sum + f.metricsUpdates, 0);
  const seconds = Math.round(feeds.reduce((sum, f) => sum + f.seconds, 0));
  const everyStep = [...measured['fan-out'].off, ...measured['fan-out'].on, ...measured.record.off, ...measured.record.on]
    .flat()
    .map((s) => (kept.has(s) ? s : { ...s, step: `${s.step} (set aside)` }));
  const signedPct = (v: number | null) => (v === null ? '–' : v > 0 ? `+${v}` : `${v}`);
  const verdict = (v: boolean | null) => (v === null ? 'not resolved' : v ? 'yes' : 'no');
  return {
    id: 'operations',
    title: '(g) Operations overhead',
    method:
      `Tandem only, one PGlite node: fan-out to ${p.subscribers} subscribers at ${p.fanoutRate} msg/s (as (a)) and ${p.writeRate} record writes/s to ${p.writeSubscribers} subscribers (as (d)), ` +
      `${p.steps} step(s) each after a warm-up, on a server with \`METRICS_INTERVAL_MS=0 ALERT_EVALUATE_MS=0\` (off: no sampling, no \`metrics_update\`, no threshold evaluation) ` +
      `and on one with the defaults (on: a sample and an evaluation every second) under an operator's load: ${NEVER_FIRING_THRESHOLDS.length} threshold rules ` +
      `(${NEVER_FIRING_THRESHOLDS.map((t) => `${t.metric} > ${t.threshold}`).join(', ')}, for 60 s: evaluated, never firing), a record-condition rule on the benchmark's table ` +
      "(judged inside every record write, never matching) and the owner's WebSocket client subscribed to `system`, which must receive its first `metrics_update` before anything is measured. " +
      `${p.rounds} round(s), alternating which mode runs first; each mode gets a fresh server process and the other one is stopped. ` +
      `A step during which the machine was ≥ ${DISTURBED_BUSY_POINTS} points busier than in the quietest step of its path ran beside other work and is set aside (marked in the last table). ` +
      "Throughput is the mean of the other steps' deliveries/s; p50, p99 and CPU are the median step's. " +
      `Within budget: throughput lost ≤ ${OVERHEAD_BUDGET_PCT} % and p99 grown by ≤ ${OVERHEAD_BUDGET_PCT} % or by ≤ ${P99_SLACK_MS} ms (at a p99 of a few milliseconds, ${OVERHEAD_BUDGET_PCT} % is within the histogram's bucket width and this machine's scheduling jitter). ` +
      "A p99 grown past that but by less than the p99s of one mode's steps spread (largest over smallest, the larger of off and on) is *not resolved*: this run cannot tell it from noise. " +
      "At a fixed rate below saturation a server delivers everything either way, so the CPU is the cost in the server's own time, reported beside (not judged): " +
      `per 1,000 deliveries under load, and idle (the fan-out's clients connected, nothing published, ${p.idleMs / 1000} s per deployment; /proc counts CPU in 10 ms ticks); ` +
      "*fixed cost* is idle CPU on minus off as a share of the server's CPU under load with them off. " +
      `The operator's client received ${updates} \`metrics_update\` in ${seconds} s of on measurement.`,
    tables: [
      {
        title: 'Operations off against on: throughput and latency',
        columns: [
          'path',
          'steps off / on',
          'off deliveries/s',
          'on deliveries/s',
          'throughput lost %',
          'lost off / on',
          'off p50 ms',
          'on p50 ms',
          'p50 %',
          'off p99 ms',
          'on p99 ms',
          'p99 %',
          'p99 added ms',
          'p99 spread of steps %',
          `within ${OVERHEAD_BUDGET_PCT} %`,
        ],
        rows: results.map((r) => [
          r.path,
          `${r.steps.off}${r.steps.off < r.measured.off ? ` of ${r.measured.off}` : ''} / ${r.steps.on}${r.steps.on < r.measured.on ? ` of ${r.measured.on}` : ''}`,
          r.off.deliveredPerSec,
          r.on.deliveredPerSec,
          r.overhead.throughputPct,
          `${r.off.lost} / ${r.on.lost}`,
          r.off.p50,
          r.on.p50,
          signedPct(r.overhead.p50Pct),
          r.off.p99,
          r.on.p99,
          signedPct(r.overhead.p99Pct),
          signedPct(r.overhead.p99AddedMs),
          r.overhead.p99SpreadPct ?? '–',
          verdict(r.overhead.withinBudget),
        ]),
      },
      {
        title: 'Operations off against on: server CPU',
        columns: ['path', 'off CPU %', 'on CPU %', 'off CPU ms/1k', 'on CPU ms/1k', 'CPU/1k %', 'off idle CPU ms/s', 'on idle CPU ms/s', 'fixed cost %'],
        rows: results.map((r) => [
          r.path,
          r.off.cpuPct,
          r.on.cpuPct,
          r.off.cpuPer1k ?? '–',
          r.on.cpuPer1k ?? '–',
          signedPct(r.cpuPer1kPct),
          r.off.idleCpuMsPerSec ?? '–',
          r.on.idleCpuMsPerSec ?? '–',
          signedPct(r.fixedCostPct),
        ]),
      },
      stepTable('Operations: every step', everyStep),
    ],
    data: { results, feeds },
    failures,
  };
}
