import type { DurableEvent } from '@tandem/protocol';
import { CursorMap } from './cursor-map.ts';
import { LockMap } from './lock-map.ts';
import { PresenceList } from './presence-list.ts';
import type { RoomEvent, RoomEventMap, RoomEventType, RoomSignal } from './room-events.ts';
import type { TandemError } from './tandem-error.ts';

/** Where a room's subscription stands. */
export type RoomState = 'unsubscribed' | 'subscribing' | 'subscribed' | 'error';

/** What a room asks of the client that owns it. */
export interface RoomOwner {
  /** The first holder arrived: subscribe on the server. */
  join(room: Room): void;
  /** The last holder left: unsubscribe on the server. */
  leave(room: Room): void;
}

/** The verdict on a durable event. */
export type Delivery = 'delivered' | 'duplicate' | 'gap';

/**
 * One room as the client sees it: the last durable `seq` received, typed listeners, and the
 * ephemeral state the server keeps telling us (presence list, cell locks).
 *
 * A room is subscribed on the server while at least one holder retains it (`subscribe()`), so
 * several components can share it; the SDK resubscribes it with `since: lastSeq` after every
 * reconnect and drops durable events it has already seen.
 */
export class Room {
  #lastSeq: number | null = null;
  #holders = 0;
  #state: RoomState = 'unsubscribed';
  #error: TandemError | null = null;
  readonly #listeners = new Map<RoomEventType, Set<(event: never) => void>>();
  readonly #changeListeners = new Set<() => void>();
  readonly #presence = new PresenceList();
  readonly #locks = new LockMap();
  readonly #cursors = new CursorMap();

  constructor(
    /** The room name, e.g. `table:{id}`. */
    readonly name: string,
    private readonly owner: RoomOwner,
  ) {}

  /** The seq of the last durable event delivered (null before the first one or the subscribe ack). */
  get lastSeq(): number | null {
    return this.#lastSeq;
  }

  /** Subscription state. */
  get state(): RoomState {
    return this.#state;
  }

  /** Why the server refused the subscription, while `state` is `error`. */
  get error(): TandemError | null {
    return this.#error;
  }

  /** Whether anyone holds the room. */
  get held(): boolean {
    return this.#holders > 0;
  }

  /** Who is in the room (one entry per user). */
  get presence(): RoomPresence {
    return this.#presence.users;
  }

  /** Other users' cursors in this room, by user id (from `user_cursor`). */
  get cursors(): CursorMap['all'] {
    return this.#cursors.all;
  }

  /** Cell and row locks announced to this room (table rooms). */
  get locks(): LockMap {
    return this.#locks;
  }

  /**
   * Holds the room: subscribes on the server if this is the first holder. Returns the function
   * that releases this hold (the last release unsubscribes). `since` seeds the resume point when
   * the app already has data up to that seq (ignored if the room already tracks a later one).
   */
  subscribe(since?: number): () => void {
    if (since !== undefined && (this.#lastSeq === null || since > this.#lastSeq)) this.#lastSeq = since;
    this.#holders += 1;
    if (this.#holders === 1) this.owner.join(this);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#holders -= 1;
      if (this.#holders === 0) this.owner.leave(this);
    };
  }

  /** Listens to one event type (or `'*'` for all); returns the function that stops listening. */
  on<K extends RoomEventType>(type: K, handler: (event: RoomEventMap[K]) => void): () => void {
    let set = this.#listeners.get(type);
    if (!set) {
      set = new Set();
      this.#listeners.set(type, set);
    }
    const entry = handler as (event: never) => void;
    set.add(entry);
    return () => set.delete(entry);
  }

  /** Listens to changes of `state`, `presence`, `cursors` and `locks` (for UI bindings). */
  onChange(listener: () => void): () => void {
    this.#changeListeners.add(listener);
    return () => this.#changeListeners.delete(listener);
  }

  /**
   * Delivers a durable event exactly once and in order: a seq at or below the last one is a
   * duplicate (dropped); a seq beyond the next one is a gap (dropped, and the client resumes
   * from `lastSeq` so the server replays what is missing).
   */
  deliverDurable(event: DurableEvent): Delivery {
    if (this.#lastSeq !== null) {
      if (event.seq <= this.#lastSeq) return 'duplicate';
      if (event.seq > this.#lastSeq + 1) return 'gap';
    }
    this.#lastSeq = event.seq;
    this.#emit(event);
    return 'delivered';
  }

  /** Delivers a room signal: updates presence/locks, then notifies listeners. */
  deliverSignal(signal: RoomSignal): void {
    let changed = this.#presence.apply(signal);
    changed = this.#locks.apply(signal) || changed;
    changed = this.#cursors.apply(signal) || changed;
    if (signal.type === 'resync') {
      // The app refetches over REST; from here on the room is live from the server's head.
      this.#lastSeq = signal.seq;
    }
    if (signal.type === 'unsubscribed') {
      this.#state = 'error';
      changed = true;
    }
    this.#emit(signal);
    if (changed) this.#changed();
  }

  /** Marks the subscribe request as sent (after connecting or on first hold). */
  markSubscribing(): void {
    this.#setState('subscribing', null);
  }

  /** The server confirmed the subscription; `head` is its current seq when it says so. */
  markSubscribed(head: number | null): void {
    if (this.#lastSeq === null && head !== null) this.#lastSeq = head;
    this.#setState('subscribed', null);
    this.#emit({ type: 'subscribed', room: this.name, seq: this.#lastSeq });
  }

  /** The server refused the subscription. */
  markFailed(error: TandemError): void {
    this.#setState('error', error);
    this.#emit({ type: 'subscription_error', room: this.name, error });
  }

  /** The link dropped or the room was left: ephemeral state is stale and is cleared. */
  markUnsubscribed(): void {
    this.#presence.clear();
    this.#cursors.clear();
    this.#state = 'unsubscribed';
    this.#changed();
  }

  #setState(state: RoomState, error: TandemError | null): void {
    this.#state = state;
    this.#error = error;
    this.#changed();
  }

  #emit(event: RoomEvent): void {
    for (const type of [event.type as RoomEventType, '*' as const]) {
      const set = this.#listeners.get(type);
      if (!set) continue;
      for (const handler of [...set]) {
        try {
          (handler as (event: RoomEvent) => void)(event);
        } catch (err) {
          // One faulty listener must not stop delivery to the others or break seq tracking.
          console.error(`Tandem: a listener of ${this.name} threw`, err);
        }
      }
    }
  }

  #changed(): void {
    for (const listener of [...this.#changeListeners]) listener();
  }
}

/** A room's presence list snapshot. */
export type RoomPresence = PresenceList['users'];
