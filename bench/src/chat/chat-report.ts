import type { ChatRunResult } from './run-chat.ts';

/** Markers around the chat section of docs/benchmarks.md. */
const DOCS_START = '<!-- bench:chat:start -->';
const DOCS_END = '<!-- bench:chat:end -->';

const DELIVERY_P99_MS = 50;
const SEARCH_P95_MS = 50;

function verdict(pass: boolean): string {
  return pass ? 'pass' : '**MISS**';
}

/** The chat run as markdown: what ran, a targets table and the figures behind it. */
export function chatResultsMarkdown(run: ChatRunResult): string {
  const lines: string[] = [];
  lines.push(`Chat benchmark, \`${run.command}\`, ${run.startedAt.slice(0, 16).replace('T', ' ')} UTC, ${run.durationSec} s,`);
  lines.push(`${run.machine.cpu} × ${run.machine.cores}, Node ${run.machine.node}, commit ${run.machine.commit}.`);
  lines.push('');
  lines.push('| target | measured | result |');
  lines.push('|---|---|---|');
  for (const { database, result: r } of run.messagePath) {
    const sustained = r.achievedPerSec >= r.rate * 0.95 && r.failedSends === 0;
    const pass = sustained && r.missing === 0 && r.duplicates === 0 && r.latencyMs.p99 <= DELIVERY_P99_MS;
    const storage = database === 'postgres' ? 'PostgreSQL' : 'PGlite';
    lines.push(
      `| ${storage}: ${r.rate} msg/s into 100 rooms × 10 members, send-to-delivery p99 ≤ ${DELIVERY_P99_MS} ms, nothing lost | ` +
        `p99 ${r.latencyMs.p99} ms (p50 ${r.latencyMs.p50}, max ${r.latencyMs.max}); ${r.achievedPerSec} msg/s sent; ${r.delivered} / ${r.expectedDeliveries} delivered, ${r.duplicates} duplicates | ${verdict(pass)} |`,
    );
  }
  if (run.search) {
    const s = run.search;
    lines.push(
      `| PostgreSQL: search p95 ≤ ${SEARCH_P95_MS} ms over ${s.corpus.toLocaleString('en-US')} messages | p95 ${s.latencyMs.p95} ms (p50 ${s.latencyMs.p50}, max ${s.latencyMs.max}), ${s.queries} queries, ${s.meanHits} hits per query on average | ${verdict(s.latencyMs.p95 <= SEARCH_P95_MS && s.failed === 0)} |`,
    );
  }
  lines.push('');
  for (const { database, result: r } of run.messagePath) {
    lines.push(
      `- ${database}: ${r.sent} messages measured over ${r.durationSec} s after a warm-up; POST answered in p50 ${r.sendMs.p50} / p99 ${r.sendMs.p99} ms; ${r.failedSends} failed sends; ${r.unexpectedFrames} error or resync frames.`,
    );
  }
  if (run.search) lines.push(`- search: the corpus was written in ${run.search.seedSec} s; ${run.search.failed} failed queries.`);
  return `${lines.join('\n')}\n`;
}

/** Replaces the chat section of docs/benchmarks.md (appending it when missing). */
export function replaceChatDocsSection(doc: string, markdown: string): string {
  const start = doc.indexOf(DOCS_START);
  const end = doc.indexOf(DOCS_END);
  const section = `${DOCS_START}\n${markdown}${DOCS_END}`;
  if (start < 0 || end < start) return `${doc.trimEnd()}\n\n## Chat\n\n${section}\n`;
  return doc.slice(0, start) + section + doc.slice(end + DOCS_END.length);
}
