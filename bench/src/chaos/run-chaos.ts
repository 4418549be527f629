/**
 * `npm run chaos`: the fault suite of issue 21. Starts its own PostgreSQL cluster, Redis and three
 * Tandem nodes on 127.0.0.1, runs each scenario against them with a ledger of every acknowledged
 * write and every delivered event, and writes the figures to docs/reliability.md (and
 * bench/results/chaos-latest.json). Bounded: each scenario has its own time limit, the whole run
 * stops by itself after 15 minutes.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { withTimeout } from '../generator/adapters/client-adapter.ts';
import { describeMachine } from '../measure/machine.ts';
import { createTandemFixture } from '../servers/tandem-fixture.ts';
import { ChaosCluster } from './chaos-cluster.ts';
import { type ChaosRun, reliabilityMarkdown } from './chaos-report.ts';
import type { ChaosContext, ScenarioResult } from './scenario.ts';
import { SCENARIOS, type ScenarioId } from './scenarios/index.ts';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/**
 * Where the server under test runs from (`CHAOS_SERVER_ROOT`, default this repository): another
 * checkout, e.g. an export of a commit, measures that code while this tree keeps changing.
 */
const SERVER_ROOT = process.env.CHAOS_SERVER_ROOT ?? REPO_ROOT;
/** The whole run stops by itself past this. */
const HARD_LIMIT_MS = 15 * 60_000;
/** Tandem nodes the suite runs. */
const NODES = 3;
/** Writers (each owning one record) per table; two tables. */
const WRITERS_PER_TABLE = 3;

function log(message: string): void {
  console.log(`[${new Date().toISOString().slice(11, 19)}] ${message}`);
}

function parseOnly(argv: readonly string[]): ScenarioId[] {
  const all = Object.keys(SCENARIOS) as ScenarioId[];
  const only = argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
  if (!only) return all;
  const wanted = only.split(',');
  for (const id of wanted) if (!all.includes(id as ScenarioId)) throw new Error(`unknown scenario ${id}; known: ${all.join(', ')}`);
  return wanted as ScenarioId[];
}

async function main(): Promise<void> {
  const ids = parseOnly(process.argv.slice(2));
  const started = Date.now();
  const machine = describeMachine(REPO_ROOT);
  log(`chaos: ${ids.join(', ')} on ${machine.cpu} × ${machine.cores}`);
  const cluster = await ChaosCluster.start(SERVER_ROOT, NODES, log);
  const results: ScenarioResult[] = [];
  try {
    const fixture = await createTandemFixture(cluster.urls[0] as string, { users: 4, tables: 2, recordsPerTable: WRITERS_PER_TABLE });
    const rooms = fixture.tables.map((t) => ({ room: t.room, fieldId: t.fieldId }));
    const targets = fixture.tables.flatMap((t) => t.recordIds.map((recordId) => ({ room: t.room, recordId, fieldId: t.fieldId })));
    const ctx: ChaosContext = { repoRoot: REPO_ROOT, cluster, fixture, rooms, targets, log };
    for (const id of ids) {
      const scenario = SCENARIOS[id];
      // A scenario that could overrun the run's limit is not started, so the report is still written.
      if (Date.now() - started + scenario.limitMs > HARD_LIMIT_MS - 30_000) {
        log(`scenario ${id}: skipped, less than its ${scenario.limitMs / 1000} s limit left of the run's ${HARD_LIMIT_MS / 60_000} minutes`);
        results.push({
          id,
          title: scenario.title,
          method: '',
          figures: null,
          recovery: {},
          facts: [],
          failures: ['not run: the time left was shorter than its limit'],
          durationMs: 0,
        });
        continue;
      }
      log(`scenario ${id}`);
      // A node a previous scenario left down comes back first.
      for (const node of cluster.nodes) await node.up();
      try {
        let result = await withTimeout(scenario.run(ctx), scenario.limitMs, id);
        const died = cluster.nodes.filter((n) => n.diedOnItsOwn).map((n) => `node ${n.index} exited on its own`);
        if (died.length > 0) result = { ...result, failures: [...result.failures, ...died] };
        results.push(result);
        log(`  ${result.failures.length === 0 ? 'held' : `BROKEN: ${result.failures.join('; ')}`} (${Math.round(result.durationMs / 1000)} s)`);
      } catch (err) {
        log(`  FAILED: ${(err as Error).message}`);
        results.push({
          id,
          title: scenario.title,
          method: '',
          figures: null,
          recovery: {},
          facts: [],
          failures: [`did not complete: ${(err as Error).message}`],
          durationMs: 0,
        });
      }
    }
  } finally {
    await cluster.stop();
  }
  const run: ChaosRun = {
    command: `npm run chaos${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
    startedAt: new Date(started).toISOString(),
    durationSec: Math.round((Date.now() - started) / 1000),
    machine,
    nodes: NODES,
    postgres: cluster.postgres.bin.split('/').at(-2) ?? '?',
    scenarios: results,
  };
  const resultsDir = join(REPO_ROOT, 'bench/results');
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(join(resultsDir, 'chaos-latest.json'), `${JSON.stringify(run, null, 2)}\n`);
  const complete = ids.length === Object.keys(SCENARIOS).length;
  if (complete) writeFileSync(join(REPO_ROOT, 'docs/reliability.md'), reliabilityMarkdown(run));
  else writeFileSync(join(resultsDir, 'chaos-latest.md'), reliabilityMarkdown(run));
  log(`done in ${run.durationSec} s; results in ${complete ? 'docs/reliability.md' : 'bench/results/chaos-latest.md'}`);
  const broken = results.filter((r) => r.failures.length > 0);
  if (broken.length > 0) process.exitCode = 1;
}

const limit = setTimeout(() => {
  console.error(`chaos: stopped after the ${HARD_LIMIT_MS / 60_000}-minute limit`);
  process.exit(2);
}, HARD_LIMIT_MS);
limit.unref();
main()
  .catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(() => {
    // Sockets of closed clients may linger; the suite ends when its work is done.
    setTimeout(() => process.exit(), 500).unref();
  });
