import { sleep } from '../generator/connect-queue.ts';
import type { ConnectionGroup, ConnectResult, RoomSpec, TargetKind } from '../generator/messages.ts';
import type { WorkerPool } from '../generator/worker-pool.ts';
import { Histogram, type LatencySummary } from '../measure/histogram.ts';
import type { Profile } from '../profiles.ts';
import type { Deployment, DeployOptions } from '../servers/deploy.ts';
import type { DeploymentCache } from '../servers/deployment-cache.ts';
import { createTandemFixture, type FixtureSize, type TandemFixture } from '../servers/tandem-fixture.ts';

/** What every workload gets from the runner. */
export interface WorkloadContext {
  readonly repoRoot: string;
  readonly pool: WorkerPool;
  readonly profile: Profile;
  /** Servers to run, in order (default all three). */
  readonly targets: readonly TargetKind[];
  /** When set, Tandem runs with `--cpu-prof` writing here. */
  readonly profileDir: string | undefined;
  /** Server deployments, kept running across workloads. */
  readonly deployments: DeploymentCache;
  log(message: string): void;
}

/** A deployed target with the rooms its clients use. */
export interface PreparedTarget {
  readonly deployment: Deployment;
  /** Hands the deployment back (it keeps running for the next workload). */
  release(): Promise<void>;
  readonly rooms: readonly RoomSpec[];
  /** Tandem bearer tokens (empty for the peers). */
  readonly tokens: readonly string[];
  readonly fixture: TandemFixture | null;
}

/**
 * Work a workload sets up on a prepared deployment once its clients are connected, before the
 * steps are measured (alert rules, an operator's client); resolves with what undoes it, called
 * after the last step.
 */
export type BeforeSteps = (prepared: PreparedTarget) => Promise<() => Promise<void>>;

/** Frame types that count as deliveries of Tandem's ephemeral relay. */
export const TANDEM_RELAY_TYPES = ['cell_edit', 'user_cursor'] as const;
/** Frame types that count as deliveries of Tandem's record path (durable events). */
export const TANDEM_RECORD_TYPES = ['record_updated'] as const;

/** The rooms a workload needs. */
export interface RoomPlan {
  readonly rooms: number;
  /**
   * `table`: Tandem rooms are `table:{id}` of that many tables (clients publish `cell_edit`);
   * `record`: `record:{id}` of that many records in one table (clients publish `user_cursor`).
   */
  readonly kind: 'table' | 'record';
  /** Records per table for REST writes (table rooms only). Default 1. */
  readonly recordsPerTable?: number;
  /** Tandem users to spread connections over. Default 4. */
  readonly users?: number;
}

/**
 * Starts a target and, for Tandem, creates users, tables and records through the API. Peers get
 * rooms named `room-{i}`.
 */
export async function prepareTarget(ctx: WorkloadContext, target: TargetKind, plan: RoomPlan, options: DeployOptions = {}): Promise<PreparedTarget> {
  const started = performance.now();
  const deployment = await ctx.deployments.acquire(target, { ...options, ...(target === 'tandem' && ctx.profileDir ? { profileDir: ctx.profileDir } : {}) });
  // A server reused from the previous workload may still be closing that workload's connections.
  await sleep(1000);
  const release = async () => undefined;
  try {
    if (target !== 'tandem') {
      const rooms = Array.from({ length: plan.rooms }, (_, i) => ({ name: `room-${i}` }));
      return { deployment, release, rooms, tokens: [], fixture: null };
    }
    const size: FixtureSize =
      plan.kind === 'table'
        ? { users: plan.users ?? 4, tables: plan.rooms, recordsPerTable: plan.recordsPerTable ?? 1 }
        : { users: plan.users ?? 4, tables: 1, recordsPerTable: plan.rooms };
    const fixture = await createTandemFixture(deployment.nodes[0]?.url ?? '', size);
    const rooms: RoomSpec[] =
      plan.kind === 'table'
        ? fixture.tables.map((t) => ({ name: t.room, recordId: t.recordIds[0] as string, fieldId: t.fieldId }))
        : (fixture.tables[0]?.recordIds ?? []).map((id) => ({ name: `record:${id}` }));
    ctx.log(
      `  ${deployment.description}: up, ${size.tables} table(s) with ${size.recordsPerTable} record(s) each, in ${Math.round(performance.now() - started)} ms`,
    );
    return { deployment, release, rooms, tokens: fixture.tokens, fixture };
  } catch (err) {
    await deployment.stop();
    throw err;
  }
}

/** Totals of connecting a group spread over the subscriber processes. */
export interface ConnectSummary {
  readonly opened: number;
  readonly failed: number;
  readonly errors: readonly string[];
  readonly latency: LatencySummary;
  readonly elapsedMs: number;
  /** Connections asked of each subscriber process, in pool order. */
  readonly perWorker: readonly number[];
}

/**
 * Opens `total` connections of a group, split in contiguous ranges over the subscriber
 * processes, all at the same time.
 */
export async function connectSpread(
  pool: WorkerPool,
  group: Omit<ConnectionGroup, 'first' | 'count'>,
  total: number,
  /** Index of the first connection (to add more to a group that already holds some). */
  offset = 0,
): Promise<ConnectSummary> {
  const workers = pool.subscribers;
  const per = Math.ceil(total / workers.length);
  const started = performance.now();
  const perWorker = workers.map((_, i) => Math.max(0, Math.min(per, total - i * per)));
  const results = await Promise.all(
    workers.map((w, i) => {
      const count = perWorker[i] ?? 0;
      return count === 0 ? null : w.send<ConnectResult>({ cmd: 'connect', group: { ...group, first: offset + i * per, count } });
    }),
  );
  const summary = summariseConnects(
    results.filter((r): r is ConnectResult => r !== null),
    performance.now() - started,
  );
  return { ...summary, perWorker };
}

/** Adds up connect results of several workers. */
export function summariseConnects(results: readonly ConnectResult[], elapsedMs: number): Omit<ConnectSummary, 'perWorker'> {
  const latency = new Histogram();
  for (const r of results) latency.merge(r.connectLatency);
  return {
    opened: results.reduce((s, r) => s + r.opened, 0),
    failed: results.reduce((s, r) => s + r.failed, 0),
    errors: results.flatMap((r) => r.errors).slice(0, 5),
    latency: latency.summary(),
    elapsedMs: Math.round(elapsedMs),
  };
}

/**
 * Runs `body` once per target with a fresh deployment, closing every generator connection and
 * stopping the servers afterwards; a target that fails is recorded and the next one still runs.
 */
export async function forEachTarget(
  ctx: WorkloadContext,
  failures: string[],
  body: (target: TargetKind) => Promise<void>,
  targets: readonly TargetKind[] = ctx.targets,
): Promise<void> {
  for (const target of targets) {
    try {
      await body(target);
    } catch (err) {
      const message = `${target}: ${(err as Error).message.split('\n').slice(0, 4).join(' ')}`;
      failures.push(message);
      ctx.log(`  FAILED ${message}`);
    } finally {
      await ctx.pool.broadcast({ cmd: 'close' }).catch(() => undefined);
    }
  }
}

/** Fails loudly when connections could not be opened, so a step never runs half-connected. */
export function requireConnected(what: string, summary: Omit<ConnectSummary, 'perWorker'>, wanted: number): void {
  if (summary.opened < wanted) throw new Error(`${what}: only ${summary.opened}/${wanted} connected; ${summary.errors.join('; ')}`);
}
