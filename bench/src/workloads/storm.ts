import { sleep } from '../generator/connect-queue.ts';
import type { ConnectResult, ContinuityResult, DropResult, PhaseStats, PublishResult } from '../generator/messages.ts';
import { Histogram } from '../measure/histogram.ts';
import type { WorkloadResult } from '../report/results.ts';
import { nextPhase } from './phase.ts';
import { connectSpread, forEachTarget, prepareTarget, requireConnected, TANDEM_RECORD_TYPES, type WorkloadContext } from './workload-context.ts';

/** The reconnect-storm bar of issue 6. */
export const STORM_LIMIT_SEC = 30;

/** How a reconnect storm went on one server. */
export interface StormResult {
  readonly target: string;
  readonly server: string;
  readonly clients: number;
  readonly resumed: number;
  readonly failed: number;
  /** From the drop to the last client's subscription acknowledged (after its replay). */
  readonly allResumedSec: number;
  readonly resumeP50Ms: number;
  readonly resumeP99Ms: number;
  /** Events a client never received (gaps in seq or message numbers), over all clients. */
  readonly missing: number;
  readonly duplicates: number;
  /** Clients whose last event is behind the newest any client has at the end. */
  readonly behind: boolean;
  readonly sent: number;
  readonly expected: number;
  readonly received: number;
  readonly errors: readonly string[];
}

/**
 * (f) Reconnect storm: every subscriber of a room drops its connection at the same instant while
 * events keep coming, and reconnects after a random jitter (as the SDK's backoff does); Tandem
 * clients resubscribe with `since` = their last seq. Measures the time until all are back and
 * whether any missed or doubled an event.
 */
export async function runStorm(ctx: WorkloadContext): Promise<WorkloadResult> {
  const p = ctx.profile.storm;
  const failures: string[] = [];
  const results: StormResult[] = [];
  await forEachTarget(ctx, failures, async (target) => {
    const prepared = await prepareTarget(ctx, target, { rooms: 1, kind: 'table', recordsPerTable: 20 });
    try {
      const urls = prepared.deployment.nodes.map((n) => n.url);
      const base = { target, urls, tokens: prepared.tokens, rooms: prepared.rooms, timeoutMs: 60_000, countTypes: TANDEM_RECORD_TYPES };
      const subs = await connectSpread(ctx.pool, { ...base, name: 'subs', membersPerRoom: p.clients, subscribe: true, concurrency: 100 }, p.clients);
      requireConnected(`${target} storm clients`, subs, p.clients);
      const table = prepared.fixture?.tables[0];
      if (target !== 'tandem') {
        const pub = await ctx.pool.publisher.send<ConnectResult>({
          cmd: 'connect',
          group: { ...base, name: 'pubs', first: 0, count: 1, membersPerRoom: 1, subscribe: false, concurrency: 1 },
        });
        if (pub.opened !== 1) throw new Error(`publisher: ${pub.errors.join('; ')}`);
      }
      const phase = nextPhase();
      await ctx.pool.broadcast({ cmd: 'phase', phase });
      const durationMs = p.warmupMs + p.jitterMs + p.afterMs;
      // Tandem events are durable record writes (so they can be replayed); the peers publish over their socket.
      const publishing = ctx.pool.publisher.send<PublishResult>({
        cmd: 'publish',
        phase,
        plan:
          target === 'tandem' && table
            ? {
                kind: 'http',
                baseUrl: urls[0] as string,
                token: prepared.tokens[0] as string,
                recordIds: table.recordIds,
                fieldId: table.fieldId,
                rate: p.rate,
                durationMs,
                maxInFlight: 16,
              }
            : { kind: 'socket', group: 'pubs', rate: p.rate, durationMs },
      });
      await sleep(p.warmupMs);
      const drops = await Promise.all(
        ctx.pool.subscribers.map((w) => w.send<DropResult>({ cmd: 'drop', group: 'subs', jitterMs: p.jitterMs, concurrency: 100, timeoutMs: 120_000 })),
      );
      const published = await publishing;
      await sleep(ctx.profile.drainMs);
      const continuity = await Promise.all(ctx.pool.subscribers.map((w) => w.send<ContinuityResult>({ cmd: 'continuity', group: 'subs' })));
      const stats = await Promise.all(ctx.pool.subscribers.map((w) => w.send<PhaseStats>({ cmd: 'stats' })));

      const resume = new Histogram();
      for (const d of drops) resume.merge(d.resumeLatency);
      const droppedAt = Math.min(...drops.map((d) => d.droppedAt));
      const lastResumed = Math.max(...drops.map((d) => d.lastResumedAt));
      const lowest = Math.min(...continuity.map((c) => c.lowestLast));
      const highest = Math.max(...continuity.map((c) => c.highestLast));
      const received = stats.reduce((s, x) => s + x.received, 0);
      const result: StormResult = {
        target,
        server: prepared.deployment.description,
        clients: p.clients,
        resumed: drops.reduce((s, d) => s + d.resumed, 0),
        failed: drops.reduce((s, d) => s + d.failed, 0),
        allResumedSec: Math.round((lastResumed - droppedAt) / 100) / 10,
        resumeP50Ms: resume.summary().p50,
        resumeP99Ms: resume.summary().p99,
        missing: continuity.reduce((s, c) => s + c.missing, 0),
        duplicates: continuity.reduce((s, c) => s + c.duplicates, 0),
        behind: lowest !== highest || continuity.some((c) => c.empty > 0),
        sent: published.sent,
        expected: published.sent * p.clients,
        received,
        errors: [...drops.flatMap((d) => d.errors), ...published.errors].slice(0, 5),
      };
      results.push(result);
      ctx.log(
        `  ${result.server}: ${result.resumed}/${result.clients} resumed in ${result.allResumedSec} s, missing ${result.missing}, duplicates ${result.duplicates}, received ${received}/${result.expected}`,
      );
    } finally {
      await prepared.release();
    }
  });
  return {
    id: 'storm',
    title: '(f) Reconnect storm',
    method:
      `${p.clients} clients subscribe to one room while events arrive at ${p.rate}/s (Tandem: durable \`record_updated\` from REST writes; peers: messages over the socket). ` +
      `After ${p.warmupMs / 1000} s every client drops its connection at the same instant and reconnects after a random 0–${p.jitterMs} ms jitter, 100 at a time per generator process; ` +
      'Tandem clients subscribe again with `since` = the last seq they saw. "All resumed" runs from the drop to the last subscription acknowledged (Tandem acknowledges after the replay). ' +
      "Missing counts gaps in each client's sequence (Tandem: per-room seq over every durable event; peers, which have no resume: the publisher's message numbers).",
    tables: [
      {
        title: `Reconnect storm: ${p.clients} clients`,
        columns: [
          'server',
          'resumed',
          'failed',
          'all resumed (s)',
          'resume p50 ms',
          'resume p99 ms',
          'missing',
          'duplicates',
          'all caught up',
          'delivered / expected',
        ],
        rows: results.map((r) => [
          r.server,
          r.resumed,
          r.failed,
          r.allResumedSec,
          r.resumeP50Ms,
          r.resumeP99Ms,
          r.missing,
          r.duplicates,
          r.behind ? 'no' : 'yes',
          `${r.received}/${r.expected}`,
        ]),
      },
    ],
    data: { results },
    failures,
  };
}
