import { sleep } from '../../generator/connect-queue.ts';
import type { ContinuityResult, DropResult, PhaseStats, PublishResult } from '../../generator/messages.ts';
import { WorkerPool } from '../../generator/worker-pool.ts';
import { Histogram } from '../../measure/histogram.ts';
import { nextPhase } from '../../workloads/phase.ts';
import { connectSpread, requireConnected, TANDEM_RECORD_TYPES } from '../../workloads/workload-context.ts';
import type { ChaosContext, ScenarioResult } from '../scenario.ts';
import { since } from '../scenario.ts';

/** The storm's size and pace (`CHAOS_STORM_CLIENTS` overrides the count, e.g. for a short check). */
export const STORM = {
  clients: Number(process.env.CHAOS_STORM_CLIENTS ?? 10_000),
  /** Load-generator processes holding the clients (the publisher is one more). */
  workers: 4,
  writesPerSec: 5,
  warmupMs: 3000,
  jitterMs: 1000,
  afterMs: 6000,
  drainMs: 5000,
} as const;

/**
 * A reconnect storm across the nodes: the benchmark's load generator (bench/src/generator: plain
 * WebSocket clients in several processes that resume with `since`, as the SDK does) holds the
 * clients, spread round-robin over every node in one table room, while durable record writes
 * arrive through the first node; every client drops its connection at the same instant and
 * reconnects to its node after a random jitter.
 */
export async function reconnectStorm(ctx: ChaosContext): Promise<ScenarioResult> {
  const started = performance.now();
  const { cluster, fixture } = ctx;
  const table = fixture.tables[0];
  if (!table) throw new Error('the storm needs a table');
  const pool = await WorkerPool.start(STORM.workers);
  try {
    const urls = cluster.urls;
    const rooms = [{ name: table.room, recordId: table.recordIds[0] as string, fieldId: table.fieldId }];
    const group = { target: 'tandem' as const, urls, tokens: fixture.tokens, rooms, timeoutMs: 60_000, countTypes: TANDEM_RECORD_TYPES };
    const connected = await connectSpread(pool, { ...group, name: 'storm', membersPerRoom: STORM.clients, subscribe: true, concurrency: 100 }, STORM.clients);
    requireConnected('storm clients', connected, STORM.clients);
    ctx.log(`    ${connected.opened} clients connected over ${urls.length} nodes in ${(connected.elapsedMs / 1000).toFixed(1)} s`);
    const phase = nextPhase();
    await pool.broadcast({ cmd: 'phase', phase });
    const durationMs = STORM.warmupMs + STORM.jitterMs + STORM.afterMs;
    const publishing = pool.publisher.send<PublishResult>({
      cmd: 'publish',
      phase,
      plan: {
        kind: 'http',
        baseUrl: urls[0] as string,
        token: fixture.tokens[0] as string,
        recordIds: table.recordIds,
        fieldId: table.fieldId,
        rate: STORM.writesPerSec,
        durationMs,
        maxInFlight: 8,
      },
    });
    await sleep(STORM.warmupMs);
    ctx.log(`    dropping all ${STORM.clients} connections at once (reconnect jitter 0–${STORM.jitterMs} ms)`);
    const drops = await Promise.all(
      pool.subscribers.map((w) => w.send<DropResult>({ cmd: 'drop', group: 'storm', jitterMs: STORM.jitterMs, concurrency: 100, timeoutMs: 120_000 })),
    );
    const published = await publishing;
    await sleep(STORM.drainMs);
    const continuity = await Promise.all(pool.subscribers.map((w) => w.send<ContinuityResult>({ cmd: 'continuity', group: 'storm' })));
    const stats = await Promise.all(pool.subscribers.map((w) => w.send<PhaseStats>({ cmd: 'stats' })));
    const resume = new Histogram();
    for (const d of drops) resume.merge(d.resumeLatency);
    const resumeSummary = resume.summary();
    const resumed = drops.reduce((s, d) => s + d.resumed, 0);
    const failedResumes = drops.reduce((s, d) => s + d.failed, 0);
    const droppedAt = Math.min(...drops.map((d) => d.droppedAt));
    const allResumedMs = Math.round(Math.max(...drops.map((d) => d.lastResumedAt)) - droppedAt);
    const missing = continuity.reduce((s, c) => s + c.missing, 0);
    const duplicates = continuity.reduce((s, c) => s + c.duplicates, 0);
    const lowest = Math.min(...continuity.map((c) => c.lowestLast));
    const highest = Math.max(...continuity.map((c) => c.highestLast));
    const behind = lowest !== highest || continuity.some((c) => c.empty > 0);
    const received = stats.reduce((s, x) => s + x.received, 0);
    const expected = published.sent * STORM.clients;
    const failures: string[] = [];
    if (resumed < STORM.clients)
      failures.push(
        `${STORM.clients - resumed} clients did not resume (${drops
          .flatMap((d) => d.errors)
          .slice(0, 3)
          .join('; ')})`,
      );
    if (missing > 0) failures.push(`${missing} events missing`);
    if (duplicates > 0) failures.push(`${duplicates} events duplicated`);
    if (behind) failures.push('some clients ended behind the newest seq');
    if (published.failed > 0) failures.push(`${published.failed} writes failed: ${published.errors.slice(0, 3).join('; ')}`);
    return {
      id: 'reconnect-storm',
      title: `Reconnect storm of ${STORM.clients.toLocaleString('en')} clients across the nodes`,
      method:
        `${STORM.clients.toLocaleString('en')} clients (the benchmark's load generator: plain WebSocket clients in ${STORM.workers} processes that resume with \`since\` as the SDK does) ` +
        `subscribe to one table room, spread round-robin over the ${urls.length} nodes, while ${STORM.writesPerSec} record writes/s arrive through the first node. ` +
        `After ${STORM.warmupMs / 1000} s every client drops its connection at the same instant and reconnects to its node after a random 0–${STORM.jitterMs} ms jitter (100 at a time per process), ` +
        'resubscribing with `since` = its last seq. Missing and duplicates are counted per client over the room\u2019s gapless seq.',
      figures: null,
      recovery: {
        'drop → last client resubscribed (after its replay)': allResumedMs,
        'resume p50 per client': Math.round(resumeSummary.p50),
        'resume p99 per client': Math.round(resumeSummary.p99),
      },
      facts: [
        `${resumed} of ${STORM.clients} resumed, ${failedResumes} failed; events missing ${missing}, duplicated ${duplicates}; every client caught up to the newest seq: ${behind ? 'no' : 'yes'}`,
        `${published.sent} writes acknowledged, ${received.toLocaleString('en')} of ${expected.toLocaleString('en')} deliveries received`,
        `connecting the ${STORM.clients} clients at first took ${(connected.elapsedMs / 1000).toFixed(1)} s (connect p99 ${Math.round(connected.latency.p99)} ms)`,
      ],
      failures,
      durationMs: since(started),
    };
  } finally {
    await pool.broadcast({ cmd: 'close' }).catch(() => undefined);
    await pool.stop();
  }
}
