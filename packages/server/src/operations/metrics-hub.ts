import { METRIC_NAMES, type MetricName, type MetricsHistory, type MetricsUpdate, type NodeMetrics, type NodeSample } from '@tandem/protocol';
import type { AppContext } from '../context.ts';
import type { NodeSampler } from './node-sampler.ts';

/** Seconds between history points. */
export const HISTORY_RESOLUTION_S = 10;
/** History kept: 24 hours of 10-second points. */
const HISTORY_POINTS = (24 * 3600) / HISTORY_RESOLUTION_S;
/** A node not heard from for this long is left out of the cluster figures. */
const NODE_SILENT_MS = 3_500;

/** Figures where the cluster value is the worst node's, not the sum. */
const WORST_OF: ReadonlySet<MetricName> = new Set([
  'delivery_p50_ms',
  'delivery_p99_ms',
  'event_loop_lag_ms',
  'event_loop_utilization',
  'db_query_p99_ms',
  'redis_rtt_ms',
  'job_queue_depth',
]);

/** The cluster figures of several nodes: sums, the worst node for latencies, and `redis_connected` only when every node is. */
export function clusterTotal(samples: readonly NodeMetrics[]): NodeMetrics {
  const total = {} as Record<MetricName, number>;
  for (const name of METRIC_NAMES) {
    const values = samples.map((s) => s[name]);
    if (name === 'redis_connected') total[name] = values.length > 0 && values.every((v) => v === 1) ? 1 : 0;
    else if (WORST_OF.has(name)) total[name] = values.length ? Math.max(...values) : 0;
    else total[name] = Math.round(values.reduce((a, b) => a + b, 0) * 100) / 100;
  }
  return total;
}

type Point = MetricsHistory['points'][number];

/**
 * Every node's figures in one place: each node samples itself every second and publishes the
 * sample on the bus; every node keeps the latest sample of each live node, so any of them can
 * answer with the cluster view (the dashboard, the alert evaluator). A ring of 10-second points
 * (24 hours, per node and in total) serves the dashboard's history; each node also writes its own
 * points to `metrics_history`, so a restarted node shows the last day at once.
 */
export class MetricsHub {
  readonly #latest = new Map<string, { sample: NodeSample; receivedAt: number }>();
  readonly #ring: Point[] = [];
  readonly #listeners = new Set<(update: MetricsUpdate) => void>();
  #timer: NodeJS.Timeout | null = null;
  /** When this node last added a history point (ms since the epoch). */
  #recordedAt = 0;
  #sampling = false;

  constructor(
    private readonly ctx: AppContext,
    private readonly nodeId: string,
    private readonly sampler: NodeSampler,
    private readonly intervalMs: number,
  ) {}

  /** Loads the stored history, listens to the other nodes and starts sampling. */
  async start(): Promise<void> {
    await this.#loadHistory();
    this.ctx.bus.onMessage((message) => {
      if (message.kind === 'control' && message.control.type === 'node_metrics') {
        this.#latest.set(message.control.sample.node_id, { sample: message.control.sample, receivedAt: Date.now() });
      }
    });
    this.#timer = setInterval(() => void this.#tick(), this.intervalMs);
    this.#timer.unref();
  }

  /** Calls `listener` with the cluster view after each of this node's samples. */
  onUpdate(listener: (update: MetricsUpdate) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The cluster view now: every live node's latest sample and their total. */
  current(): MetricsUpdate {
    const cutoff = Date.now() - NODE_SILENT_MS;
    const nodes = [...this.#latest.values()].filter((n) => n.receivedAt >= cutoff).map((n) => n.sample);
    nodes.sort((a, b) => a.node_id.localeCompare(b.node_id));
    return { at: new Date().toISOString(), nodes, total: clusterTotal(nodes.map((n) => n.metrics)) };
  }

  /** The points of the last `minutes`, oldest first. */
  history(minutes: number): MetricsHistory {
    const since = Date.now() - minutes * 60_000;
    return { resolution_s: HISTORY_RESOLUTION_S, points: this.#ring.filter((p) => Date.parse(p.at) >= since) };
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  async #tick(): Promise<void> {
    if (this.#sampling) return;
    this.#sampling = true;
    try {
      const sample: NodeSample = { node_id: this.nodeId, at: new Date().toISOString(), metrics: await this.sampler.sample() };
      this.#latest.set(this.nodeId, { sample, receivedAt: Date.now() });
      await this.ctx.bus.publish({ kind: 'control', control: { type: 'node_metrics', sample } });
      const update = this.current();
      for (const listener of this.#listeners) listener(update);
      if (Date.now() - this.#recordedAt >= HISTORY_RESOLUTION_S * 1000) {
        this.#recordedAt = Date.now();
        await this.#record(update, sample);
      }
    } catch (err) {
      this.ctx.log.warn({ err }, 'operations: sampling metrics failed');
    } finally {
      this.#sampling = false;
    }
  }

  async #record(update: MetricsUpdate, own: NodeSample): Promise<void> {
    const nodes: Record<string, NodeMetrics> = {};
    for (const n of update.nodes) nodes[n.node_id] = n.metrics;
    this.#ring.push({ at: update.at, total: update.total, nodes });
    if (this.#ring.length > HISTORY_POINTS) this.#ring.splice(0, this.#ring.length - HISTORY_POINTS);
    await this.ctx.db.query('INSERT INTO metrics_history (node_id, at, metrics) VALUES ($1, $2, $3)', [own.node_id, own.at, JSON.stringify(own.metrics)]);
  }

  /** Rebuilds the ring from the stored points of the last 24 hours (every node's, grouped by 10-second slot). */
  async #loadHistory(): Promise<void> {
    const rows = await this.ctx.db.query<{ node_id: string; slot: number; metrics: NodeMetrics }>(
      `SELECT DISTINCT ON (node_id, slot) node_id, slot, metrics FROM (
         SELECT node_id, (floor(extract(epoch FROM at) / ${HISTORY_RESOLUTION_S}) * ${HISTORY_RESOLUTION_S})::bigint AS slot, metrics, at
         FROM metrics_history WHERE at > now() - interval '24 hours') s
       ORDER BY node_id, slot, at DESC`,
    );
    const slots = new Map<number, Record<string, NodeMetrics>>();
    for (const row of rows) slots.set(row.slot, { ...(slots.get(row.slot) ?? {}), [row.node_id]: row.metrics });
    for (const slot of [...slots.keys()].sort((a, b) => a - b)) {
      const nodes = slots.get(slot) ?? {};
      this.#ring.push({ at: new Date(slot * 1000).toISOString(), total: clusterTotal(Object.values(nodes)), nodes });
    }
  }
}
