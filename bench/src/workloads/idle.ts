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
  readonly rssHalfMb: number;
  readonly rssAfterMb: number;
  /**
   * RSS growth per connection over the second half of the connections, in KiB, each RSS read right
   * after a full GC. The first half is not counted: a server that starts with a large heap
   * (PGlite) hands memory back to the system while the first connections open, which would hide
   * their cost.
   */
  readonly kbPerConnection: number;
  /** (RSS after − RSS before) / connections: the same over all connections, for reference. */
  readonly kbPerConnectionFromStart: number;
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
      const group = {
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
      };
      const half = Math.floor(p.connections / 2);
      const first = await connectSpread(ctx.pool, group, half);
      const middle = await settledMemory(inspector);
      const second = await connectSpread(ctx.pool, group, p.connections - half, half);
      const summary = {
        opened: first.opened + second.opened,
        failed: first.failed + second.failed,
        errors: [...first.errors, ...second.errors].slice(0, 5),
        elapsedMs: first.elapsedMs + second.elapsedMs,
        latency: second.latency,
      };
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
        rssHalfMb: mb(middle.rss),
        rssAfterMb: mb(after.rss),
        kbPerConnection: perConnectionKb(after.rss - middle.rss, second.opened),
        kbPerConnectionFromStart: perConnectionKb(after.rss - before.rss, summary.opened),
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
      `${p.holdMs / 1000} s. Memory per connection is the server's RSS growth divided by the connections, RSS read after a full garbage collection (through the inspector). The connections open in two halves and the figure is the RSS growth over the second half divided by its connections: a server that starts with a large heap (Tandem with PGlite) hands memory back to the system while the first connections open, which would hide their cost. "From start" divides the growth over all connections; "heap" is the JS heap plus external memory. "connect" is upgrade to subscription acknowledged; connect p50/p99 are of the second half.`,
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
          'RSS at half MB',
          'RSS after MB',
          'KiB per connection',
          'KiB from start',
          'heap KiB',
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
          r.rssHalfMb,
          r.rssAfterMb,
          r.kbPerConnection,
          r.kbPerConnectionFromStart,
          r.heapKbPerConnection,
        ]),
      },
    ],
    data: { results },
    failures,
  };
}
