import { sleep } from '../generator/connect-queue.ts';
import type { TandemFixture } from '../servers/tandem-fixture.ts';
import type { ChaosCluster } from './chaos-cluster.ts';
import { Ledger, type LedgerFigures } from './ledger.ts';
import { openWatchers, type WatchedRoom, type Watcher } from './watchers.ts';
import { Writers, type WriterTarget } from './writers.ts';

/** What every scenario gets. */
export interface ChaosContext {
  readonly repoRoot: string;
  readonly cluster: ChaosCluster;
  readonly fixture: TandemFixture;
  /** Rooms the watchers hold and the records the writers own, from the fixture. */
  readonly rooms: readonly WatchedRoom[];
  readonly targets: readonly WriterTarget[];
  log(message: string): void;
}

/** The outcome of one scenario, as the report prints it. */
export interface ScenarioResult {
  readonly id: string;
  readonly title: string;
  /** What was done, in a sentence or two. */
  readonly method: string;
  /** Ledger figures of the writes made during the scenario (null for scenarios without a write stream). */
  readonly figures: LedgerFigures | null;
  /** Named recovery times in ms (null: did not recover within the scenario). */
  readonly recovery: Readonly<Record<string, number | null>>;
  /** Further measured facts, printed as a list. */
  readonly facts: readonly string[];
  /** Broken guarantees; empty when the scenario passed. */
  readonly failures: readonly string[];
  readonly durationMs: number;
}

/** Writes per second per writer, and watchers per node, in the write-stream scenarios. */
export const STREAM = { writeRate: 10, watchersPerNode: 4, drainMs: 20_000 } as const;

/**
 * The guarantees every write-stream scenario is held to: nothing acknowledged missing, nothing
 * delivered twice or out of order (to the app and on the wire), failed writes in the error shape.
 */
export function brokenGuarantees(f: LedgerFigures): string[] {
  const broken: string[] = [];
  if (f.acked === 0) broken.push('no write was acknowledged');
  if (f.missing > 0) broken.push(`${f.missing} acknowledged deliveries missing`);
  if (f.duplicated > 0) broken.push(`${f.duplicated} events delivered twice`);
  if (f.outOfOrder > 0) broken.push(`${f.outOfOrder} events out of order`);
  if (f.wireDuplicated > 0) broken.push(`${f.wireDuplicated} events sent twice on the wire`);
  if (f.wireOutOfOrder > 0) broken.push(`${f.wireOutOfOrder} events sent out of order on the wire`);
  if (f.unshapedErrors > 0) broken.push(`${f.unshapedErrors} failed writes without the error shape`);
  return broken;
}

/** A running write stream: writers through every node, watchers on every node, one ledger. */
export interface Stream {
  readonly ledger: Ledger;
  readonly watchers: readonly Watcher[];
  readonly startedAt: number;
  /** Stops the writers, waits until every acknowledged write reached every watcher (bounded), closes the watchers. */
  finish(): Promise<{ figures: LedgerFigures; drainedMs: number; stoppedAt: number; missingWrites: string[] }>;
}

/** Opens watchers on every node, starts the writers and returns the running stream. */
export async function startStream(ctx: ChaosContext, options: { watchersPerNode?: number; rooms?: readonly WatchedRoom[] } = {}): Promise<Stream> {
  const ledger = new Ledger();
  const urls = ctx.cluster.urls;
  const watchers = await openWatchers(ledger, urls, ctx.fixture.tokens, options.rooms ?? ctx.rooms, options.watchersPerNode ?? STREAM.watchersPerNode);
  const writers = new Writers(ledger, urls, ctx.fixture.tokens, ctx.targets, STREAM.writeRate);
  const startedAt = performance.now();
  writers.start();
  return {
    ledger,
    watchers,
    startedAt,
    async finish() {
      await writers.stop();
      const stoppedAt = performance.now();
      // Bounded: at most drainMs for the last deliveries (a resume may still be replaying).
      while (performance.now() - stoppedAt < STREAM.drainMs && ledger.figures(startedAt, stoppedAt).missing > 0) await sleep(250);
      const drainedMs = Math.round(performance.now() - stoppedAt);
      const figures = ledger.figures(startedAt, stoppedAt);
      const missingWrites = ledger.missingWrites(startedAt, stoppedAt, startedAt).slice(0, 5);
      for (const w of watchers) w.close();
      return { figures, drainedMs, stoppedAt, missingWrites };
    },
  };
}

/** A fact line naming the first acknowledged writes some client never got (empty when none). */
export function missingFacts(missing: readonly string[]): string[] {
  return missing.length
    ? [`acknowledged writes not delivered everywhere (first ${missing.length}; times from the scenario's start): ${missing.join('; ')}`]
    : [];
}

/** Milliseconds since `from`, rounded. */
export function since(from: number): number {
  return Math.round(performance.now() - from);
}

/** Sleeps, then logs a line (keeps the console moving during long waits). */
export async function hold(ctx: ChaosContext, ms: number, what: string): Promise<void> {
  ctx.log(`    ${what} (${ms / 1000} s)`);
  await sleep(ms);
}
