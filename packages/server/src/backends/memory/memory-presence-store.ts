import type { PresenceEntry, PresenceStatus } from '@tandem/protocol';
import type { ConnectionKey, PresenceDeparture, PresenceStore, RemoveResult, RoomPresence, UpsertResult } from '../presence-store.ts';

interface Slot {
  entry: PresenceEntry;
  expiresAt: number;
  /** Upsert order, so the newest entry of a user wins in `list`. */
  order: number;
}

/** One user's slots in one room, by connection. */
type UserSlots = Map<ConnectionKey, Slot>;

/**
 * The in-process presence store: one node, entries in maps, expiry checked on read. Slots are
 * indexed by room and then by user, so a join or leave looks only at that user's own
 * connections: a node filling up with thousands of connections in one room stays linear.
 */
export class MemoryPresenceStore implements PresenceStore {
  /** room → user → connection → slot */
  readonly #rooms = new Map<string, Map<string, UserSlots>>();
  /** connection → room → user it holds an entry for there */
  readonly #byConnection = new Map<ConnectionKey, Map<string, string>>();
  #order = 0;

  /** @param now clock in ms, injectable so expiry can be tested without waiting. Default `Date.now`. */
  constructor(private readonly now: () => number = Date.now) {}

  async upsert(room: string, connection: ConnectionKey, entry: PresenceEntry, ttlMs: number): Promise<UpsertResult> {
    const previousUser = this.#byConnection.get(connection)?.get(room);
    if (previousUser !== undefined && previousUser !== entry.user_id) this.#delete(room, connection);
    const users = this.#rooms.get(room) ?? new Map<string, UserSlots>();
    this.#rooms.set(room, users);
    const slots = users.get(entry.user_id) ?? new Map<ConnectionKey, Slot>();
    users.set(entry.user_id, slots);
    const joined = !this.#hasLive(slots);
    this.#order += 1;
    slots.set(connection, { entry, expiresAt: this.now() + ttlMs, order: this.#order });
    const rooms = this.#byConnection.get(connection) ?? new Map<string, string>();
    rooms.set(room, entry.user_id);
    this.#byConnection.set(connection, rooms);
    return { joined, entry: this.#merged(slots) ?? entry };
  }

  async remove(room: string, connection: ConnectionKey): Promise<RemoveResult> {
    const userId = this.#byConnection.get(connection)?.get(room);
    const slots = userId === undefined ? undefined : this.#rooms.get(room)?.get(userId);
    if (userId === undefined || !slots?.has(connection)) return { userId: null, left: false };
    this.#delete(room, connection);
    return { userId, left: !this.#hasLive(slots) };
  }

  async list(room: string): Promise<PresenceEntry[]> {
    const out: PresenceEntry[] = [];
    for (const slots of this.#rooms.get(room)?.values() ?? []) {
      const entry = this.#merged(slots);
      if (entry) out.push(entry);
    }
    return out.sort((a, b) => (a.since === b.since ? a.user_id.localeCompare(b.user_id) : a.since < b.since ? -1 : 1));
  }

  async usersIn(room: string): Promise<string[]> {
    const out: string[] = [];
    for (const [userId, slots] of this.#rooms.get(room) ?? []) if (this.#hasLive(slots)) out.push(userId);
    return out;
  }

  async refresh(connection: ConnectionKey, ttlMs: number): Promise<void> {
    const now = this.now();
    for (const [room, userId] of this.#byConnection.get(connection) ?? []) {
      const slot = this.#rooms.get(room)?.get(userId)?.get(connection);
      if (slot && slot.expiresAt > now) slot.expiresAt = now + ttlMs;
    }
  }

  async removeConnection(connection: ConnectionKey): Promise<PresenceDeparture[]> {
    const out: PresenceDeparture[] = [];
    for (const room of [...(this.#byConnection.get(connection)?.keys() ?? [])]) {
      const result = await this.remove(room, connection);
      if (result.userId && result.left) out.push({ room, userId: result.userId });
    }
    return out;
  }

  async sweep(): Promise<PresenceDeparture[]> {
    const now = this.now();
    const out: PresenceDeparture[] = [];
    for (const [room, users] of [...this.#rooms]) {
      for (const [userId, slots] of [...users]) {
        let expired = false;
        for (const [connection, slot] of [...slots]) {
          if (slot.expiresAt > now) continue;
          this.#delete(room, connection);
          expired = true;
        }
        if (expired && !this.#hasLive(slots)) out.push({ room, userId });
      }
    }
    return out;
  }

  async setStatus(userId: string, status: PresenceStatus): Promise<RoomPresence[]> {
    const out: RoomPresence[] = [];
    const now = this.now();
    for (const [room, users] of this.#rooms) {
      const slots = users.get(userId);
      if (!slots) continue;
      let changed = false;
      for (const slot of slots.values()) {
        if (slot.expiresAt <= now || slot.entry.status === status) continue;
        slot.entry = { ...slot.entry, status };
        changed = true;
      }
      const entry = changed ? this.#merged(slots) : null;
      if (entry) out.push({ room, entry });
    }
    return out;
  }

  async close(): Promise<void> {
    this.#rooms.clear();
    this.#byConnection.clear();
  }

  #hasLive(slots: UserSlots): boolean {
    const now = this.now();
    for (const slot of slots.values()) if (slot.expiresAt > now) return true;
    return false;
  }

  #merged(slots: UserSlots): PresenceEntry | null {
    const now = this.now();
    let best: Slot | null = null;
    for (const slot of slots.values()) if (slot.expiresAt > now && (!best || slot.order > best.order)) best = slot;
    return best?.entry ?? null;
  }

  #delete(room: string, connection: ConnectionKey): void {
    const rooms = this.#byConnection.get(connection);
    const userId = rooms?.get(room);
    if (userId === undefined) return;
    rooms?.delete(room);
    if (rooms?.size === 0) this.#byConnection.delete(connection);
    const users = this.#rooms.get(room);
    const slots = users?.get(userId);
    slots?.delete(connection);
    if (slots?.size === 0) users?.delete(userId);
    if (users?.size === 0) this.#rooms.delete(room);
  }
}
