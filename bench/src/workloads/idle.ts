import { sleep } from '../generator/connect-queue.ts';
import type { WorkloadResult } from '../report/results.ts';
import { settledMemory } from '../servers/inspector.ts';
import { connectSpread, forEachTarget, prepareTarget, TANDEM_RELAY_TYPES, type WorkloadContext } from './workload-context.ts';

/** What holding many idle connections cost one server process. */
export interface IdleResult {
  readonly target: string;
  readonly server: string;
  readonly wanted: number;
  readonly opened: number;
  readonly failed: number;
  /** Still open after the hold. */
  readonly held: number;
  readonly connectAllSec: number;
  readonly connectP50Ms: number;
  readonly connectP99Ms: number;
  readonly rssBeforeMb: number;
  readonly rssAfterMb: number;
  /** (RSS after − RSS before) / connections, in KiB, both measured right after a full GC. */
  readonly kbPerConnection: number;
  /** The same for the JS heap plus external memory (what the runtime holds, apart from the allocator's slack). */
  readonly heapKbPerConnection: number;
  readonly errors: readonly string[];
}

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
const perConnectionKb = (bytes: number, connections: number) => (connections ? Math.round((bytes / connections / 1024) * 10) / 10 : 0);

/** (c) Idle capacity: many authenticated, subscribed, idle connections on one server process. */
export async function runIdle(ctx: WorkloadContext): Promise<WorkloadResult> {
  const p = ctx.profile.idle;
  const failures: string[] = [];
  const results: IdleResult[] = [];
  await forEachTarget(ctx, failures, async (target) => {
    const prepared = await prepareTarget(ctx, target, { rooms: 1, kind: 'table' });
    try {
      const node = prepared.deployment.nodes[0];
      if (!node) throw new Error('no server node');
      const inspector = node.inspectorUrl();
      if (!inspector) throw new Error('the server has no inspector URL');
      await sleep(1000);
      const before = await settledMemory(inspector);
      const summary = await connectSpread(
        ctx.pool,
        {
          name: 'idle',
          target,
          urls: [node.url],
          tokens: prepared.tokens,
          rooms: prepared.rooms,
          membersPerRoom: p.connections,
          subscribe: true,
          concurrency: 100,
          timeoutMs: 60_000,
          countTypes: TANDEM_RELAY_TYPES,
        },
        p.connections,
      );
      await sleep(p.holdMs);
      const after = await settledMemory(inspector);
      const counts = await ctx.pool.broadcast<{ open: number }>({ cmd: 'count' });
      const held = counts.reduce((s, c) => s + c.open, 0);
      const result: IdleResult = {
        target,
        server: prepared.deployment.description,
        wanted: p.connections,
        opened: summary.opened,
        failed: summary.failed,
        held,
        connectAllSec: Math.round(summary.elapsedMs / 100) / 10,
        connectP50Ms: summary.latency.p50,
        connectP99Ms: summary.latency.p99,
        rssBeforeMb: mb(before.rss),
        rssAfterMb: mb(after.rss),
        kbPerConnection: perConnectionKb(after.rss - before.rss, summary.opened),
        heapKbPerConnection: perConnectionKb(after.heapUsed + after.external - before.heapUsed - before.external, summary.opened),
        errors: summary.errors,
      };
      results.push(result);
      ctx.log(
        `  ${result.server}: ${held}/${p.connections} held, ${result.kbPerConnection} KiB RSS (${result.heapKbPerConnection} KiB heap) each, all connected in ${result.connectAllSec} s`,
      );
    } finally {
      await prepared.release();
    }
  });
  return {
    id: 'idle',
    title: '(c) Idle capacity',
    method:
      `${p.connections} connections opened against one server process (open-file limit 20,000), 100 at a time per generator process, each authenticated ` +
      '(Tandem: `Authorization: Bearer` on the upgrade, then `welcome`) and subscribed to one room, then held idle for ' +
      `${p.holdMs / 1000} s. Memory per connection is the server's RSS growth divided by the connections, RSS read after a full garbage collection (through the inspector) before and after; "connect" is upgrade to subscription acknowledged.`,
    tables: [
      {
        title: `Idle capacity: ${p.connections} connections`,
        columns: [
          'server',
          'opened',
          'failed',
          'held',
          'connect all (s)',
          'connect p50 ms',
          'connect p99 ms',
          'RSS before MB',
          'RSS after MB',
          'KiB per connection',
        ],
        rows: results.map((r) => [
          r.server,
          r.opened,
          r.failed,
          r.held,
          r.connectAllSec,
          r.connectP50Ms,
          r.connectP99Ms,
          r.rssBeforeMb,
          r.rssAfterMb,
          r.kbPerConnection,
        ]),
      },
    ],
    data: { results },
    failures,
  };
}
