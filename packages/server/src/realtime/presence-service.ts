import type { PresenceAction, PresenceEntry, PresenceStatus } from '@tandem/protocol';
import { inBatches } from '../backends/in-batches.ts';
import { ONLINE_ROOM, type PresenceDeparture, type PresenceStore } from '../backends/presence-store.ts';
import type { Connection } from './connection.ts';
import type { SignalPublisher } from './signal-publisher.ts';

/** What a client announces about itself in a room. */
export interface PresenceAnnouncement {
  readonly room: string;
  readonly action: PresenceAction;
  readonly status?: PresenceStatus | undefined;
  readonly record_id?: string | undefined;
  readonly field_id?: string | undefined;
}

/** Timing of presence, from the configuration. */
export interface PresenceTiming {
  /** Lifetime of an entry between refreshes (a dead node's users vanish after this). */
  readonly ttlMs: number;
  /** How long a closed connection's entries linger so a quick reconnect causes no flicker. */
  readonly graceMs: number;
}

/**
 * Presence on top of the shared {@link PresenceStore}: turns store results into `user_joined`,
 * `presence_update` and `user_left` signals for the room, and keeps every connection's entries
 * alive while it is open. Every open connection also keeps an entry in the {@link ONLINE_ROOM}.
 */
export class PresenceService {
  readonly #graceTimers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly store: PresenceStore,
    private readonly signals: SignalPublisher,
    private readonly timing: PresenceTiming,
  ) {}

  /** Marks the connection's user online. */
  async connected(conn: Connection): Promise<void> {
    await this.store.upsert(ONLINE_ROOM, conn.key, this.#entry(conn, 'viewing', null, null, new Date().toISOString()), this.timing.ttlMs);
  }

  /** Stores an announcement and tells the room. */
  async announce(conn: Connection, a: PresenceAnnouncement): Promise<PresenceEntry> {
    if (a.status) conn.status = a.status;
    const since = conn.presentSince(a.room) ?? new Date().toISOString();
    conn.markPresent(a.room, since);
    const result = await this.store.upsert(a.room, conn.key, this.#entry(conn, a.action, a.record_id ?? null, a.field_id ?? null, since), this.timing.ttlMs);
    if (result.joined) await this.signals.publish(a.room, { type: 'user_joined', room: a.room, user: result.entry });
    else await this.signals.publish(a.room, { type: 'presence_update', room: a.room, user: result.entry });
    return result.entry;
  }

  /** Removes the connection from a room's presence at once (unsubscribe, membership revoked). */
  async leave(conn: Connection, room: string): Promise<void> {
    if (!conn.forgetPresence(room)) return;
    const result = await this.store.remove(room, conn.key);
    if (result.userId && result.left) await this.signals.publish(room, { type: 'user_left', room, user_id: result.userId });
  }

  /**
   * The connection closed: its entries stay for the grace period (a reconnecting tab re-announces
   * before they go, so the room sees no leave/join), then go with `user_left` where it was the last.
   */
  async disconnected(conn: Connection): Promise<void> {
    if (this.timing.graceMs <= 0) {
      await this.#announceDepartures(await this.store.removeConnection(conn.key));
      return;
    }
    await this.store.refresh(conn.key, this.timing.graceMs + this.timing.ttlMs);
    const timer = setTimeout(() => {
      this.#graceTimers.delete(timer);
      void this.store
        .removeConnection(conn.key)
        .then((d) => this.#announceDepartures(d))
        .catch(() => undefined);
    }, this.timing.graceMs);
    timer.unref();
    this.#graceTimers.add(timer);
  }

  /** Keeps the entries of open connections alive (called on every heartbeat tick). */
  async refresh(connections: Iterable<Connection>): Promise<void> {
    await inBatches(connections, (conn) => this.store.refresh(conn.key, this.timing.ttlMs));
  }

  /** Removes entries whose node stopped refreshing them and announces who left. */
  async sweep(): Promise<void> {
    await this.#announceDepartures(await this.store.sweep());
  }

  /** Changes the user's status everywhere and tells each room. */
  async setStatus(userId: string, status: PresenceStatus, local: Iterable<Connection>): Promise<void> {
    for (const conn of local) if (conn.userId === userId) conn.status = status;
    for (const { room, entry } of await this.store.setStatus(userId, status)) {
      if (room !== ONLINE_ROOM) await this.signals.publish(room, { type: 'presence_update', room, user: entry });
    }
  }

  /** One entry per user present in the room. */
  list(room: string): Promise<PresenceEntry[]> {
    return this.store.list(room);
  }

  /** Stops pending grace timers (shutdown: entries then expire through their TTL). */
  close(): void {
    for (const timer of this.#graceTimers) clearTimeout(timer);
    this.#graceTimers.clear();
  }

  async #announceDepartures(departures: readonly PresenceDeparture[]): Promise<void> {
    for (const { room, userId } of departures) {
      if (room !== ONLINE_ROOM) await this.signals.publish(room, { type: 'user_left', room, user_id: userId });
    }
  }

  #entry(conn: Connection, action: PresenceAction, recordId: string | null, fieldId: string | null, since: string): PresenceEntry {
    const { user } = conn.auth;
    return { user_id: user.id, name: user.name, color: user.color, action, status: conn.status, record_id: recordId, field_id: fieldId, since };
  }
}
