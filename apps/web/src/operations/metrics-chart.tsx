import type { MetricName, MetricsHistory, MetricsUpdate } from '@tandem/protocol';
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { METRIC_LABELS } from './metric-labels.ts';
import { MetricSeries } from './metric-series.ts';

/** Colours of the totals (one per metric of a chart); nodes get lighter dashed strokes. */
const TOTAL_COLOURS = ['#4338ca', '#b91c1c', '#047857'];
const NODE_COLOURS = ['#0891b2', '#c2410c', '#7c3aed', '#65a30d', '#db2777', '#a16207'];
const HEIGHT = 180;

/** Props of {@link MetricsChart}. */
export interface MetricsChartProps {
  readonly title: string;
  /** The metrics drawn, as totals (and per node with several nodes). */
  readonly metrics: readonly MetricName[];
  /** The last hour, drawn first. */
  readonly history: MetricsHistory | undefined;
  /** Live updates; the chart appends each one itself, without a React render. */
  readonly subscribe: (listener: (update: MetricsUpdate) => void) => () => void;
}

/**
 * One live time-series chart. Points live in a {@link MetricSeries} on a ref and reach uPlot by
 * `setData`, so a tick costs a canvas redraw and no React render; the chart is rebuilt only when
 * a node joins (its series change) or the history arrives.
 */
export function MetricsChart({ title, metrics, history, subscribe }: MetricsChartProps) {
  const box = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const el = box.current;
    if (!el) return undefined;
    const series = new MetricSeries(metrics);
    if (history) series.seed(history);
    let plot: uPlot | null = null;
    const build = () => {
      plot?.destroy();
      plot = new uPlot(options(series, metrics, el.clientWidth), series.data(), el);
    };
    build();
    const off = subscribe((update) => {
      if (series.append(update)) build();
      else plot?.setData(series.data());
    });
    const resize = new ResizeObserver(() => plot?.setSize({ width: el.clientWidth, height: HEIGHT }));
    resize.observe(el);
    return () => {
      off();
      resize.disconnect();
      plot?.destroy();
    };
  }, [metrics, history, subscribe]);

  return (
    <figure className="card metrics-chart" aria-label={title}>
      <figcaption>{title}</figcaption>
      <div ref={box} className="metrics-chart-plot" />
    </figure>
  );
}

function options(series: MetricSeries, metrics: readonly MetricName[], width: number): uPlot.Options {
  const several = series.nodes.length > 1;
  const lines: uPlot.Series[] = metrics.map((m, i) => ({
    label: several ? `${METRIC_LABELS[m].label} (all)` : METRIC_LABELS[m].label,
    stroke: TOTAL_COLOURS[i % TOTAL_COLOURS.length],
    width: 2,
    value: (_u, v) => (v === null || v === undefined ? '–' : round(v)),
  }));
  if (several) {
    series.nodes.forEach((node, n) => {
      for (const m of metrics) {
        lines.push({
          label: `${METRIC_LABELS[m].label} (${node})`,
          stroke: NODE_COLOURS[n % NODE_COLOURS.length],
          width: 1,
          dash: [4, 3],
          value: (_u, v) => (v === null || v === undefined ? '–' : round(v)),
        });
      }
    });
  }
  return {
    width: Math.max(width, 200),
    height: HEIGHT,
    series: [{}, ...lines],
    scales: { x: { time: true }, y: { range: (_u, min, max) => [Math.min(0, min), max > 0 ? max * 1.1 : 1] } },
    axes: [
      { stroke: '#4f5867', grid: { stroke: '#eef0f3' } },
      { stroke: '#4f5867', grid: { stroke: '#eef0f3' }, size: 50 },
    ],
    legend: { live: true },
    cursor: { drag: { x: false, y: false } },
  };
}

function round(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(v < 10 ? 2 : 1);
}
