import { sleep } from '../generator/connect-queue.ts';
import type { PhaseStats, PublishResult } from '../generator/messages.ts';
import type { WorkerPool } from '../generator/worker-pool.ts';
import { Histogram } from '../measure/histogram.ts';
import { PgWaitSampler } from '../measure/pg-waits.ts';
import { machineBusy, sampleMachineCpu } from '../measure/proc-stats.ts';
import type { StepResult } from '../report/results.ts';
import { BENCH_DATABASE_URL, type Deployment } from '../servers/deploy.ts';

/** A generator process at or above this share of one core is reported as saturated. */
export const GENERATOR_SATURATED = 0.9;

/**
 * The label of the unreported step the fan-out and record-path workloads run at their first rate
 * on every fresh deployment before the steps they report. Without it the first step also measures a
 * cold server: code the JIT has not optimised yet, empty caches, and (PostgreSQL) pooled
 * connections whose backends are new; on this machine that took several seconds to settle and
 * swung single-step comparisons (two nodes) by more than their margin.
 */
export const WARM_UP_STEP = 'warm-up';

let lastPhase = 0;

/** A fresh phase number; markers of earlier phases are never counted in a later one. */
export function nextPhase(): number {
  lastPhase += 1;
  return lastPhase;
}

/** One step to measure. */
export interface PhaseRequest {
  readonly pool: WorkerPool;
  readonly deployment: Deployment;
  readonly phase: number;
  readonly step: string;
  readonly publishRate: number;
  /** How long the publisher is asked to publish; delivered/s is counted over at least this. */
  readonly durationMs: number;
  /** Starts publishing for the phase and resolves with every publisher's result. */
  readonly publish: () => Promise<readonly PublishResult[]>;
  /** Deliveries each message sent should produce. */
  readonly recipientsPerMessage: number;
  readonly drainMs: number;
}

function serverCpuMs(deployment: Deployment): number {
  return deployment.nodes.reduce((sum, n) => sum + (n.sample()?.cpuMs ?? 0), 0);
}

function serverRss(deployment: Deployment): number {
  return deployment.nodes.reduce((sum, n) => sum + (n.sample()?.rssBytes ?? 0), 0);
}

/**
 * Measures one step: resets every worker's counters, publishes, waits until the expected
 * deliveries arrived (or `drainMs` passed), then collects latency histograms, counts and the CPU
 * of the servers and of every generator process.
 */
export async function measurePhase(req: PhaseRequest): Promise<StepResult> {
  await req.pool.broadcast({ cmd: 'phase', phase: req.phase });
  const waits = req.deployment.pgAppName ? new PgWaitSampler(BENCH_DATABASE_URL, req.deployment.pgAppName) : null;
  await waits?.start();
  const cpuBefore = serverCpuMs(req.deployment);
  const machineBefore = sampleMachineCpu();
  const started = performance.now();
  const published = await req.publish();
  // The last message of a step is due one interval before its end, so rates count over the asked duration.
  const publishMs = Math.max(...published.map((p) => p.elapsedMs), req.durationMs);
  const sent = published.reduce((s, p) => s + p.sent, 0);
  const expected = sent * req.recipientsPerMessage;
  const drainUntil = performance.now() + req.drainMs;
  // Bounded by drainMs: polls the workers' counters every 100 ms.
  while (performance.now() < drainUntil) {
    const counts = await req.pool.broadcast<{ received: number }>({ cmd: 'count' });
    if (counts.reduce((s, c) => s + c.received, 0) >= expected) break;
    await sleep(100);
  }
  const elapsedMs = performance.now() - started;
  const pgWaits = (await waits?.stop()) ?? null;
  const cpuMs = serverCpuMs(req.deployment) - cpuBefore;
  const machine = machineBusy(machineBefore, sampleMachineCpu());
  const stats = await req.pool.broadcast<PhaseStats>({ cmd: 'stats' });

  const all = new Histogram();
  const byNode: Histogram[] = req.deployment.nodes.map(() => new Histogram());
  let received = 0;
  let generatorCpu = 0;
  for (const s of stats) {
    received += s.received;
    s.latencyByNode.forEach((h, i) => {
      all.merge(h);
      byNode[i]?.merge(h);
    });
    generatorCpu = Math.max(generatorCpu, s.cpuMs / Math.max(1, s.elapsedMs));
  }
  const writes = published.find((p) => p.writeLatency);
  const failed = published.reduce((s, p) => s + p.failed, 0);
  return {
    target: req.deployment.target,
    server: req.deployment.description,
    step: req.step,
    publishRate: req.publishRate,
    sent,
    expected,
    received,
    lost: expected - received,
    deliveredPerSec: Math.round(received / (publishMs / 1000)),
    latency: all.summary(),
    latencyByNode: byNode.map((h) => h.summary()),
    serverCpuPer1k: received > 0 ? Math.round((cpuMs / (received / 1000)) * 100) / 100 : null,
    serverCpuPct: Math.round((cpuMs / elapsedMs) * 100),
    serverRssMb: Math.round(serverRss(req.deployment) / 1024 / 1024),
    generatorCpuPct: Math.round(generatorCpu * 100),
    generatorSaturated: generatorCpu >= GENERATOR_SATURATED,
    machineBusyPct: Math.round(machine * 100),
    writes: writes?.writeLatency
      ? { achievedPerSec: achievedRate(sent, writes.issuedMs ?? publishMs, req.durationMs), failed, latency: Histogram.from(writes.writeLatency).summary() }
      : null,
    pgWaits,
    errors: published.flatMap((p) => p.errors).slice(0, 5),
  };
}

/**
 * Writes per second a server kept up with: writes answered over the time until the last one was
 * issued (at least the step's duration). A server that keeps up lets the writer issue on schedule
 * and shows the asked rate; one that falls behind holds the writer at its in-flight cap, which
 * stretches the issuing, and shows less. (Dividing by the time to the last answer instead added
 * that answer's latency to every step, so no step could ever show its asked rate.)
 */
export function achievedRate(answered: number, issuedMs: number, durationMs: number): number {
  return Math.round(answered / (Math.max(issuedMs, durationMs) / 1000));
}
