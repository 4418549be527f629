import type { PublishResult } from '../generator/messages.ts';
import type { ResultTable, StepResult, WorkloadResult } from '../report/results.ts';
import { measurePhase, nextPhase, WARM_UP_STEP } from './phase.ts';
import { stepTable } from './step-table.ts';
import {
  type BeforeSteps,
  connectSpread,
  forEachTarget,
  prepareTarget,
  requireConnected,
  TANDEM_RECORD_TYPES,
  type WorkloadContext,
} from './workload-context.ts';

/** REST writes in flight at most; past it the next write waits and the achieved rate drops. */
export const MAX_WRITES_IN_FLIGHT = 64;
/** The record-path latency bar of issue 6 (PostgreSQL). */
export const RECORD_P99_MS = 50;

/** A step sustained its rate: ≥ 95 % of the asked writes/s answered, none failed, nothing lost. */
export function sustained(step: StepResult): boolean {
  return !!step.writes && step.writes.achievedPerSec >= step.publishRate * 0.95 && step.writes.failed === 0 && step.lost <= 0;
}

/**
 * Writes records by REST (`PATCH /records/{id}`) at stepped rates while `subscribers` clients of
 * the table room receive `record_updated`; one step per rate. With two nodes, writes go to the
 * first node and subscribers alternate between the nodes.
 */
export async function recordSteps(
  ctx: WorkloadContext,
  options: {
    database: 'pglite' | 'postgres';
    nodes: 1 | 2;
    subscribers: number;
    records: number;
    rates: readonly number[];
    label: string;
    /** Extra environment for Tandem's processes (`DeployOptions.env`). Default none. */
    env?: Readonly<Record<string, string>>;
    /** Set up once every client is connected, before the warm-up step; undone after the last step. Default nothing. */
    beforeSteps?: BeforeSteps;
  },
): Promise<StepResult[]> {
  const prepared = await prepareTarget(
    ctx,
    'tandem',
    { rooms: 1, kind: 'table', recordsPerTable: options.records },
    {
      database: options.database,
      nodes: options.nodes,
      label: options.label,
      env: options.env,
    },
  );
  const steps: StepResult[] = [];
  let undo: (() => Promise<void>) | undefined;
  try {
    const table = prepared.fixture?.tables[0];
    if (!table) throw new Error('no table');
    const urls = prepared.deployment.nodes.map((n) => n.url);
    const subs = await connectSpread(
      ctx.pool,
      {
        name: 'subs',
        target: 'tandem',
        urls,
        tokens: prepared.tokens,
        rooms: prepared.rooms,
        membersPerRoom: options.subscribers,
        subscribe: true,
        concurrency: 100,
        timeoutMs: 30_000,
        countTypes: TANDEM_RECORD_TYPES,
      },
      options.subscribers,
    );
    requireConnected('record subscribers', subs, options.subscribers);
    undo = await options.beforeSteps?.(prepared);
    const measure = (rate: number, step: string) => {
      const durationMs = ctx.profile.stepMs;
      const phase = nextPhase();
      return measurePhase({
        pool: ctx.pool,
        deployment: prepared.deployment,
        phase,
        step,
        publishRate: rate,
        durationMs,
        publish: async () => [
          await ctx.pool.publisher.send<PublishResult>({
            cmd: 'publish',
            phase,
            plan: {
              kind: 'http',
              baseUrl: urls[0] as string,
              token: prepared.tokens[0] as string,
              recordIds: table.recordIds,
              fieldId: table.fieldId,
              rate,
              durationMs,
              maxInFlight: MAX_WRITES_IN_FLIGHT,
            },
          }),
        ],
        recipientsPerMessage: options.subscribers,
        drainMs: ctx.profile.drainMs,
      });
    };
    if (options.rates[0] !== undefined) await measure(options.rates[0], WARM_UP_STEP);
    for (const rate of options.rates) {
      const step = await measure(rate, `${rate} writes/s`);
      steps.push(step);
      ctx.log(
        `    ${step.server} ${step.step}: ${step.writes?.achievedPerSec} writes/s, write-to-delivery p50 ${step.latency.p50} p99 ${step.latency.p99} ms, lost ${step.lost}, failed ${step.writes?.failed}${step.pgWaits ? `, PostgreSQL sessions: ${JSON.stringify(Object.fromEntries(Object.entries(step.pgWaits.active).slice(0, 3)))}` : ''}`,
      );
    }
  } finally {
    await undo?.();
    await prepared.release();
  }
  return steps;
}

/** The writes table of the record path. */
export function writesTable(title: string, steps: readonly StepResult[]): ResultTable {
  return {
    title,
    columns: [
      'server',
      'asked writes/s',
      'achieved writes/s',
      'failed',
      'HTTP p50 ms',
      'HTTP p99 ms',
      'write→delivery p50 ms',
      'p99 ms',
      'max ms',
      'lost',
      'sustained',
    ],
    rows: steps.map((s) => [
      s.server,
      s.publishRate,
      s.writes?.achievedPerSec ?? 0,
      s.writes?.failed ?? 0,
      s.writes?.latency.p50 ?? '–',
      s.writes?.latency.p99 ?? '–',
      s.latency.p50,
      s.latency.p99,
      s.latency.max,
      s.lost,
      sustained(s) ? 'yes' : 'no',
      s.pgWaits
        ? Object.entries(s.pgWaits.active)
            .slice(0, 4)
            .map(([w, n]) => `${w} ${n}`)
            .join('; ') || 'idle'
        : '–',
    ]),
  };
}

/** (d) Record path: REST write → commit → durable event → fan-out, on PGlite and on PostgreSQL. */
export async function runRecordPath(ctx: WorkloadContext): Promise<WorkloadResult> {
  const p = ctx.profile.record;
  const failures: string[] = [];
  const steps: StepResult[] = [];
  await forEachTarget(
    ctx,
    failures,
    async () => {
      for (const database of ['pglite', 'postgres'] as const) {
        const rates = database === 'pglite' ? p.pgliteRates : p.postgresRates;
        try {
          steps.push(...(await recordSteps(ctx, { database, nodes: 1, subscribers: p.subscribers, records: p.records, rates, label: `record-${database}` })));
        } catch (err) {
          failures.push(`${database}: ${(err as Error).message.split('\n')[0]}`);
          ctx.log(`  FAILED ${database}: ${(err as Error).message.split('\n')[0]}`);
        } finally {
          await ctx.pool.broadcast({ cmd: 'close' }).catch(() => undefined);
        }
      }
    },
    ctx.targets.filter((t) => t === 'tandem'),
  );
  return {
    id: 'record',
    title: '(d) Record path',
    method:
      `Tandem only. ${p.subscribers} clients subscribe to a table room; one generator process writes \`PATCH /api/v1/records/{id}\` (bearer token, last writer wins) ` +
      `round-robin over ${p.records} records at a fixed rate (open loop, at most ${MAX_WRITES_IN_FLIGHT} in flight; a server that cannot keep up shows as a lower achieved rate). ` +
      'Each deployment first writes for one step at its first rate, unreported (warm-up). ' +
      'Each write carries a stamp taken just before the request is sent; subscribers record the `record_updated` event against it (write → commit → event → fan-out). ' +
      `Sustained: ≥ 95 % of the asked rate answered, no failed write, nothing lost.`,
    tables: [writesTable('Record path: writes and write-to-delivery latency', steps), stepTable('Record path: deliveries and cost', steps)],
    data: { steps },
    failures,
  };
}
