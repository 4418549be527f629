import type { DurableEvent } from '@tandem/protocol';
import { Frame } from './frame.ts';
import type { RealtimeCounters } from './realtime-metrics.ts';
import { type DeliveredEvent, RecentEvents } from './recent-events.ts';
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

/** How a room keeps recent events for resume. */
export interface RoomHistory {
  /** Newest events kept in memory (0: every resume reads the log). */
  readonly events: number;
  /** Most JSON characters kept over those events (default {@link RECENT_EVENTS_MAX_CHARS}). */
  readonly maxChars?: number;
}

/**
 * A room on this node: its local subscribers, the highest seq delivered to them and the most
 * recent events, so a client resuming from a recent seq is served from memory.
 *
 * Events come from the bus after commit, so they may arrive out of order (two transactions
 * publish in a different order than they committed) or not at all (bus outage). Because the
 * per-room counter is row-locked, seq N-1 is committed before seq N exists; so on a gap the room
 * parks later events, waits {@link GAP_WAIT_MS} for the bus, then reads the gap from the log.
 * Subscribers therefore always receive strictly increasing, gapless seqs. Each event is
 * serialised once here and the same string goes to every subscriber, and later to every client
 * that resumes from {@link RoomChannel.recentAfter}.
 *
 * A room whose last local subscriber left is kept for a while ({@link RoomChannel.linger}), still
 * following the bus, so that clients reconnecting after a drop find their missed events here.
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
  #lingerTimer: NodeJS.Timeout | null = null;
  readonly #recent: RecentEvents;
  /** Resolves once the starting head is known. */
  readonly ready: Promise<void>;

  constructor(
    readonly room: string,
    private readonly source: EventSource,
    private readonly onError: (err: unknown) => void,
    history: RoomHistory,
    private readonly counters?: RealtimeCounters,
  ) {
    this.#recent = new RecentEvents(history.events, history.maxChars);
    this.ready = this.#start();
  }

  /** Highest seq delivered to live subscribers (0 before the room is ready). */
  get cursor(): number {
    return this.#cursor ?? 0;
  }

  /** True once {@link close} was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * The events after `since` up to {@link cursor}, with the frames live subscribers got, or null
   * when this room does not hold all of them (it joined the room's history later, dropped them,
   * or `since` is ahead of it): then they must be read from the log.
   */
  recentAfter(since: number): readonly DeliveredEvent[] | null {
    if (this.#cursor === null || this.#closed) return null;
    return this.#recent.after(since);
  }

  /**
   * The lowest `since` {@link recentAfter} answers right now (null before the room is ready), so a
   * replay can read from the log only the part before it.
   */
  get recentFrom(): number | null {
    return this.#cursor === null || this.#closed ? null : this.#recent.from;
  }

  /**
   * The room has no local subscriber: `expire` runs after `ms` unless {@link keep} is called
   * first. Meanwhile the room keeps following the bus, so its recent events stay complete.
   */
  linger(ms: number, expire: () => void): void {
    this.keep();
    if (this.#closed) return;
    this.#lingerTimer = setTimeout(() => {
      this.#lingerTimer = null;
      expire();
    }, ms);
    this.#lingerTimer.unref();
  }

  /** Cancels a pending {@link linger} (a subscriber is joining). */
  keep(): void {
    if (this.#lingerTimer) clearTimeout(this.#lingerTimer);
    this.#lingerTimer = null;
  }

  async #start(): Promise<void> {
    const head = await this.source.head(this.room);
    this.#cursor = head;
    // Events up to the head were delivered before this room existed: complete only from here.
    this.#recent.restart(head);
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
    this.keep();
    if (this.#gapTimer) clearTimeout(this.#gapTimer);
    this.#gapTimer = null;
    this.#pending.clear();
    this.#recent.restart(this.cursor);
  }

  #deliver(event: DurableEvent): void {
    this.#cursor = event.seq;
    const frame = Frame.of(event);
    // A page read from a trimmed log may skip seqs; the history then starts over at this event.
    this.#recent.append({ event, frame });
    for (const sub of this.subscribers) sub.receive(event, frame);
    this.counters?.eventFannedOut(this.subscribers.size, event.ts);
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
