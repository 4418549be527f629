import { Histogram, type LatencySummary } from '../measure/histogram.ts';

/** A write the server answered 2xx: it is committed and must reach every subscriber of its room. */
export interface AckedWrite {
  readonly marker: string;
  readonly room: string;
  readonly writer: number;
  /** The node that answered it. */
  readonly node: number;
  /** `performance.now()` when the request was sent and when its answer arrived. */
  readonly sentAt: number;
  readonly ackedAt: number;
}

/** A failed write: its HTTP status (0: no answer) and the error code of its body. */
export interface FailedWrite {
  readonly status: number;
  readonly code: string;
  /** Whether the body had the registry shape `{error: {code, message}}` (no answer: true). */
  readonly shaped: boolean;
  readonly at: number;
}

/** What one client saw of one room. */
class RoomLog {
  /** Markers the SDK delivered to the app, with the time. */
  readonly delivered = new Map<string, number>();
  /** Seqs in the order the SDK delivered them. */
  readonly seqs: number[] = [];
  /** What arrived on the wire, before the SDK's own checks. */
  wireHighest = 0;
  readonly wireSeen = new Set<number>();
  wireDuplicates = 0;
  wireOutOfOrder = 0;
  wireGaps = 0;
  resyncs = 0;
}

/** Everything one subscribed client received, per room. */
export class ClientLog {
  readonly rooms = new Map<string, RoomLog>();
  /** Times (performance.now()) at which the client's link came up. */
  readonly connectedAt: number[] = [];
  readonly closeCodes: number[] = [];

  constructor(
    readonly name: string,
    readonly home: number,
  ) {}

  room(name: string): RoomLog {
    let log = this.rooms.get(name);
    if (!log) {
      log = new RoomLog();
      this.rooms.set(name, log);
    }
    return log;
  }

  /** A durable event as the SDK handed it to the app. */
  delivered(room: string, seq: number, marker: string | null, at: number): void {
    const log = this.room(room);
    log.seqs.push(seq);
    if (marker) log.delivered.set(marker, at);
  }

  /** A durable event as it came off the socket. */
  wire(room: string, seq: number): void {
    const log = this.room(room);
    if (log.wireSeen.has(seq)) log.wireDuplicates++;
    else if (seq < log.wireHighest) log.wireOutOfOrder++;
    else if (log.wireHighest > 0 && seq > log.wireHighest + 1) log.wireGaps++;
    log.wireSeen.add(seq);
    if (seq > log.wireHighest) log.wireHighest = seq;
  }

  resync(room: string): void {
    this.room(room).resyncs++;
  }
}

/** The figures of one scenario. */
export interface LedgerFigures {
  readonly acked: number;
  readonly failedWrites: number;
  /** Failed writes by `status code` (e.g. `503 unavailable`, `0 network`). */
  readonly failures: Readonly<Record<string, number>>;
  /** Failed writes whose body lacked the error shape. */
  readonly unshapedErrors: number;
  /** Events the SDK delivered to the app over all clients (this scenario's writes). */
  readonly delivered: number;
  /** (acked write, subscribed client) pairs never delivered. */
  readonly missing: number;
  /** Seqs delivered to the app twice / below an earlier one (the SDK must make both 0). */
  readonly duplicated: number;
  readonly outOfOrder: number;
  /** The same on the wire, before the SDK's checks: what the server sent. */
  readonly wireDuplicated: number;
  readonly wireOutOfOrder: number;
  /** Jumps in seq on the wire (the SDK answers each by resubscribing from its last seq). */
  readonly wireGaps: number;
  readonly resyncs: number;
  /** Events delivered whose write got no 2xx (committed, but the answer was lost with the node). */
  readonly deliveredUnacked: number;
  /** Write sent → event delivered to the app. */
  readonly latency: LatencySummary;
}

/** The ledger of one run: every acknowledged write and what every client got. */
export class Ledger {
  readonly acked: AckedWrite[] = [];
  readonly failed: FailedWrite[] = [];
  readonly clients: ClientLog[] = [];
  /** Markers of writes sent, acked or not. */
  readonly sent = new Map<string, { room: string; sentAt: number }>();

  client(name: string, home: number): ClientLog {
    const log = new ClientLog(name, home);
    this.clients.push(log);
    return log;
  }

  /**
   * Figures for writes sent in [from, to). Every client counts for every room it subscribed to
   * (clients are subscribed before the window opens).
   */
  figures(from: number, to: number, clients: readonly ClientLog[] = this.clients): LedgerFigures {
    const acked = this.acked.filter((w) => w.sentAt >= from && w.sentAt < to);
    const ackedMarkers = new Set(acked.map((w) => w.marker));
    const failed = this.failed.filter((f) => f.at >= from && f.at < to);
    const failures: Record<string, number> = {};
    for (const f of failed) {
      const key = `${f.status} ${f.code}`;
      failures[key] = (failures[key] ?? 0) + 1;
    }
    const latency = new Histogram();
    let delivered = 0;
    let missing = 0;
    let duplicated = 0;
    let outOfOrder = 0;
    let wireDuplicated = 0;
    let wireOutOfOrder = 0;
    let wireGaps = 0;
    let resyncs = 0;
    const unacked = new Set<string>();
    for (const client of clients) {
      for (const [room, log] of client.rooms) {
        for (const w of acked) {
          if (w.room !== room) continue;
          const at = log.delivered.get(w.marker);
          if (at === undefined) missing++;
          else {
            delivered++;
            latency.recordMillis(at - w.sentAt);
          }
        }
        for (const [marker] of log.delivered) {
          const sent = this.sent.get(marker);
          if (sent && sent.sentAt >= from && sent.sentAt < to && !ackedMarkers.has(marker)) unacked.add(marker);
        }
        const seen = new Set<number>();
        let last = 0;
        for (const seq of log.seqs) {
          if (seen.has(seq)) duplicated++;
          else if (seq < last) outOfOrder++;
          seen.add(seq);
          last = Math.max(last, seq);
        }
        wireDuplicated += log.wireDuplicates;
        wireOutOfOrder += log.wireOutOfOrder;
        wireGaps += log.wireGaps;
        resyncs += log.resyncs;
      }
    }
    return {
      acked: acked.length,
      failedWrites: failed.length,
      failures,
      unshapedErrors: failed.filter((f) => !f.shaped).length,
      delivered,
      missing,
      duplicated,
      outOfOrder,
      wireDuplicated,
      wireOutOfOrder,
      wireGaps,
      resyncs,
      deliveredUnacked: unacked.size,
      latency: latency.summary(),
    };
  }

  /**
   * The acknowledged writes sent in [from, to) that some client never got, with how many clients
   * missed each (for the report: which node answered them, and when relative to `origin`).
   */
  missingWrites(from: number, to: number, origin: number, clients: readonly ClientLog[] = this.clients): string[] {
    const out: string[] = [];
    for (const w of this.acked) {
      if (w.sentAt < from || w.sentAt >= to) continue;
      const missedBy = clients.filter((c) => c.rooms.get(w.room) && !c.rooms.get(w.room)?.delivered.has(w.marker)).length;
      if (missedBy > 0)
        out.push(`${w.marker} (answered by node ${w.node}, sent at ${((w.sentAt - origin) / 1000).toFixed(2)} s, missed by ${missedBy} clients)`);
    }
    return out;
  }

  /**
   * Milliseconds from `at` until every client had an event of a write sent after `at` delivered
   * (null if some client never did): how long until live delivery works for everyone again.
   */
  deliveryResumedAfter(at: number, clients: readonly ClientLog[] = this.clients): number | null {
    let worst = 0;
    for (const client of clients) {
      let first = Number.POSITIVE_INFINITY;
      for (const log of client.rooms.values()) {
        for (const [marker, deliveredAt] of log.delivered) {
          const sent = this.sent.get(marker);
          if (sent && sent.sentAt >= at && deliveredAt < first) first = deliveredAt;
        }
      }
      if (first === Number.POSITIVE_INFINITY) return null;
      worst = Math.max(worst, first - at);
    }
    return Math.round(worst);
  }

  /** Milliseconds from `at` until the first write sent after it was acknowledged (null: none was). */
  writesResumedAfter(at: number): number | null {
    let first = Number.POSITIVE_INFINITY;
    for (const w of this.acked) if (w.sentAt >= at && w.ackedAt < first) first = w.ackedAt;
    return first === Number.POSITIVE_INFINITY ? null : Math.round(first - at);
  }
}
