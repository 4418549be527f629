import type { TargetKind } from '../generator/messages.ts';
import type { StepResult, WorkloadResult } from '../report/results.ts';
import { fanoutSteps } from './fanout.ts';
import { recordSteps } from './record-path.ts';
import { forEachTarget, type WorkloadContext } from './workload-context.ts';

/** Cross-node cost of one path on one server: single node against two nodes at the same rate. */
export interface CrossNodeResult {
  readonly target: TargetKind;
  readonly path: 'fan-out' | 'record';
  readonly single: StepResult | null;
  readonly double: StepResult | null;
  /** p50 of clients on the node the publisher does NOT use, in the two-node run. */
  readonly remoteP50: number | null;
  /** p50 of clients on the publisher's node, in the two-node run. */
  readonly localP50: number | null;
  /** remote p50 − single-node p50: what crossing nodes adds. */
  readonly addedP50: number | null;
}

function compare(target: TargetKind, path: CrossNodeResult['path'], single: StepResult | undefined, double: StepResult | undefined): CrossNodeResult {
  const remoteP50 = double?.latencyByNode[1]?.p50 ?? null;
  const localP50 = double?.latencyByNode[0]?.p50 ?? null;
  const addedP50 = remoteP50 !== null && single ? Math.round((remoteP50 - single.latency.p50) * 1000) / 1000 : null;
  return { target, path, single: single ?? null, double: double ?? null, remoteP50, localP50, addedP50 };
}

/**
 * (e) Two nodes: fan-out (and, for Tandem, the record path) with the same load on one server
 * process and on two sharing PostgreSQL and Redis (Socket.IO: its Redis adapter; bare ws: Redis
 * pub/sub), subscribers alternating between the nodes and the publisher on the first.
 */
export async function runTwoNodes(ctx: WorkloadContext): Promise<WorkloadResult> {
  const p = ctx.profile.twoNodes;
  const failures: string[] = [];
  const results: CrossNodeResult[] = [];
  await forEachTarget(ctx, failures, async (target) => {
    const fan = { subscribers: p.subscribers, rates: [p.fanoutRate], saturationRates: [], database: 'postgres' as const };
    const single = await fanoutSteps(ctx, target, { ...fan, nodes: 1, label: 'two-nodes-single' });
    await ctx.pool.broadcast({ cmd: 'close' });
    const double = await fanoutSteps(ctx, target, { ...fan, nodes: 2, label: 'two-nodes-double' });
    await ctx.pool.broadcast({ cmd: 'close' });
    results.push(compare(target, 'fan-out', single[0], double[0]));
    ctx.log(`  ${target} fan-out: cross-node adds ${results.at(-1)?.addedP50} ms at p50`);
    if (target !== 'tandem') return;
    const rec = { database: 'postgres' as const, subscribers: p.writeSubscribers, records: 200, rates: [p.writeRate] };
    const recSingle = await recordSteps(ctx, { ...rec, nodes: 1, label: 'two-nodes-record-single' });
    await ctx.pool.broadcast({ cmd: 'close' });
    const recDouble = await recordSteps(ctx, { ...rec, nodes: 2, label: 'two-nodes-record-double' });
    results.push(compare(target, 'record', recSingle[0], recDouble[0]));
    ctx.log(`  ${target} record path: cross-node adds ${results.at(-1)?.addedP50} ms at p50`);
  });
  return {
    id: 'two-nodes',
    title: '(e) Two nodes',
    method:
      `The same load on one server process and on two: fan-out to ${p.subscribers} subscribers at ${p.fanoutRate} msg/s, and (Tandem) ${p.writeRate} record writes/s to ${p.writeSubscribers} subscribers. ` +
      'Two Tandem nodes share PostgreSQL and Redis (the single node uses the same PostgreSQL, no Redis); Socket.IO uses `@socket.io/redis-adapter`; the bare ws servers relay through Redis pub/sub. ' +
      'Subscribers alternate between the nodes; the publisher (WebSocket or REST) uses the first node. "Added p50" is the p50 of the subscribers on the second node minus the single-node p50.',
    tables: [
      {
        title: 'Two nodes: what crossing nodes adds',
        columns: [
          'server',
          'path',
          'single-node p50 ms',
          'single p99 ms',
          'two-node local p50 ms',
          'two-node remote p50 ms',
          'two-node p99 ms',
          'two-node lost',
          'added p50 ms',
        ],
        rows: results.map((r) => [
          r.single?.server ?? r.target,
          r.path,
          r.single?.latency.p50 ?? '–',
          r.single?.latency.p99 ?? '–',
          r.localP50 ?? '–',
          r.remoteP50 ?? '–',
          r.double?.latency.p99 ?? '–',
          r.double?.lost ?? '–',
          r.addedP50 ?? '–',
        ]),
      },
    ],
    data: { results },
    failures,
  };
}
