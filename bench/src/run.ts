/**
 * `npm run bench`: runs the workloads of issue 6 against Tandem, Socket.IO and a bare `ws`
 * server on this machine (and what the operations features of issue 16 cost Tandem), one after the other, and writes the results to bench/results/ (and,
 * for a full run, into docs/benchmarks.md).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CliOptions, parseCli, USAGE } from './cli-options.ts';
import { WorkerPool } from './generator/worker-pool.ts';
import { describeMachine } from './measure/machine.ts';
import { replaceDocsSection, resultsMarkdown } from './report/markdown.ts';
import type { RunResult, WorkloadId, WorkloadResult } from './report/results.ts';
import { evaluateTargets } from './report/targets.ts';
import { DeploymentCache } from './servers/deployment-cache.ts';
import { runFanout } from './workloads/fanout.ts';
import { runIdle } from './workloads/idle.ts';
import { runOperations } from './workloads/operations.ts';
import { runRecordPath } from './workloads/record-path.ts';
import { runRooms } from './workloads/rooms.ts';
import { runStorm } from './workloads/storm.ts';
import { runTwoNodes } from './workloads/two-nodes.ts';
import type { WorkloadContext } from './workloads/workload-context.ts';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const RESULTS_DIR = join(REPO_ROOT, 'bench/results');
/** The whole run stops by itself past this, whatever happens. */
const HARD_LIMIT_MS = { smoke: 5 * 60_000, quick: 10 * 60_000, full: 45 * 60_000 } as const;

const WORKLOADS: Record<WorkloadId, (ctx: WorkloadContext) => Promise<WorkloadResult>> = {
  fanout: runFanout,
  rooms: runRooms,
  idle: runIdle,
  record: runRecordPath,
  'two-nodes': runTwoNodes,
  storm: runStorm,
  operations: runOperations,
};

function log(message: string): void {
  console.log(`[${new Date().toISOString().slice(11, 19)}] ${message}`);
}

async function run(options: CliOptions, command: string): Promise<RunResult> {
  const started = Date.now();
  const startedAt = new Date(started).toISOString();
  const machine = describeMachine(REPO_ROOT);
  log(`bench ${options.profile.name}: ${options.workloads.join(', ')} against ${options.targets.join(', ')} on ${machine.cpu} × ${machine.cores}`);
  const profileDir = options.cpuProfile ? join(RESULTS_DIR, 'profiles') : undefined;
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  const pool = await WorkerPool.start(options.profile.subscriberWorkers);
  const deployments = new DeploymentCache(REPO_ROOT);
  const workloads: WorkloadResult[] = [];
  try {
    const ctx: WorkloadContext = { repoRoot: REPO_ROOT, pool, profile: options.profile, targets: options.targets, profileDir, deployments, log };
    for (const id of options.workloads) {
      log(`workload ${id}`);
      workloads.push(await WORKLOADS[id](ctx));
    }
  } finally {
    await deployments.stopAll();
    await pool.stop();
  }
  const partial = { profile: options.profile.name, command, startedAt, durationSec: (Date.now() - started) / 1000, machine, workloads };
  return { ...partial, targets: evaluateTargets(workloads) };
}

function write(result: RunResult, updateDocs: boolean): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const stamp = result.startedAt.replaceAll(':', '-').slice(0, 19);
  const base = join(RESULTS_DIR, `${stamp}-${result.profile}`);
  // Re-rendering a recorded run keeps its file names (the date is the run's).
  writeFileSync(`${base}.json`, `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(`${base}.md`, resultsMarkdown(result));
  writeFileSync(join(RESULTS_DIR, `latest-${result.profile}.md`), resultsMarkdown(result));
  writeFileSync(join(RESULTS_DIR, `latest-${result.profile}.json`), `${JSON.stringify(result, null, 2)}\n`);
  log(`results: ${base}.md and .json`);
  if (updateDocs) {
    const docs = join(REPO_ROOT, 'docs/benchmarks.md');
    writeFileSync(docs, replaceDocsSection(readFileSync(docs, 'utf8'), result));
    log('docs/benchmarks.md updated');
  }
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(USAGE);
    return;
  }
  const render = argv.find((a) => a.startsWith('--render='));
  if (render) {
    // Re-renders a recorded run (targets, markdown, docs) without measuring again.
    const recorded = JSON.parse(readFileSync(render.slice(9), 'utf8')) as RunResult;
    write({ ...recorded, targets: evaluateTargets(recorded.workloads) }, argv.includes('--update-docs'));
    return;
  }
  const options = parseCli(argv);
  const limit = setTimeout(() => {
    log(`the run passed its hard limit of ${HARD_LIMIT_MS[options.profile.name] / 60_000} minutes; stopping`);
    process.exit(3);
  }, HARD_LIMIT_MS[options.profile.name]);
  limit.unref();
  const command = `npm run bench${argv.length ? ` -- ${argv.join(' ')}` : ''}`;
  const result = await run(options, command);
  write(result, options.updateDocs);
  for (const t of result.targets) log(`${t.pass === null ? 'n/a ' : t.pass ? 'pass' : 'MISS'}  ${t.target}: ${t.measured}`);
}

process.on('SIGINT', () => process.exit(130));
process.on('SIGTERM', () => process.exit(143));
main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
