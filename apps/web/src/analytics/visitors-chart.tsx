import type { AnalyticsInterval, AnalyticsPoint } from '@tandem/protocol';
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

const HEIGHT = 220;
const HOUR = 3_600;
const DAY = 24 * HOUR;

/** Tick steps of the time axis (seconds), never finer than the buckets, so a daily chart has no noon ticks. */
const TICK_STEPS: Readonly<Record<AnalyticsInterval, number[]>> = {
  hour: [HOUR, 2 * HOUR, 3 * HOUR, 4 * HOUR, 6 * HOUR, 12 * HOUR, DAY],
  day: [DAY, 2 * DAY, 3 * DAY, 7 * DAY, 14 * DAY, 30 * DAY],
  month: [30 * DAY, 60 * DAY, 90 * DAY, 180 * DAY, 365 * DAY],
};
const VISITORS_COLOUR = '#4338ca';
const PAGEVIEWS_COLOUR = '#0891b2';

/** uPlot's columns: bucket starts in seconds, visitors, page views. */
function columns(series: readonly AnalyticsPoint[]): uPlot.AlignedData {
  return [series.map((p) => Date.parse(p.t) / 1000), series.map((p) => p.visitors), series.map((p) => p.pageviews)];
}

/** How a bucket's start is written in the legend. */
function bucketLabel(interval: AnalyticsInterval): (seconds: number) => string {
  const format =
    interval === 'hour'
      ? new Intl.DateTimeFormat(undefined, { weekday: 'short', hour: '2-digit', minute: '2-digit', timeZone: 'UTC', timeZoneName: 'short' })
      : interval === 'day'
        ? new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' })
        : new Intl.DateTimeFormat(undefined, { month: 'long', year: 'numeric', timeZone: 'UTC' });
  return (seconds) => format.format(new Date(seconds * 1000));
}

/**
 * Visitors and page views per bucket of the period. The plot is built once per interval and
 * given new data with `setData`, so changing a filter redraws the canvas without a new chart.
 */
export function VisitorsChart({ series, interval }: { series: readonly AnalyticsPoint[] | undefined; interval: AnalyticsInterval }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const latest = useRef(series);
  latest.current = series;

  useEffect(() => {
    const el = box.current;
    if (!el) return undefined;
    const label = bucketLabel(interval);
    const count = (_u: uPlot, v: number | null) => (v === null || v === undefined ? '–' : String(v));
    const chart = new uPlot(
      {
        width: Math.max(el.clientWidth, 200),
        height: HEIGHT,
        // Buckets are UTC hours, days and months (as the server counts them): the axis says so too.
        tzDate: (seconds) => uPlot.tzDate(new Date(seconds * 1000), 'Etc/UTC'),
        series: [
          { value: (_u, v) => (v === null || v === undefined ? '–' : label(v)) },
          { label: 'Visitors', stroke: VISITORS_COLOUR, width: 2, points: { show: true, size: 5 }, value: count },
          { label: 'Page views', stroke: PAGEVIEWS_COLOUR, fill: 'rgba(8, 145, 178, 0.12)', width: 2, points: { show: true, size: 5 }, value: count },
        ],
        scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, max > 0 ? Math.ceil(max * 1.15) : 1] } },
        axes: [
          { stroke: '#4f5867', grid: { stroke: '#eef0f3' }, incrs: TICK_STEPS[interval] },
          {
            stroke: '#4f5867',
            grid: { stroke: '#eef0f3' },
            size: 50,
            incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 100_000, 1_000_000],
          },
        ],
        legend: { live: true },
        cursor: { drag: { x: false, y: false } },
      },
      columns(latest.current ?? []),
      el,
    );
    plot.current = chart;
    const resize = new ResizeObserver(() => chart.setSize({ width: Math.max(el.clientWidth, 200), height: HEIGHT }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      chart.destroy();
      plot.current = null;
    };
  }, [interval]);

  useEffect(() => {
    plot.current?.setData(columns(series ?? []));
  }, [series]);

  return (
    <figure className="card metrics-chart an-chart" aria-label="Visitors and page views">
      <figcaption>Visitors and page views</figcaption>
      <div ref={box} className="metrics-chart-plot" />
    </figure>
  );
}
