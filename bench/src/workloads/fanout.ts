import type { ConnectResult, PublishResult, TargetKind } from '../generator/messages.ts';
import type { ResultTable, StepResult, WorkloadResult } from '../report/results.ts';
import { measurePhase, nextPhase, WARM_UP_STEP } from './phase.ts';
import { stepTable } from './step-table.ts';
import {
  type BeforeSteps,
  connectSpread,
  forEachTarget,
  prepareTarget,
  requireConnected,
  TANDEM_RELAY_TYPES,
  type WorkloadContext,
} from './workload-context.ts';

/**
 * Messages per second one publisher connection sends. Tandem relays at most one live edit per
 * connection and cell every 50 ms (keeping the newest), so publishers stay well under that and
 * the measured latency never includes the throttle; the peers get the same publishers.
 */
export const PUBLISH_RATE_PER_CONNECTION = 5;
/** Saturation: the step whose p99 passes this ends the ramp. */
export const SATURATION_P99_MS = 100;

/** A step failed the saturation bar: p99 past 100 ms or more than 0.1 % lost. */
export function saturated(step: StepResult): boolean {
  return step.latency.p99 > SATURATION_P99_MS || step.lost > step.expected * 0.001;
}

/** Publisher connections for a top rate. */
export function publishersFor(rate: number): number {
  return Math.ceil(rate / PUBLISH_RATE_PER_CONNECTION);
}

/**
 * Runs one room with many subscribers on one target, stepping the publish rate; returns a step
 * per rate. `saturationRates` continue the ramp until a step is {@link saturated}.
 */
export async function fanoutSteps(
  ctx: WorkloadContext,
  target: TargetKind,
  options: {
    subscribers: number;
    rates: readonly number[];
    saturationRates: readonly number[];
    nodes: 1 | 2;
    database: 'pglite' | 'postgres';
    label: string;
    /** Extra environment for Tandem's processes (`DeployOptions.env`). Default none. */
    env?: Readonly<Record<string, string>>;
    /** Set up once every client is connected, before the warm-up step; undone after the last step. Default nothing. */
    beforeSteps?: BeforeSteps;
  },
): Promise<StepResult[]> {
  const rates = [...options.rates, ...options.saturationRates];
  const prepared = await prepareTarget(
    ctx,
    target,
    { rooms: 1, kind: 'table' },
    { nodes: options.nodes, database: options.database, label: options.label, env: options.env },
  );
  const steps: StepResult[] = [];
  let undo: (() => Promise<void>) | undefined;
  try {
    const urls = prepared.deployment.nodes.map((n) => n.url);
    const base = { target, tokens: prepared.tokens, rooms: prepared.rooms, timeoutMs: 30_000, countTypes: TANDEM_RELAY_TYPES };
    const subs = await connectSpread(
      ctx.pool,
      { ...base, name: 'subs', urls, membersPerRoom: options.subscribers, subscribe: true, concurrency: 100 },
      options.subscribers,
    );
    requireConnected(`${target} subscribers`, subs, options.subscribers);
    // Publishers sit on the first node and are not members of the room (Tandem's cell_edit needs no subscription).
    const publishers = publishersFor(Math.max(...rates));
    const pubs = await ctx.pool.publisher.send<ConnectResult>({
      cmd: 'connect',
      group: { ...base, name: 'pubs', urls: urls.slice(0, 1), first: 0, count: publishers, membersPerRoom: publishers, subscribe: false, concurrency: 50 },
    });
    if (pubs.opened < publishers) throw new Error(`publishers: ${pubs.opened}/${publishers} connected; ${pubs.errors.join('; ')}`);
    ctx.log(`  ${prepared.deployment.description}: ${subs.opened} subscribers in ${subs.elapsedMs} ms, ${publishers} publishers`);
    undo = await options.beforeSteps?.(prepared);

    const measure = (rate: number, step: string) => {
      const phase = nextPhase();
      return measurePhase({
        pool: ctx.pool,
        deployment: prepared.deployment,
        phase,
        step,
        publishRate: rate,
        durationMs: ctx.profile.stepMs,
        publish: async () => [
          await ctx.pool.publisher.send<PublishResult>({
            cmd: 'publish',
            phase,
            plan: { kind: 'socket', group: 'pubs', rate, durationMs: ctx.profile.stepMs },
          }),
        ],
        recipientsPerMessage: options.subscribers,
        drainMs: ctx.profile.drainMs,
      });
    };
    if (rates[0] !== undefined) await measure(rates[0], WARM_UP_STEP);
    for (const [i, rate] of rates.entries()) {
      const step = await measure(rate, `${rate} msg/s`);
      steps.push(step);
      ctx.log(
        `    ${step.step}: ${step.deliveredPerSec}/s delivered, p50 ${step.latency.p50} p99 ${step.latency.p99} ms, lost ${step.lost}, server CPU ${step.serverCpuPct}%`,
      );
      if (i >= options.rates.length && saturated(step)) break;
    }
  } finally {
    await undo?.();
    await prepared.release();
  }
  return steps;
}

/** (a) Fan-out: one room, many subscribers, publish rate stepped, then raised to saturation. */
export async function runFanout(ctx: WorkloadContext): Promise<WorkloadResult> {
  const p = ctx.profile.fanout;
  const failures: string[] = [];
  const steps: StepResult[] = [];
  await forEachTarget(ctx, failures, async (target) => {
    steps.push(...(await fanoutSteps(ctx, target, { ...p, nodes: 1, database: 'pglite', label: 'fanout' })));
  });
  const saturation = ctx.targets.map((target) => ({ target, ...saturationThroughput(steps.filter((s) => s.target === target)) }));
  const tables: ResultTable[] = [
    stepTable(`Fan-out: ${p.subscribers} subscribers in one room`, steps),
    {
      title: `Saturation: highest deliveries/s with p99 ≤ ${SATURATION_P99_MS} ms and no loss`,
      columns: ['server', 'deliveries/s'],
      rows: saturation.map((s) => [s.target, s.reached ? s.deliveredPerSec : `≥ ${s.deliveredPerSec} (never saturated)`]),
    },
  ];
  return {
    id: 'fanout',
    title: '(a) Fan-out',
    method:
      `${p.subscribers} subscribers in one room spread over ${ctx.pool.subscribers.length} generator processes; ${publishersFor(Math.max(...p.rates, ...p.saturationRates))} publisher connections in a separate process ` +
      `send at ${p.rates.join(', ')} msg/s, then ${p.saturationRates.join(', ')} msg/s until p99 passes ${SATURATION_P99_MS} ms, after one unreported warm-up step at ${p.rates[0]} msg/s. ` +
      'Tandem path: `cell_edit` over the WebSocket (authorised per message, relayed to the `table:{id}` room except the sender, serialised once per room, the messages of one turn sent to each subscriber as one batched frame); ' +
      'Socket.IO: `socket.to(room).emit`; bare ws: the same string sent to every member.',
    tables,
    data: { steps, saturation },
    failures,
  };
}

/** Saturation throughput of one server: the best passing step, and whether the ramp reached saturation at all. */
export interface Saturation {
  /** Highest deliveries/s among steps that passed (0 when none did). */
  readonly deliveredPerSec: number;
  /** False when even the last step passed: the value is then only a lower bound. */
  readonly reached: boolean;
}

/** Saturation throughput from one server's fan-out steps. */
export function saturationThroughput(steps: readonly StepResult[]): Saturation {
  const passing = steps.filter((s) => !saturated(s)).map((s) => s.deliveredPerSec);
  return { deliveredPerSec: passing.length ? Math.max(...passing) : 0, reached: steps.some(saturated) };
}
