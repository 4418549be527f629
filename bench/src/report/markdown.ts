import type { ResultTable, RunResult, TargetCheck } from './results.ts';

function cell(v: string | number): string {
  return String(v).replaceAll('|', '\\|');
}

/** A markdown table. */
export function markdownTable(table: ResultTable): string {
  const head = `| ${table.columns.map(cell).join(' | ')} |`;
  const rule = `|${table.columns.map(() => '---').join('|')}|`;
  const rows = table.rows.map((r) => `| ${r.map(cell).join(' | ')} |`);
  return [`**${table.title}**`, '', head, rule, ...rows].join('\n');
}

function verdict(t: TargetCheck): string {
  if (t.pass !== null) return t.pass ? 'pass' : 'MISS';
  return t.measured.startsWith('not measured') ? 'not measured' : 'no verdict';
}

/** The target checks as a markdown table. */
export function targetsTable(run: RunResult): string {
  return markdownTable({
    title: 'Targets (issue 6), each as measured in this run',
    columns: ['target', 'measured', 'result'],
    rows: run.targets.map((t) => [t.target, t.measured, verdict(t)]),
  });
}

/** Machine, date and command, as a bullet list. */
export function runHeader(run: RunResult): string {
  const m = run.machine;
  return [
    `- Date: ${run.startedAt} (took ${Math.round(run.durationSec)} s)`,
    `- Command: \`${run.command}\``,
    `- Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGb} GB RAM (${m.freeMemoryGb} GB free at start), Linux ${m.kernel}, open-file limit ${m.openFileLimit}`,
    `- Node ${m.node}, commit ${m.commit}`,
  ].join('\n');
}

/** The body shared by the results file and docs/benchmarks.md: targets, then every workload. */
export function resultsBody(run: RunResult, headingLevel = 2): string {
  const h = '#'.repeat(headingLevel);
  const parts = [runHeader(run), '', targetsTable(run)];
  for (const w of run.workloads) {
    parts.push('', `${h} ${w.title}`, '', w.method);
    for (const t of w.tables) parts.push('', markdownTable(t));
    if (w.failures.length) parts.push('', `Failures: ${w.failures.map((f) => `\`${f}\``).join('; ')}`);
  }
  return parts.join('\n');
}

/** The full markdown results file. */
export function resultsMarkdown(run: RunResult): string {
  return `# Tandem benchmark results (${run.profile})\n\n${resultsBody(run)}\n`;
}

/** Markers around the generated section of docs/benchmarks.md. */
export const DOCS_START = '<!-- bench:results:start -->';
export const DOCS_END = '<!-- bench:results:end -->';

/** Replaces the generated section of docs/benchmarks.md with this run's results. */
export function replaceDocsSection(doc: string, run: RunResult): string {
  const start = doc.indexOf(DOCS_START);
  const end = doc.indexOf(DOCS_END);
  const section = `${DOCS_START}\n${resultsBody(run, 3)}\n${DOCS_END}`;
  if (start < 0 || end < start) return `${doc.trimEnd()}\n\n${section}\n`;
  return doc.slice(0, start) + section + doc.slice(end + DOCS_END.length);
}
