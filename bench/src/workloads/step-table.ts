import type { LatencySummary } from '../measure/histogram.ts';
import type { ResultTable, StepResult } from '../report/results.ts';

const ms = (l: LatencySummary) => [l.p50, l.p95, l.p99, l.max];

/** The standard markdown table of measured steps. */
export function stepTable(title: string, steps: readonly StepResult[]): ResultTable {
  return {
    title,
    columns: [
      'server',
      'step',
      'sent',
      'delivered/s',
      'lost',
      'p50 ms',
      'p95 ms',
      'p99 ms',
      'max ms',
      'server CPU ms/1k',
      'server CPU %',
      'server RSS MB',
      'generator CPU % (max)',
      'machine busy %',
    ],
    rows: steps.map((s) => [
      s.server,
      s.step,
      s.sent,
      s.deliveredPerSec,
      s.lost,
      ...ms(s.latency),
      s.serverCpuPer1k ?? '–',
      s.serverCpuPct,
      s.serverRssMb,
      `${s.generatorCpuPct}${s.generatorSaturated ? ' ⚠ saturated' : ''}`,
      s.machineBusyPct,
    ]),
  };
}
