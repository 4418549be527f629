/**
 * `npm run bench:analytics`: visitor analytics, two workloads. Summaries: seeds 5 million page
 * views over a year on PostgreSQL (1 million on PGlite, which holds its data in one process's
 * memory), rolls up every complete day, and times a one-year summary through HTTP (target p95 ≤
 * 300 ms on PostgreSQL). Ingestion: at least 2,000 page views/s into one PostgreSQL node from
 * separate load processes while the record path's p99 is measured with and without them
 * (`ingest-bench.ts`). Results go to bench/results/ and into the Analytics section of
 * docs/benchmarks.md (each workload its own part). Options: `--quick` (fewer page views, runs and
 * steps; results are not written to the docs), `--db=pglite|postgres` (summaries on one storage),
 * `--only=summary|ingest`.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeMachine, type MachineInfo } from '../measure/machine.ts';
import { type IngestBenchResult, ingestMarkdown, runIngestBench } from './ingest-bench.ts';
import { runSummaryBench, type SummaryBenchResult } from './summary-bench.ts';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const RESULTS_DIR = join(REPO_ROOT, 'bench/results');
const HARD_LIMIT_MS = 40 * 60_000;
const DOCS_START = '<!-- bench:analytics-summary:start -->';
const DOCS_END = '<!-- bench:analytics-summary:end -->';
const INGEST_DOCS_START = '<!-- bench:analytics-ingest:start -->';
const INGEST_DOCS_END = '<!-- bench:analytics-ingest:end -->';

/** The analytics issue's summary figures. */
export const SUMMARY_TARGETS = { pageviews: 5_000_000, pglitePageviews: 1_000_000, runs: 40, p95Ms: 300 } as const;

interface AnalyticsRun {
  readonly command: string;
  readonly startedAt: string;
  readonly durationSec: number;
  readonly machine: MachineInfo;
  readonly summaries: readonly SummaryBenchResult[];
  /** The ingestion workload (null when not run). */
  readonly ingest: IngestBenchResult | null;
}

function log(message: string): void {
  console.log(`[${new Date().toISOString().slice(11, 19)}] ${message}`);
}

const name = (database: 'pglite' | 'postgres') => (database === 'postgres' ? 'PostgreSQL' : 'PGlite');

/** The run as markdown: a targets table and the figures behind it. */
export function analyticsSummaryMarkdown(run: AnalyticsRun): string {
  const lines = [
    `Analytics summary benchmark, \`${run.command}\`, ${run.startedAt.slice(0, 16).replace('T', ' ')} UTC, ${run.durationSec} s,`,
    `${run.machine.cpu} × ${run.machine.cores}, Node ${run.machine.node}, commit ${run.machine.commit}.`,
    '',
    '| target | measured | result |',
    '|---|---|---|',
  ];
  for (const r of run.summaries) {
    const target = r.database === 'postgres' ? `p95 ≤ ${SUMMARY_TARGETS.p95Ms} ms` : 'a figure';
    const pass = r.database !== 'postgres' || r.yearMs.p95 <= SUMMARY_TARGETS.p95Ms;
    lines.push(
      `| ${name(r.database)}: one-year unfiltered summary over ${r.pageviews.toLocaleString('en-US')} page views, ${target} | ` +
        `p95 ${r.yearMs.p95} ms (p50 ${r.yearMs.p50}, max ${r.yearMs.max}) over ${r.runs} runs | ${pass ? 'pass' : '**MISS**'} |`,
    );
  }
  lines.push('');
  for (const r of run.summaries) {
    lines.push(
      `- ${name(r.database)}: ${r.sessions.toLocaleString('en-US')} sessions, ${r.pageviews.toLocaleString('en-US')} page views and ${r.events.toLocaleString('en-US')} events seeded in ${r.seedSec} s; ` +
        `${r.rolledDays} days rolled up in ${r.rollupSec} s into ${r.rollupRows.toLocaleString('en-US')} rollup rows. ` +
        `With \`compare=previous\`: p50 ${r.yearCompareMs.p50} ms, p95 ${r.yearCompareMs.p95} ms. ` +
        `The last 30 days filtered by country and device (raw rows only): p50 ${r.filteredMonthMs.p50} ms, p95 ${r.filteredMonthMs.p95} ms.`,
    );
  }
  lines.push(
    '- Each summary is `GET /api/v1/analytics/summary` through HTTP from the same process, the range the last 365 days and today (today from raw rows), every breakdown with 10 rows and the event properties; 3 untimed runs first.',
  );
  return `${lines.join('\n')}\n`;
}

/** The ingestion part of the run as markdown: the run's header line, then its tables. */
export function analyticsIngestMarkdown(run: AnalyticsRun, ingest: IngestBenchResult): string {
  return (
    `Analytics ingestion benchmark, \`${run.command}\`, ${run.startedAt.slice(0, 16).replace('T', ' ')} UTC, ` +
    `${run.machine.cpu} × ${run.machine.cores}, Node ${run.machine.node}, commit ${run.machine.commit}.\n\n${ingestMarkdown(ingest)}`
  );
}

/** `docs` with the part between `start` and `end` replaced (or added at the end of the Analytics section). */
function withDocsPart(docs: string, start: string, end: string, markdown: string): string {
  const part = `${start}\n${markdown}${end}`;
  const from = docs.indexOf(start);
  const to = docs.indexOf(end);
  if (from >= 0 && to > from) return docs.slice(0, from) + part + docs.slice(to + end.length);
  const heading = docs.indexOf('\n## Analytics\n');
  if (heading < 0) return `${docs.trimEnd()}\n\n## Analytics\n\n${part}\n`;
  const next = docs.indexOf('\n## ', heading + 1);
  const at = next < 0 ? docs.length : next;
  return `${docs.slice(0, at).trimEnd()}\n\n${part}\n${docs.slice(at)}`;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const quick = argv.includes('--quick');
  const only = argv.find((a) => a.startsWith('--db='))?.slice(5);
  const databases = (only ? [only] : ['postgres', 'pglite']) as ('pglite' | 'postgres')[];
  const part = argv.find((a) => a.startsWith('--only='))?.slice(7);
  setTimeout(() => {
    log('the analytics bench passed its hard limit; stopping');
    process.exit(3);
  }, HARD_LIMIT_MS).unref();
  const started = Date.now();
  const machine = describeMachine(REPO_ROOT);
  const summaries: SummaryBenchResult[] = [];
  for (const database of part === 'ingest' ? [] : databases) {
    const pageviews = quick ? 200_000 : database === 'postgres' ? SUMMARY_TARGETS.pageviews : SUMMARY_TARGETS.pglitePageviews;
    log(`one-year summary on ${database}`);
    summaries.push(await runSummaryBench({ database, pageviews, runs: quick ? 10 : SUMMARY_TARGETS.runs, log }));
  }
  let ingest: IngestBenchResult | null = null;
  if (part !== 'summary') {
    log('ingestion on postgres');
    ingest = await runIngestBench({
      repoRoot: REPO_ROOT,
      pageviewRate: 2_400,
      loadProcesses: 2,
      visitorsPerProcess: 10_000,
      writeRate: 100,
      subscribers: 50,
      steps: quick ? 1 : 3,
      stepMs: quick ? 5_000 : 10_000,
      rounds: quick ? 1 : 2,
      log,
    });
  }
  const run: AnalyticsRun = {
    command: `npm run bench:analytics${argv.length ? ` -- ${argv.join(' ')}` : ''}`,
    startedAt: new Date(started).toISOString(),
    durationSec: Math.round((Date.now() - started) / 1000),
    machine,
    summaries,
    ingest,
  };
  mkdirSync(RESULTS_DIR, { recursive: true });
  const base = join(RESULTS_DIR, `${run.startedAt.replaceAll(':', '-').slice(0, 19)}-analytics${quick ? '-quick' : ''}`);
  const markdown = [summaries.length ? analyticsSummaryMarkdown(run) : '', ingest ? analyticsIngestMarkdown(run, ingest) : ''].filter(Boolean).join('\n');
  writeFileSync(`${base}.json`, `${JSON.stringify(run, null, 2)}\n`);
  writeFileSync(`${base}.md`, markdown);
  if (!quick) {
    const path = join(REPO_ROOT, 'docs/benchmarks.md');
    let docs = readFileSync(path, 'utf8');
    // A run of one storage is not the published summary; the ingestion part stands on its own.
    if (summaries.length && !only) docs = withDocsPart(docs, DOCS_START, DOCS_END, analyticsSummaryMarkdown(run));
    if (ingest) docs = withDocsPart(docs, INGEST_DOCS_START, INGEST_DOCS_END, analyticsIngestMarkdown(run, ingest));
    writeFileSync(path, docs);
    log('docs/benchmarks.md updated');
  }
  console.log(markdown);
}

process.on('SIGINT', () => process.exit(130));
main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err instanceof Error ? err.stack : err);
    process.exit(1);
  },
);
