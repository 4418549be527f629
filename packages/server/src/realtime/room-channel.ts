import type { DurableEvent } from '@tandem/protocol';
import { Frame } from './frame.ts';
import type { RealtimeCounters } from './realtime-metrics.ts';
import type { Subscription } from './subscription.ts';

/** How long a room waits for a missing seq on the bus before reading it from the event log. */
export const GAP_WAIT_MS = 30;
const PAGE = 1000;

/** How a room reads the durable event log. */
export interface EventSource {
  /** Events of the room after `since`, oldest first, at most `limit`. */
  readAfter(room: string, since: number, limit: number): Promise<DurableEvent[]>;
  /** The newest committed seq of the room. */
  head(room: string): Promise<number>;
}

/**
 * A room on this node: its local subscribers and the highest seq delivered to them.
 *
 * Events come from the bus after commit, so they may arrive out of order (two transactions
 * publish in a different order than they committed) or not at all (bus outage). Because the
 * per-room counter is row-locked, seq N-1 is committed before seq N exists; so on a gap the room
 * parks later events, waits {@link GAP_WAIT_MS} for the bus, then reads the gap from the log.
 * Subscribers therefore always receive strictly increasing, gapless seqs. Each event is
 * serialised once here and the same string goes to every subscriber.
 */
export class RoomChannel {
  readonly subscribers = new Set<Subscription>();
  /** Highest seq delivered; null until the starting head is known. */
  #cursor: number | null = null;
  readonly #pending = new Map<number, DurableEvent>();
  #early: DurableEvent[] = [];
  #gapTimer: NodeJS.Timeout | null = null;
  #filling = false;
  #closed = false;
  /** Resolves once the starting head is known. */
  readonly ready: Promise<void>;

  constructor(
    readonly room: string,
    private readonly source: EventSource,
    private readonly onError: (err: unknown) => void,
    private readonly counters?: RealtimeCounters,
  ) {
    this.ready = this.#start();
  }

  /** Highest seq delivered to live subscribers (0 before the room is ready). */
  get cursor(): number {
    return this.#cursor ?? 0;
  }

  async #start(): Promise<void> {
    const head = await this.source.head(this.room);
    this.#cursor = head;
    const early = this.#early;
    this.#early = [];
    for (const event of early) this.push(event);
  }

  /** Takes an event from the bus. */
  push(event: DurableEvent): void {
    if (this.#closed) return;
    if (this.#cursor === null) {
      this.#early.push(event);
      return;
    }
    if (event.seq <= this.#cursor) return;
    if (event.seq === this.#cursor + 1) {
      this.#deliver(event);
      this.#drainPending();
      return;
    }
    this.#pending.set(event.seq, event);
    this.#scheduleGapFill();
  }

  /** Reads everything after the cursor from the log (after a bus outage). */
  catchUp(): void {
    if (this.#cursor === null || this.#closed) return;
    void this.#fill(Number.POSITIVE_INFINITY);
  }

  /** Stops timers; the room delivers nothing more. */
  close(): void {
    this.#closed = true;
    if (this.#gapTimer) clearTimeout(this.#gapTimer);
    this.#gapTimer = null;
    this.#pending.clear();
  }

  #deliver(event: DurableEvent): void {
    this.#cursor = event.seq;
    const frame = Frame.of(event);
    for (const sub of this.subscribers) sub.receive(event, frame);
    this.counters?.eventFannedOut(this.subscribers.size);
  }

  #drainPending(): void {
    for (const seq of [...this.#pending.keys()]) if (seq <= this.cursor) this.#pending.delete(seq);
    let next = this.#pending.get(this.cursor + 1);
    while (next) {
      this.#pending.delete(next.seq);
      this.#deliver(next);
      next = this.#pending.get(this.cursor + 1);
    }
    if (this.#pending.size === 0 && this.#gapTimer) {
      clearTimeout(this.#gapTimer);
      this.#gapTimer = null;
    }
  }

  #scheduleGapFill(): void {
    if (this.#gapTimer || this.#filling) return;
    this.#gapTimer = setTimeout(() => {
      this.#gapTimer = null;
      if (this.#pending.size > 0) void this.#fill(Math.max(...this.#pending.keys()));
    }, GAP_WAIT_MS);
  }

  /** Reads the log after the cursor until `upTo` is delivered or the log has nothing more. */
  async #fill(upTo: number): Promise<void> {
    if (this.#filling) return;
    this.#filling = true;
    try {
      while (!this.#closed && this.cursor < upTo) {
        const page = await this.source.readAfter(this.room, this.cursor, PAGE);
        // The page is gapless from where the cursor was; skip what the bus delivered meanwhile.
        for (const event of page) if (event.seq > this.cursor && !this.#closed) this.#deliver(event);
        this.#drainPending();
        if (page.length < PAGE) break;
      }
    } catch (err) {
      this.onError(err);
    } finally {
      this.#filling = false;
    }
    if (this.#pending.size > 0 && !this.#closed) this.#scheduleGapFill();
  }
}
