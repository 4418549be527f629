import type { MetricName, MetricsHistory, MetricsUpdate, NodeMetrics } from '@tandem/protocol';

/** How much a chart keeps, in seconds (the history endpoint's hour). */
export const CHART_WINDOW_S = 3600;

/**
 * The columns of one chart, kept outside React: times in seconds and, per series, one value per
 * time. Series are the cluster total of each metric and, once several nodes have reported, each
 * node's own. {@link seriesKeys} changes only when a node appears, which is when the chart is rebuilt.
 */
export class MetricSeries {
  readonly times: number[] = [];
  readonly #columns = new Map<string, (number | null)[]>();
  readonly #nodes: string[] = [];

  constructor(readonly metrics: readonly MetricName[]) {
    for (const m of metrics) this.#columns.set(totalKey(m), []);
  }

  /** Node ids seen so far, in order of appearance. */
  get nodes(): readonly string[] {
    return this.#nodes;
  }

  /** Keys of the series in chart order: totals first, then each node's (only with several nodes). */
  get seriesKeys(): readonly string[] {
    const totals = this.metrics.map(totalKey);
    if (this.#nodes.length < 2) return totals;
    return [...totals, ...this.#nodes.flatMap((node) => this.metrics.map((m) => nodeKey(node, m)))];
  }

  /** uPlot's data: the time column, then one column per series key. */
  data(): [number[], ...(number | null)[][]] {
    return [this.times, ...this.seriesKeys.map((key) => this.#columns.get(key) ?? [])];
  }

  /** Loads the history points; returns true when the set of nodes changed. */
  seed(history: MetricsHistory): boolean {
    let changed = false;
    for (const point of history.points) changed = this.#push(Date.parse(point.at) / 1000, point.total, Object.entries(point.nodes)) || changed;
    return changed;
  }

  /** Appends a live update; returns true when the set of nodes changed. */
  append(update: MetricsUpdate): boolean {
    const changed = this.#push(
      Date.parse(update.at) / 1000,
      update.total,
      update.nodes.map((n) => [n.node_id, n.metrics] as const),
    );
    this.#trim();
    return changed;
  }

  #push(time: number, total: NodeMetrics, nodes: readonly (readonly [string, NodeMetrics])[]): boolean {
    const last = this.times[this.times.length - 1];
    // Points arrive in order; a repeated or older one (history overlapping live) is skipped.
    if (last !== undefined && time <= last) return false;
    let changed = false;
    for (const [node] of nodes) {
      if (this.#nodes.includes(node)) continue;
      this.#nodes.push(node);
      for (const m of this.metrics)
        this.#columns.set(
          nodeKey(node, m),
          this.times.map(() => null),
        );
      changed = true;
    }
    this.times.push(time);
    for (const m of this.metrics) this.#columns.get(totalKey(m))?.push(total[m]);
    const byNode = new Map(nodes);
    for (const node of this.#nodes) for (const m of this.metrics) this.#columns.get(nodeKey(node, m))?.push(byNode.get(node)?.[m] ?? null);
    return changed;
  }

  #trim(): void {
    const last = this.times[this.times.length - 1] ?? 0;
    let drop = 0;
    while (drop < this.times.length && (this.times[drop] ?? 0) < last - CHART_WINDOW_S) drop += 1;
    if (drop === 0) return;
    this.times.splice(0, drop);
    for (const column of this.#columns.values()) column.splice(0, drop);
  }
}

/** The series key of a metric's cluster total. */
export function totalKey(metric: MetricName): string {
  return `total:${metric}`;
}

/** The series key of a metric on one node. */
export function nodeKey(node: string, metric: MetricName): string {
  return `node:${node}:${metric}`;
}
