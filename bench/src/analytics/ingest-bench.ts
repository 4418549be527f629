/**
 * Visitor analytics ingestion under load (issue 15): one Tandem node on PostgreSQL takes at least
 * 2,000 page views/s from separate load processes while the record path (REST write → commit →
 * `record_updated` to table subscribers, as `npm run bench`'s workload (d)) is measured with and
 * without that load, so the figure is what ingestion costs the rest of the server's p99.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { withTimeout } from '../generator/adapters/client-adapter.ts';
import { sleep } from '../generator/connect-queue.ts';
import { WorkerPool } from '../generator/worker-pool.ts';
import { Histogram, type LatencySummary } from '../measure/histogram.ts';
import { type Overhead, overhead, spreadPct } from '../measure/overhead.ts';
import { QUICK } from '../profiles.ts';
import type { StepResult } from '../report/results.ts';
import { BENCH_DATABASE_URL } from '../servers/deploy.ts';
import { DeploymentCache } from '../servers/deployment-cache.ts';
import { callApi } from '../servers/tandem-fixture.ts';
import { recordSteps } from '../workloads/record-path.ts';
import type { PreparedTarget, WorkloadContext } from '../workloads/workload-context.ts';
import type { LoadCommand, LoadReply, PageviewLoadResult } from './pageview-load.ts';

const LOAD_SCRIPT = fileURLToPath(new URL('./pageview-load.ts', import.meta.url));
/** The host the benchmark's site tracks; every generated page is on it. */
const SITE_HOST = 'bench.example.com';

/** Sizes of one ingestion run. */
export interface IngestBenchOptions {
  readonly repoRoot: string;
  /** Page views per second asked of all load processes together. */
  readonly pageviewRate: number;
  /** Load processes (each sends `pageviewRate / loadProcesses`). */
  readonly loadProcesses: number;
  /** Distinct visitors (address and browser) per load process. */
  readonly visitorsPerProcess: number;
  /** Record writes per second of the measured record path, and its table subscribers. */
  readonly writeRate: number;
  readonly subscribers: number;
  /** Measured steps per mode and round (each after a warm-up step), and their length. */
  readonly steps: number;
  readonly stepMs: number;
  /** Rounds; they alternate which mode goes first (off → on, then on → off). */
  readonly rounds: number;
  readonly log: (message: string) => void;
}

/** What ingestion took during one "on" run of the record path. */
export interface IngestLoad {
  readonly sent: number;
  readonly accepted: number;
  readonly byStatus: Readonly<Record<string, number>>;
  /** Page views that fell due while the load processes' in-flight cap was reached. */
  readonly behind: number;
  readonly seconds: number;
  /** Page views answered 202 per second, all processes together. */
  readonly acceptedPerSec: number;
  /** Beacon request to its 202. */
  readonly latency: LatencySummary;
  /** Page view rows of the site in PostgreSQL once the writer had flushed. */
  readonly rowsStored: number;
  /** Sessions of the site in PostgreSQL. */
  readonly sessions: number;
  /** The busiest load process's CPU, in % of one core. */
  readonly generatorCpuPct: number;
  readonly errors: readonly string[];
}

/** One mode's record path figures (median step) over every round. */
export interface RecordFigures {
  readonly steps: number;
  readonly deliveredPerSec: number;
  readonly p50: number;
  readonly p99: number;
  /** REST write answer p99 (median step). */
  readonly httpP99: number;
  readonly lost: number;
  readonly failedWrites: number;
  readonly serverCpuPct: number;
  /** How busy the whole machine was (median step), in %: other work on it shows here. */
  readonly machineBusyPct: number;
}

/** The whole run. */
export interface IngestBenchResult {
  readonly options: Omit<IngestBenchOptions, 'log' | 'repoRoot'>;
  readonly server: string;
  readonly loads: readonly IngestLoad[];
  readonly off: RecordFigures;
  readonly on: RecordFigures;
  readonly overhead: Overhead;
  readonly steps: readonly StepResult[];
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return 0;
  const mid = Math.floor(sorted.length / 2);
  const middle = sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return Math.round(middle * 1000) / 1000;
}

function figures(steps: readonly StepResult[]): RecordFigures {
  return {
    steps: steps.length,
    deliveredPerSec: Math.round(steps.reduce((sum, s) => sum + s.deliveredPerSec, 0) / Math.max(1, steps.length)),
    p50: median(steps.map((s) => s.latency.p50)),
    p99: median(steps.map((s) => s.latency.p99)),
    httpP99: median(steps.map((s) => s.writes?.latency.p99 ?? 0)),
    lost: steps.reduce((sum, s) => sum + s.lost, 0),
    failedWrites: steps.reduce((sum, s) => sum + (s.writes?.failed ?? 0), 0),
    serverCpuPct: median(steps.map((s) => s.serverCpuPct)),
    machineBusyPct: median(steps.map((s) => s.machineBusyPct)),
  };
}

/** A forked load process. */
function startLoadProcess(): { child: ChildProcess; next: (type: LoadReply['type']) => Promise<LoadReply> } {
  const child = fork(LOAD_SCRIPT, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const replies: LoadReply[] = [];
  const waiting: ((reply: LoadReply) => void)[] = [];
  child.on('message', (reply: LoadReply) => {
    const waiter = waiting.shift();
    if (waiter) waiter(reply);
    else replies.push(reply);
  });
  const next = (type: LoadReply['type']) =>
    withTimeout(
      new Promise<LoadReply>((resolve, reject) => {
        const queued = replies.shift();
        if (queued) return queued.type === type ? resolve(queued) : reject(new Error(`load process answered ${queued.type}`));
        waiting.push((reply) => (reply.type === type ? resolve(reply) : reject(new Error(`load process answered ${reply.type}`))));
        child.once('exit', (code) => reject(new Error(`load process exited (${code})`)));
      }),
      90_000,
      `load process ${type}`,
    );
  return { child, next };
}

async function countRows(schema: string, siteId: string): Promise<{ pageviews: number; sessions: number }> {
  const client = new pg.Client({ connectionString: BENCH_DATABASE_URL });
  await client.connect();
  try {
    const [pv] = (await client.query(`SELECT count(*)::int AS n FROM "${schema}".analytics_pageviews WHERE site_id = $1`, [siteId])).rows;
    const [s] = (await client.query(`SELECT count(*)::int AS n FROM "${schema}".analytics_sessions WHERE site_id = $1`, [siteId])).rows;
    return { pageviews: pv?.n ?? 0, sessions: s?.n ?? 0 };
  } finally {
    await client.end();
  }
}

/**
 * Starts the page-view load once the record path's subscribers are connected (so it runs through
 * the warm-up and every measured step) and, when the steps are done, stops it and counts what
 * was stored: a site of its own per run, so the rows counted are exactly this load's.
 */
function withIngestion(options: IngestBenchOptions, loads: IngestLoad[], round: number) {
  return async (prepared: PreparedTarget): Promise<() => Promise<void>> => {
    const url = prepared.deployment.nodes[0]?.url;
    const owner = prepared.fixture?.tokens[0];
    const schema = prepared.deployment.pgAppName;
    if (!url || !owner || !prepared.fixture || !schema) throw new Error('the ingestion load needs a Tandem fixture on PostgreSQL');
    const { site } = await callApi<{ site: { id: string; site_key: string } }>(
      url,
      'POST',
      `/workspaces/${prepared.fixture.workspaceId}/analytics/sites`,
      owner,
      {
        name: `Bench round ${round + 1}`,
        domains: [SITE_HOST],
      },
    );
    const processes = Array.from({ length: options.loadProcesses }, startLoadProcess);
    const perProcess = options.pageviewRate / options.loadProcesses;
    await Promise.all(
      processes.map((p, i) => {
        const started = p.next('started');
        p.child.send({
          type: 'start',
          plan: {
            baseUrl: url,
            siteKey: site.site_key,
            host: SITE_HOST,
            rate: perProcess,
            maxInFlight: 128,
            visitors: options.visitorsPerProcess,
            seed: 1 + round * 100 + i,
          },
        } satisfies LoadCommand);
        return started;
      }),
    );
    // The record path is measured under a load already running at its rate.
    await sleep(2000);
    return async () => {
      const results = await Promise.all(
        processes.map(async (p) => {
          const stopped = p.next('stopped');
          p.child.send({ type: 'stop' } satisfies LoadCommand);
          return ((await stopped) as Extract<LoadReply, { type: 'stopped' }>).result;
        }),
      );
      loads.push(await summarise(results, schema, site.id, options.log));
    };
  };
}

async function summarise(results: readonly PageviewLoadResult[], schema: string, siteId: string, log: (message: string) => void): Promise<IngestLoad> {
  const latency = new Histogram();
  const byStatus: Record<string, number> = {};
  for (const r of results) {
    latency.merge(r.latency);
    for (const [status, n] of Object.entries(r.byStatus)) byStatus[status] = (byStatus[status] ?? 0) + n;
  }
  const accepted = results.reduce((sum, r) => sum + r.accepted, 0);
  const seconds = Math.max(...results.map((r) => r.elapsedMs)) / 1000;
  // Rows are written in batches: wait until every accepted page view is there, or the count stops growing for 5 s.
  let rows = await countRows(schema, siteId);
  for (let still = 0; rows.pageviews < accepted && still < 5; ) {
    await sleep(1000);
    const again = await countRows(schema, siteId);
    still = again.pageviews === rows.pageviews ? still + 1 : 0;
    rows = again;
  }
  const load: IngestLoad = {
    sent: results.reduce((sum, r) => sum + r.sent, 0),
    accepted,
    byStatus,
    behind: results.reduce((sum, r) => sum + r.behind, 0),
    seconds: Math.round(seconds * 10) / 10,
    acceptedPerSec: Math.round(accepted / seconds),
    latency: latency.summary(),
    rowsStored: rows.pageviews,
    sessions: rows.sessions,
    generatorCpuPct: Math.max(...results.map((r) => r.cpuPct)),
    errors: results.flatMap((r) => r.errors).slice(0, 5),
  };
  log(
    `    ingestion: ${load.accepted} page views accepted in ${load.seconds} s (${load.acceptedPerSec}/s), ${load.rowsStored} rows stored, ${load.sessions} sessions, statuses ${JSON.stringify(byStatus)}, beacon p99 ${load.latency.p99} ms`,
  );
  return load;
}

/** Runs the record path without and with the ingestion load, alternating, on one PostgreSQL node. */
export async function runIngestBench(options: IngestBenchOptions): Promise<IngestBenchResult> {
  const pool = await WorkerPool.start(2);
  const deployments = new DeploymentCache(options.repoRoot);
  const ctx: WorkloadContext = {
    repoRoot: options.repoRoot,
    pool,
    profile: { ...QUICK, stepMs: options.stepMs, drainMs: 1500 },
    targets: ['tandem'],
    profileDir: undefined,
    deployments,
    log: options.log,
  };
  const measured: Record<'off' | 'on', StepResult[]> = { off: [], on: [] };
  const loads: IngestLoad[] = [];
  let server = '';
  try {
    for (let round = 0; round < options.rounds; round++) {
      for (const mode of round % 2 === 0 ? (['off', 'on'] as const) : (['on', 'off'] as const)) {
        options.log(`  round ${round + 1}, record path ${mode === 'on' ? `with ${options.pageviewRate} page views/s` : 'without page views'}`);
        const steps = await recordSteps(ctx, {
          database: 'postgres',
          nodes: 1,
          subscribers: options.subscribers,
          records: 200,
          rates: Array.from({ length: options.steps }, () => options.writeRate),
          label: `ingest-${mode}`,
          beforeSteps: mode === 'on' ? withIngestion(options, loads, round) : undefined,
        });
        server = steps[0]?.server ?? server;
        measured[mode].push(...steps.map((s) => ({ ...s, step: `${mode === 'on' ? 'with' : 'without'} ingestion, round ${round + 1}: ${s.step}` })));
        await pool.broadcast({ cmd: 'close' }).catch(() => undefined);
      }
    }
  } finally {
    await deployments.stopAll();
    await pool.stop();
  }
  const off = figures(measured.off);
  const on = figures(measured.on);
  const spreads = [measured.off, measured.on].map((steps) => spreadPct(steps.map((s) => s.latency.p99)));
  const spread = spreads.every((v) => v !== null) ? Math.max(...(spreads as number[])) : null;
  const { log: _log, repoRoot: _root, ...sizes } = options;
  return { options: sizes, server, loads, off, on, overhead: overhead(off, on, spread), steps: [...measured.off, ...measured.on] };
}

/** The ingestion target of issue 15. */
export const INGEST_TARGET_PER_SEC = 2_000;

/** The run as markdown for docs/benchmarks.md. */
export function ingestMarkdown(result: IngestBenchResult): string {
  const o = result.options;
  const sum = (pick: (l: IngestLoad) => number) => result.loads.reduce((s, l) => s + pick(l), 0);
  const slowest = Math.min(...result.loads.map((l) => l.acceptedPerSec));
  const allStored = result.loads.every((l) => l.rowsStored === l.accepted);
  const signed = (v: number) => (v > 0 ? `+${v}` : `${v}`);
  const verdict = result.overhead.withinBudget === null ? 'not resolved' : result.overhead.withinBudget ? 'unchanged' : '**changed**';
  const lines = [
    '| target | measured | result |',
    '|---|---|---|',
    `| ≥ ${INGEST_TARGET_PER_SEC.toLocaleString('en-US')} page views/s on one PostgreSQL node | ${result.loads.map((l) => `${l.acceptedPerSec.toLocaleString('en-US')}/s over ${l.seconds} s`).join(', ')} | ${slowest >= INGEST_TARGET_PER_SEC ? 'pass' : '**MISS**'} |`,
    `| every accepted page view stored | ${sum((l) => l.rowsStored).toLocaleString('en-US')} rows for ${sum((l) => l.accepted).toLocaleString('en-US')} accepted | ${allStored ? 'pass' : '**MISS**'} |`,
    `| the rest of the server's p99 unchanged (record write → delivery) | ${result.off.p99} ms without, ${result.on.p99} ms with (${signed(result.overhead.p99Pct)} %, steps spread ${result.overhead.p99SpreadPct ?? '–'} %) | ${verdict} |`,
    '',
    '| ingestion run | sent | accepted (202) | other answers | behind | page views/s | beacon p50 ms | beacon p99 ms | rows stored | sessions | load process CPU % |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...result.loads.map((l, i) => {
      const others = Object.entries(l.byStatus).filter(([status]) => status !== '202');
      return `| ${i + 1} | ${l.sent} | ${l.accepted} | ${others.length ? others.map(([s, n]) => `${s}: ${n}`).join(', ') : '–'} | ${l.behind} | ${l.acceptedPerSec} | ${l.latency.p50} | ${l.latency.p99} | ${l.rowsStored} | ${l.sessions} | ${l.generatorCpuPct} |`;
    }),
    '',
    '| record path | steps | deliveries/s | write→delivery p50 ms | p99 ms | HTTP write p99 ms | lost | failed writes | server CPU % | machine busy % |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...(['off', 'on'] as const).map((mode) => {
      const f = result[mode];
      return `| ${mode === 'on' ? 'with ingestion' : 'without'} | ${f.steps} | ${f.deliveredPerSec} | ${f.p50} | ${f.p99} | ${f.httpP99} | ${f.lost} | ${f.failedWrites} | ${f.serverCpuPct} | ${f.machineBusyPct} |`;
    }),
    '',
    `- ${result.server}, production settings (\`ANALYTICS_RATE_LIMIT\` 600 per minute per address, batches every \`ANALYTICS_FLUSH_MS\` 1,000 ms or 500 rows). ` +
      `${o.loadProcesses} load processes send ${o.pageviewRate.toLocaleString('en-US')} page views/s together (open loop, at most 128 in flight each; *behind* counts page views that fell due while that many were outstanding) ` +
      "as a browser's `sendBeacon` does: `text/plain` JSON with the site's `Origin`, one of 12 real browsers' User-Agents (desktop, phone, tablet), " +
      `the visitor's address in \`X-Forwarded-For\` (the server trusts the proxy header; ${o.visitorsPerProcess.toLocaleString('en-US')} visitors per process, one in ten IPv6), ` +
      'about 1,000 paths (the home page, pricing and five sections), one in ten with UTM parameters, most with a referrer. Each run gets a site of its own; rows are counted in PostgreSQL after the last batch.',
    `- The record path as workload (d): ${o.subscribers} subscribers of a table, ${o.writeRate} REST writes/s, ${o.steps} steps of ${o.stepMs / 1000} s after a warm-up step, ` +
      `without and with the page-view load (which starts before the warm-up and runs until the last step ends), ${o.rounds} round(s) alternating which goes first, on the same server process. ` +
      "p50 and p99 are the median step's; *unchanged* means the p99 grew by ≤ 5 % or ≤ 1 ms, *not resolved* that it grew by more but by less than the p99s of one mode's steps spread (largest over smallest).",
  ];
  return `${lines.join('\n')}\n`;
}
