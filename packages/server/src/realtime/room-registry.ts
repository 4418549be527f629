import type { Logger } from 'pino';
import type { Connection } from './connection.ts';
import type { RealtimeCounters } from './realtime-metrics.ts';
import { type EventSource, RoomChannel, type RoomHistory } from './room-channel.ts';
import { Subscription } from './subscription.ts';

/** What the rooms of a node need to run. */
export interface RoomRegistryDeps {
  readonly source: EventSource;
  readonly log: Logger;
  /** Events each room keeps in memory for resume. */
  readonly history: RoomHistory;
  /** How long a room without local subscribers lingers (ROOM_LINGER_MS; 0: dropped at once). */
  readonly lingerMs: number;
  readonly counters: RealtimeCounters;
}

/**
 * The rooms with local subscribers (or lingering after their last one left) on this node: joins
 * a connection to a room's channel, detaches it again, and drops a room once nobody wants it.
 */
export class RoomRegistry {
  readonly #channels = new Map<string, RoomChannel>();
  /** Subscribes in progress per room, so a room is not dropped while one is joining. */
  readonly #joining = new Map<string, number>();
  #closing = false;

  constructor(private readonly deps: RoomRegistryDeps) {}

  /** The room's channel, if this node follows it. */
  get(room: string): RoomChannel | undefined {
    return this.#channels.get(room);
  }

  /** Rooms with at least one local subscriber (not counting rooms lingering after their last one left). */
  get activeCount(): number {
    let count = 0;
    for (const channel of this.#channels.values()) if (channel.subscribers.size > 0) count++;
    return count;
  }

  /**
   * Adds `conn` to the room once its starting head is known, starting from `since` (or, without
   * one, from the room's current seq), not yet live. Null when the room closed meanwhile (only a
   * shutting-down gateway closes a room that someone is joining).
   */
  async join(conn: Connection, room: string, since: number | undefined): Promise<{ sub: Subscription; channel: RoomChannel } | null> {
    this.#joining.set(room, (this.#joining.get(room) ?? 0) + 1);
    let sub: Subscription | null = null;
    const channel = this.#channel(room);
    try {
      await channel.ready;
      if (!channel.closed) {
        // The room's own name, not the one parsed from this frame: one string per room, not per subscriber.
        sub = new Subscription(conn, channel.room, since ?? channel.cursor);
        channel.subscribers.add(sub);
      }
    } finally {
      this.#joining.set(room, (this.#joining.get(room) ?? 1) - 1);
      if (this.#joining.get(room) === 0) this.#joining.delete(room);
      // A room that could not start (its head unreadable) is dropped, so the next join tries again.
      if (!sub) this.#forget(channel);
    }
    if (!sub) return null;
    conn.subscriptions.set(sub.room, sub);
    return { sub, channel };
  }

  /** Ends a subscription: it stops receiving, and its room goes (or lingers) when it was the last. */
  detach(sub: Subscription): void {
    sub.active = false;
    if (sub.connection.subscriptions.get(sub.room) === sub) sub.connection.subscriptions.delete(sub.room);
    const channel = this.#channels.get(sub.room);
    if (!channel) return;
    channel.subscribers.delete(sub);
    this.#releaseIfEmpty(channel);
  }

  /** After a bus outage: every room reads what it missed from the log. */
  catchUpAll(): void {
    for (const channel of this.#channels.values()) channel.catchUp();
  }

  /** Shutdown: every room closes at once, none lingers. */
  close(): void {
    this.#closing = true;
    for (const channel of this.#channels.values()) channel.close();
    this.#channels.clear();
  }

  /** The room's channel, created on first use; a lingering one is kept again. */
  #channel(room: string): RoomChannel {
    let channel = this.#channels.get(room);
    if (channel) {
      channel.keep();
      return channel;
    }
    const { source, log, history, counters } = this.deps;
    channel = new RoomChannel(room, source, (err) => log.warn({ err, room }, 'realtime: reading the event log failed'), history, counters);
    this.#channels.set(room, channel);
    // A room whose head cannot be read is of no use to anyone: the next subscriber starts afresh.
    channel.ready.catch(() => this.#forget(channel));
    return channel;
  }

  /**
   * A room nobody on this node subscribes to (or is joining) lingers for ROOM_LINGER_MS with its
   * recent events, then goes: after a dropped connection or a node's clients all reconnecting at
   * once, they resume from memory instead of each reading the log.
   */
  #releaseIfEmpty(channel: RoomChannel): void {
    if (channel.subscribers.size > 0 || this.#joining.has(channel.room)) return;
    const { lingerMs } = this.deps;
    if (lingerMs <= 0 || this.#closing) {
      this.#forget(channel);
      return;
    }
    channel.linger(lingerMs, () => {
      if (channel.subscribers.size === 0 && !this.#joining.has(channel.room)) this.#forget(channel);
    });
  }

  /** Closes a room and drops it from the map (if it is still the room's channel). */
  #forget(channel: RoomChannel): void {
    if (channel.subscribers.size > 0 || this.#joining.has(channel.room)) return;
    channel.close();
    if (this.#channels.get(channel.room) === channel) this.#channels.delete(channel.room);
  }
}
