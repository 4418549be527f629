import { sleep } from '../../generator/connect-queue.ts';
import type { LedgerFigures } from '../ledger.ts';
import { brokenGuarantees, type ChaosContext, hold, missingFacts, type ScenarioResult, since, startStream } from '../scenario.ts';

/** A fault in a dependency of every node: how it is caused and how it ends. */
interface DependencyFault {
  readonly id: string;
  readonly title: string;
  readonly method: string;
  /** How long the fault lasts. */
  readonly downMs: number;
  cause(ctx: ChaosContext): Promise<void>;
  heal(ctx: ChaosContext): Promise<void>;
  /** Extra checks on the figures (e.g. how writes must fail while it lasts). */
  check?(figures: LedgerFigures, during: LedgerFigures): string[];
}

/** Runs the write stream through a dependency fault: 3 s before, the fault, 6 s after it ends. */
async function throughFault(ctx: ChaosContext, fault: DependencyFault): Promise<ScenarioResult> {
  const started = performance.now();
  const stream = await startStream(ctx);
  await hold(ctx, 3000, 'writing');
  const causedAt = performance.now();
  await fault.cause(ctx);
  ctx.log(`    ${fault.id}: fault on`);
  await sleep(fault.downMs);
  const healAt = performance.now();
  await fault.heal(ctx);
  const healMs = since(healAt);
  const healedAt = performance.now();
  ctx.log(`    ${fault.id}: fault off (${healMs} ms to bring it back)`);
  await hold(ctx, 6000, 'writing');
  const { figures, drainedMs, missingWrites } = await stream.finish();
  const during = stream.ledger.figures(causedAt, healedAt);
  const failures = [...brokenGuarantees(figures), ...(fault.check?.(figures, during) ?? [])];
  const failedDuring = Object.entries(during.failures).map(([k, n]) => `${k} × ${n}`);
  return {
    id: fault.id,
    title: fault.title,
    method: fault.method,
    figures,
    recovery: {
      'all watchers live again after the fault ended': stream.ledger.deliveryResumedAfter(healedAt),
      'writes acknowledged again after the fault ended': stream.ledger.writesResumedAfter(healedAt),
      'bringing the dependency back': healMs,
      'drain after the last write': drainedMs,
    },
    facts: [
      `while the fault lasted (${Math.round((healedAt - causedAt) / 100) / 10} s, from ${((causedAt - stream.startedAt) / 1000).toFixed(2)} s into the scenario): ${during.acked} writes acknowledged, ${during.failedWrites} failed${failedDuring.length ? ` (${failedDuring.join(', ')})` : ''}`,
      ...missingFacts(missingWrites),
    ],
    failures,
    durationMs: since(started),
  };
}

/** Redis killed (SIGKILL) and started again empty on the same port after 4 s. */
export function redisKill(ctx: ChaosContext): Promise<ScenarioResult> {
  return throughFault(ctx, {
    id: 'redis-kill',
    title: 'Redis killed and restarted',
    method:
      'While writers write through every node, `redis-server` gets SIGKILL (no persistence: it comes back empty) and is started again on the same port 4 s later. ' +
      'Cross-node delivery must resume by itself, and what the bus lost in between must come from the event log.',
    downMs: 4000,
    cause: (c) => c.cluster.redis.kill(),
    heal: (c) => c.cluster.redis.restart(),
  });
}

/** Redis frozen (SIGSTOP) for 5 s: every connection to it stays open and nothing answers. */
export function redisStall(ctx: ChaosContext): Promise<ScenarioResult> {
  return throughFault(ctx, {
    id: 'redis-stall',
    title: 'Redis stalled (a paused process)',
    method:
      '`redis-server` is frozen with SIGSTOP for 5 s and then continued (SIGCONT): TCP connections stay open and nothing answers, as in a network stall. ' +
      'Nodes must neither lose nor double events published in between.',
    downMs: 5000,
    cause: async (c) => c.cluster.redis.pause(),
    heal: async (c) => c.cluster.redis.resume(),
  });
}

/** PostgreSQL stopped at once (`pg_ctl stop -m immediate`, a crash) and started again after 4 s. */
export function postgresRestart(ctx: ChaosContext): Promise<ScenarioResult> {
  return throughFault(ctx, {
    id: 'postgres-restart',
    title: 'PostgreSQL restarted',
    method:
      'PostgreSQL is stopped with `pg_ctl stop -m immediate` (every backend ends at once, no checkpoint: a crash) while writers write through every node, and started again 4 s later ' +
      '(it replays its WAL). While it is down writes must fail with `503` and the error shape; afterwards the same server processes must serve writes again.',
    downMs: 4000,
    cause: (c) => c.cluster.postgres.stop('immediate'),
    heal: (c) => c.cluster.postgres.start(),
    check(_figures, during) {
      const wrong = Object.entries(during.failures).filter(([key]) => !key.startsWith('503 unavailable'));
      const broken: string[] = [];
      if (during.failedWrites === 0) broken.push('no write failed while PostgreSQL was down');
      if (wrong.length > 0)
        broken.push(`writes failed other than 503 unavailable while PostgreSQL was down: ${wrong.map(([k, n]) => `${k} × ${n}`).join(', ')}`);
      return broken;
    },
  });
}
