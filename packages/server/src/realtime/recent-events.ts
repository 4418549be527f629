import type { DurableEvent } from '@tandem/protocol';
import type { Frame } from './frame.ts';

/** Default cap on the text a room keeps in {@link RecentEvents} (JSON characters, about bytes). */
export const RECENT_EVENTS_MAX_CHARS = 1024 * 1024;

/** A durable event with the frame the room serialised it into for live delivery. */
export interface DeliveredEvent {
  readonly event: DurableEvent;
  readonly frame: Frame;
}

/**
 * The newest durable events a room delivered, gapless and in seq order, each with the frame every
 * live subscriber got, so a client resuming from a recent `since` is replayed from memory: no
 * database read, no second serialisation. Bounded by a count and by the length of the frames'
 * JSON (an encoded WebSocket copy, once made, roughly doubles that in memory).
 *
 * It knows it is complete for every `since` from {@link from} to {@link head}: `from` starts at
 * the seq the room started at and moves up as old events are dropped.
 */
export class RecentEvents {
  /** Grows up to `maxEvents` as events come, so a quiet room costs next to nothing. */
  #ring: (DeliveredEvent | undefined)[] = [];
  /** Ring index of the oldest event held. */
  #first = 0;
  #size = 0;
  #chars = 0;
  #from = 0;
  #head = 0;

  constructor(
    /** Most events held (0: none, every resume reads the log). */
    readonly maxEvents: number,
    /** Most JSON characters held over all frames. */
    readonly maxChars: number = RECENT_EVENTS_MAX_CHARS,
  ) {}

  /** The lowest `since` that {@link after} can answer. */
  get from(): number {
    return this.#from;
  }

  /** The seq of the newest event held (or the starting seq while empty). */
  get head(): number {
    return this.#head;
  }

  /** Events held. */
  get size(): number {
    return this.#size;
  }

  /** Forgets everything: complete from `seq` on, with nothing held yet. */
  restart(seq: number): void {
    this.#ring = [];
    this.#first = 0;
    this.#size = 0;
    this.#chars = 0;
    this.#from = seq;
    this.#head = seq;
  }

  /** Adds the room's next event; one that does not follow {@link head} starts the history over at it. */
  append(delivered: DeliveredEvent): void {
    const { seq } = delivered.event;
    if (seq !== this.#head + 1) this.restart(seq - 1);
    this.#head = seq;
    if (this.maxEvents <= 0) {
      this.#from = seq;
      return;
    }
    if (this.#size === this.maxEvents) this.#dropOldest();
    if (this.#size === this.#ring.length) this.#grow();
    this.#ring[(this.#first + this.#size) % this.#ring.length] = delivered;
    this.#size += 1;
    this.#chars += delivered.frame.json.length;
    // May drop the event just added when it alone is over the budget; `from` then equals `head`.
    while (this.#chars > this.maxChars && this.#size > 0) this.#dropOldest();
  }

  /** Every event after `since`, oldest first; null when some are not held (`since` before {@link from} or after {@link head}). */
  after(since: number): DeliveredEvent[] | null {
    if (since < this.#from || since > this.#head) return null;
    const out: DeliveredEvent[] = [];
    // Held events are gapless from `from + 1`, so the first one wanted sits `since - from` places in.
    for (let i = since - this.#from; i < this.#size; i++) out.push(this.#ring[(this.#first + i) % this.#ring.length] as DeliveredEvent);
    return out;
  }

  /** Doubles the ring (up to `maxEvents`), oldest event first. */
  #grow(): void {
    const next: (DeliveredEvent | undefined)[] = new Array(Math.min(this.maxEvents, Math.max(16, this.#ring.length * 2)));
    for (let i = 0; i < this.#size; i++) next[i] = this.#ring[(this.#first + i) % this.#ring.length];
    this.#ring = next;
    this.#first = 0;
  }

  #dropOldest(): void {
    const oldest = this.#ring[this.#first] as DeliveredEvent;
    this.#ring[this.#first] = undefined;
    this.#first = (this.#first + 1) % this.#ring.length;
    this.#size -= 1;
    this.#chars -= oldest.frame.json.length;
    this.#from = oldest.event.seq;
  }
}
