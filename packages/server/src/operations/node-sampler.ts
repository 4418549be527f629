import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { NodeMetrics } from '@tandem/protocol';
import type { Registry } from 'prom-client';
import type { Database } from '../db/database.ts';
import type { GatewayApi } from '../gateway-api.ts';
import type { RealtimeWindow } from '../realtime/realtime-metrics.ts';

/** Where a node's figures come from. */
export interface SamplerSources {
  readonly gateway: Pick<GatewayApi, 'stats'>;
  readonly realtime: Pick<RealtimeWindow, 'take'>;
  readonly db: Database;
  readonly metrics: Registry;
  /** Redis PING round trip in ms, null when disconnected, 0 without Redis. */
  readonly ping: () => Promise<number | null>;
}

/** The p-th percentile (0–100) of `values`, 0 for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

/**
 * Measures this node once per call (every second): gauges read now, rates and percentiles over the
 * time since the previous call. Counters kept in the Prometheus registry (rate-limit refusals, email
 * and push outcomes) are read back from it, so `/metrics` and the dashboard never disagree.
 */
export class NodeSampler {
  readonly #loopDelay = monitorEventLoopDelay({ resolution: 10 });
  #lastElu = performance.eventLoopUtilization();
  #lastCpu = process.cpuUsage();
  #lastAt = performance.now();
  #lastCounters = new Map<string, number>();
  #queueDepth = 0;
  #queueReadAt = 0;

  constructor(private readonly sources: SamplerSources) {
    this.#loopDelay.enable();
  }

  /** This node's figures since the previous sample. */
  async sample(): Promise<NodeMetrics> {
    const now = performance.now();
    const seconds = Math.max(0.001, (now - this.#lastAt) / 1000);
    this.#lastAt = now;
    const gateway = this.sources.gateway.stats();
    const window = this.sources.realtime.take();
    const db = this.sources.db.stats();
    const elu = performance.eventLoopUtilization(this.#lastElu);
    this.#lastElu = performance.eventLoopUtilization();
    const cpu = process.cpuUsage(this.#lastCpu);
    this.#lastCpu = process.cpuUsage();
    const lagMs = this.#loopDelay.percentile(99) / 1e6;
    this.#loopDelay.reset();
    const memory = process.memoryUsage();
    const rtt = await this.sources.ping().catch(() => null);
    const perSecond = (n: number) => round(n / seconds);
    const counters = await this.#counterDeltas();
    return {
      connections_ws: gateway.connectionsWs,
      connections_sse: gateway.connectionsSse,
      rooms: gateway.rooms,
      subscriptions: gateway.subscriptions,
      messages_in_per_s: perSecond(window.framesIn),
      messages_out_per_s: perSecond(window.deliveries),
      events_per_s: perSecond(window.events),
      delivery_p50_ms: round(percentile(window.latenciesMs, 50)),
      delivery_p99_ms: round(percentile(window.latenciesMs, 99)),
      resume_replays_per_s: perSecond(window.replays),
      slow_consumer_closes_per_s: perSecond(window.slowConsumerCloses),
      rate_limit_hits_per_s: perSecond(counters.rateLimited),
      event_loop_lag_ms: round(Number.isFinite(lagMs) ? lagMs : 0),
      event_loop_utilization: round(elu.utilization, 3),
      heap_used_mb: round(memory.heapUsed / 2 ** 20, 1),
      rss_mb: round(memory.rss / 2 ** 20, 1),
      cpu_percent: round(((cpu.user + cpu.system) / 1000 / (seconds * 1000)) * 100, 1),
      db_pool_in_use: db.poolInUse,
      db_pool_waiting: db.poolWaiting,
      db_query_p99_ms: round(percentile(db.queryMs, 99)),
      redis_rtt_ms: round(rtt ?? 0),
      redis_connected: rtt === null ? 0 : 1,
      job_queue_depth: await this.#outboxDepth(),
      email_sent_per_s: perSecond(counters.emailSent),
      email_failed_per_s: perSecond(counters.emailFailed),
      push_sent_per_s: perSecond(counters.pushSent),
      push_failed_per_s: perSecond(counters.pushFailed),
    };
  }

  /** Stops measuring the event loop. */
  close(): void {
    this.#loopDelay.disable();
  }

  /** Pending email and push deliveries, read at most every 10 s (one cheap count). */
  async #outboxDepth(): Promise<number> {
    if (performance.now() - this.#queueReadAt < 10_000) return this.#queueDepth;
    this.#queueReadAt = performance.now();
    const [row] = await this.sources.db
      .query<{ n: number }>(`SELECT count(*)::int AS n FROM notification_deliveries WHERE status = 'pending'`)
      .catch(() => [{ n: this.#queueDepth }]);
    this.#queueDepth = row?.n ?? 0;
    return this.#queueDepth;
  }

  async #counterDeltas() {
    /** Each series of a counter, read once. */
    const series = async (name: string) => (await this.sources.metrics.getSingleMetric(name)?.get())?.values ?? [];
    const sum = (values: Awaited<ReturnType<typeof series>>, match: (labels: Record<string, string | number | undefined>) => boolean) =>
      values.reduce((total, v) => (match(v.labels) ? total + v.value : total), 0);
    const requests = await series('tandem_http_requests_total');
    const deliveries = await series('tandem_notification_deliveries_total');
    const outcome = (channel: string, result: string) => sum(deliveries, (l) => l.channel === channel && l.outcome === result);
    const read = {
      rateLimited: sum(requests, (l) => String(l.status) === '429'),
      emailSent: outcome('email', 'sent'),
      emailFailed: outcome('email', 'failed'),
      pushSent: outcome('push', 'sent'),
      pushFailed: outcome('push', 'failed'),
    };
    const delta = {} as Record<keyof typeof read, number>;
    for (const [key, value] of Object.entries(read) as [keyof typeof read, number][]) {
      delta[key] = Math.max(0, value - (this.#lastCounters.get(key) ?? value));
      this.#lastCounters.set(key, value);
    }
    return delta;
  }
}
