import { CLOSE_CODES } from '@tandem/protocol';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { GatewayStats } from '../gateway-api.ts';

/** What the metrics read from the gateway at scrape time: the same counts the operations sampler reads. */
export interface RealtimeStats {
  stats(): GatewayStats;
  /** Rooms with at least one local subscriber (without counting connections). */
  readonly roomCount: number;
}

/** Counters the gateway bumps on its hot paths (one increment per frame or per room event, never per socket). */
export interface RealtimeCounters {
  /** A client frame arrived. */
  frameReceived(): void;
  /** A durable event stamped `ts` (ISO) went to `subscribers` local subscribers of a room. */
  eventFannedOut(subscribers: number, ts?: string): void;
  /** A subscribe resumed and replayed `events` events. */
  resumed(events: number): void;
  /** The server closed a connection with `code`. */
  closedByServer(code: number): void;
}

/** What happened on this node since the last {@link RealtimeWindow.take}: the per-second figures of the dashboard. */
export interface RealtimeWindowFigures {
  readonly framesIn: number;
  readonly deliveries: number;
  readonly events: number;
  readonly replays: number;
  readonly slowConsumerCloses: number;
  /** Event timestamp to socket write, in ms, one per event and room (at most 10,000 per window). */
  readonly latenciesMs: readonly number[];
}

/** Counters the gateway bumps, readable per window by the operations sampler. */
export interface RealtimeWindow extends RealtimeCounters {
  /** The figures since the previous call (and starts a new window). */
  take(): RealtimeWindowFigures;
}

const MAX_LATENCIES = 10_000;

/** Counters that count nothing (tests, or when no registry is given). */
export const NO_COUNTERS: RealtimeCounters = { frameReceived() {}, eventFannedOut() {}, resumed() {}, closedByServer() {} };

/**
 * Registers the realtime metrics: open connections by transport and active rooms (read from the
 * gateway at scrape time), frames received, event deliveries, and server-initiated closes by code.
 */
export function registerRealtimeMetrics(registry: Registry, gateway: () => RealtimeStats | null): RealtimeWindow {
  new Gauge({
    name: 'tandem_realtime_connections',
    help: 'Open realtime connections on this node, by transport.',
    labelNames: ['transport'],
    registers: [registry],
    collect() {
      this.reset();
      const stats = gateway()?.stats();
      if (!stats) return;
      this.set({ transport: 'ws' }, stats.connectionsWs);
      this.set({ transport: 'sse' }, stats.connectionsSse);
    },
  });
  new Gauge({
    name: 'tandem_realtime_rooms',
    help: 'Rooms with at least one subscriber on this node.',
    registers: [registry],
    collect() {
      this.set(gateway()?.roomCount ?? 0);
    },
  });
  const frames = new Counter({ name: 'tandem_realtime_frames_received_total', help: 'Client frames received.', registers: [registry] });
  const deliveries = new Counter({
    name: 'tandem_realtime_event_deliveries_total',
    help: 'Durable events delivered to local subscribers (one per subscriber).',
    registers: [registry],
  });
  const closes = new Counter({
    name: 'tandem_realtime_server_closes_total',
    help: 'Connections closed by the server, by close code.',
    labelNames: ['code'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'tandem_realtime_delivery_seconds',
    help: 'Time from an event being stamped to its write to local sockets.',
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const replays = new Counter({ name: 'tandem_realtime_resume_replays_total', help: 'Subscribes that resumed by replaying events.', registers: [registry] });
  let window = { framesIn: 0, deliveries: 0, events: 0, replays: 0, slowConsumerCloses: 0, latenciesMs: [] as number[] };
  return {
    frameReceived: () => {
      frames.inc();
      window.framesIn++;
    },
    eventFannedOut: (n, ts) => {
      deliveries.inc(n);
      window.deliveries += n;
      window.events++;
      if (ts && n > 0) {
        const ms = Math.max(0, Date.now() - Date.parse(ts));
        latency.observe(ms / 1000);
        if (window.latenciesMs.length < MAX_LATENCIES) window.latenciesMs.push(ms);
      }
    },
    resumed: (events) => {
      if (events <= 0) return;
      replays.inc();
      window.replays++;
    },
    closedByServer: (code) => {
      closes.inc({ code: String(code) });
      if (code === CLOSE_CODES.slow_consumer) window.slowConsumerCloses++;
    },
    take: () => {
      const figures = window;
      window = { framesIn: 0, deliveries: 0, events: 0, replays: 0, slowConsumerCloses: 0, latenciesMs: [] };
      return figures;
    },
  };
}
