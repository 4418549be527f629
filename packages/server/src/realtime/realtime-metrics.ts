import { Counter, Gauge, type Registry } from 'prom-client';

/** What the metrics read from the gateway at scrape time. */
export interface RealtimeStats {
  /** The open connections of this node, each with its transport's kind. */
  connections(): Iterable<{ readonly transport: { readonly kind: 'ws' | 'sse' } }>;
  /** Rooms with at least one local subscriber. */
  readonly roomCount: number;
}

/** Counters the gateway bumps on its hot paths (one increment per frame or per room event, never per socket). */
export interface RealtimeCounters {
  /** A client frame arrived. */
  frameReceived(): void;
  /** A durable event went to `subscribers` local subscribers of a room. */
  eventFannedOut(subscribers: number): void;
  /** The server closed a connection with `code`. */
  closedByServer(code: number): void;
}

/** Counters that count nothing (tests, or when no registry is given). */
export const NO_COUNTERS: RealtimeCounters = { frameReceived() {}, eventFannedOut() {}, closedByServer() {} };

/**
 * Registers the realtime metrics: open connections by transport and active rooms (read from the
 * gateway at scrape time), frames received, event deliveries, and server-initiated closes by code.
 */
export function registerRealtimeMetrics(registry: Registry, gateway: () => RealtimeStats | null): RealtimeCounters {
  new Gauge({
    name: 'tandem_realtime_connections',
    help: 'Open realtime connections on this node, by transport.',
    labelNames: ['transport'],
    registers: [registry],
    collect() {
      this.reset();
      const g = gateway();
      if (!g) return;
      let ws = 0;
      let sse = 0;
      for (const conn of g.connections()) {
        if (conn.transport.kind === 'ws') ws++;
        else sse++;
      }
      this.set({ transport: 'ws' }, ws);
      this.set({ transport: 'sse' }, sse);
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
  return {
    frameReceived: () => frames.inc(),
    eventFannedOut: (n) => deliveries.inc(n),
    closedByServer: (code) => closes.inc({ code: String(code) }),
  };
}
