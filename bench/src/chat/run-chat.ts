/**
 * `npm run bench:chat`: the chat message path (100 rooms × 10 members, 200 messages/s, send to
 * delivery) on PGlite and on PostgreSQL, and chat search over 200,000 messages on PostgreSQL.
 * Results go to bench/results/ and into docs/benchmarks.md. Options: `--quick` (shorter steps, a
 * smaller search corpus), `--db=pglite|postgres` (one storage only), `--no-search`.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeMachine, type MachineInfo } from '../measure/machine.ts';
import { deploy } from '../servers/deploy.ts';
import { closeApiConnections } from './chat-api.ts';
import { createChatFixture } from './chat-fixture.ts';
import { chatResultsMarkdown, replaceChatDocsSection } from './chat-report.ts';
import { type MessagePathResult, runMessagePath } from './message-path.ts';
import { runSearch, type SearchResult } from './search.ts';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const RESULTS_DIR = join(REPO_ROOT, 'bench/results');
/** The run stops by itself past this, whatever happens. */
const HARD_LIMIT_MS = 20 * 60_000;

/** Targets of the chat issue. */
export const CHAT_TARGETS = { deliveryP99Ms: 50, searchP95Ms: 50, rate: 200, rooms: 100, membersPerRoom: 10, searchCorpus: 200_000 } as const;

/** One chat bench run as written to bench/results. */
export interface ChatRunResult {
  readonly command: string;
  readonly startedAt: string;
  readonly durationSec: number;
  readonly machine: MachineInfo;
  readonly messagePath: readonly { readonly database: 'pglite' | 'postgres'; readonly result: MessagePathResult }[];
  readonly search: SearchResult | null;
}

function log(message: string): void {
  console.log(`[${new Date().toISOString().slice(11, 19)}] ${message}`);
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const quick = argv.includes('--quick');
  const only = argv.find((a) => a.startsWith('--db='))?.slice(5);
  const databases = (only ? [only] : ['pglite', 'postgres']) as ('pglite' | 'postgres')[];
  const limit = setTimeout(() => {
    log('the chat bench passed its hard limit of 20 minutes; stopping');
    process.exit(3);
  }, HARD_LIMIT_MS);
  limit.unref();
  const started = Date.now();
  const machine = describeMachine(REPO_ROOT);
  const messagePath: { database: 'pglite' | 'postgres'; result: MessagePathResult }[] = [];
  for (const database of databases) {
    log(`message path on ${database}: deploying`);
    const deployment = await deploy('tandem', REPO_ROOT, { database });
    try {
      const url = deployment.nodes[0]?.url as string;
      const fixture = await createChatFixture(url, { users: 100, rooms: CHAT_TARGETS.rooms, membersPerRoom: CHAT_TARGETS.membersPerRoom });
      log(`message path on ${database}: ${fixture.rooms.length} rooms × ${CHAT_TARGETS.membersPerRoom} members, ${CHAT_TARGETS.rate} messages/s`);
      const result = await runMessagePath(url, fixture, { rate: CHAT_TARGETS.rate, warmUpMs: quick ? 3_000 : 5_000, durationMs: quick ? 10_000 : 30_000 });
      log(
        `  sent ${result.sent} (${result.achievedPerSec}/s), delivered ${result.delivered}/${result.expectedDeliveries}, p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms`,
      );
      messagePath.push({ database, result });
    } finally {
      await deployment.stop();
    }
  }
  let search: SearchResult | null = null;
  if (!argv.includes('--no-search')) {
    log('search on postgres: deploying');
    const deployment = await deploy('tandem', REPO_ROOT, { database: 'postgres' });
    try {
      const url = deployment.nodes[0]?.url as string;
      const fixture = await createChatFixture(url, { users: 10, rooms: 10, membersPerRoom: 10 });
      search = await runSearch(url, fixture, {
        corpus: quick ? 50_000 : CHAT_TARGETS.searchCorpus,
        queries: quick ? 100 : 300,
        schema: deployment.pgAppName as string,
        log,
      });
      log(`  ${search.corpus} messages, ${search.queries} queries: p50 ${search.latencyMs.p50} ms, p95 ${search.latencyMs.p95} ms`);
    } finally {
      await deployment.stop();
    }
  }
  closeApiConnections();
  const result: ChatRunResult = {
    command: `npm run bench:chat${argv.length ? ` -- ${argv.join(' ')}` : ''}`,
    startedAt: new Date(started).toISOString(),
    durationSec: Math.round((Date.now() - started) / 1000),
    machine,
    messagePath,
    search,
  };
  mkdirSync(RESULTS_DIR, { recursive: true });
  const base = join(RESULTS_DIR, `${result.startedAt.replaceAll(':', '-').slice(0, 19)}-chat${quick ? '-quick' : ''}`);
  const markdown = chatResultsMarkdown(result);
  writeFileSync(`${base}.json`, `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(`${base}.md`, markdown);
  writeFileSync(join(RESULTS_DIR, `latest-chat${quick ? '-quick' : ''}.md`), markdown);
  log(`results: ${base}.md and .json`);
  if (!quick && !only) {
    const docs = join(REPO_ROOT, 'docs/benchmarks.md');
    writeFileSync(docs, replaceChatDocsSection(readFileSync(docs, 'utf8'), markdown));
    log('docs/benchmarks.md updated');
  }
  console.log(markdown);
}

process.on('SIGINT', () => process.exit(130));
process.on('SIGTERM', () => process.exit(143));
main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err instanceof Error ? err.stack : err);
    process.exit(1);
  },
);
