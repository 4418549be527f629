import type { PresenceEntry, PresenceStatus } from '@tandem/protocol';
import type { ConnectionKey, PresenceDeparture, PresenceStore, RemoveResult, RoomPresence, UpsertResult } from '../presence-store.ts';

interface Slot {
  entry: PresenceEntry;
  expiresAt: number;
  /** Upsert order, so the newest entry of a user wins in `list`. */
  order: number;
}

/** The in-process presence store: one node, entries in maps, expiry checked on read. */
export class MemoryPresenceStore implements PresenceStore {
  /** room → connection → slot */
  readonly #rooms = new Map<string, Map<ConnectionKey, Slot>>();
  /** connection → rooms it has entries in */
  readonly #byConnection = new Map<ConnectionKey, Set<string>>();
  #order = 0;

  /** @param now clock in ms, injectable so expiry can be tested without waiting. Default `Date.now`. */
  constructor(private readonly now: () => number = Date.now) {}

  async upsert(room: string, connection: ConnectionKey, entry: PresenceEntry, ttlMs: number): Promise<UpsertResult> {
    const slots = this.#rooms.get(room) ?? new Map<ConnectionKey, Slot>();
    this.#rooms.set(room, slots);
    const joined = !this.#hasLive(slots, entry.user_id, null);
    this.#order += 1;
    slots.set(connection, { entry, expiresAt: this.now() + ttlMs, order: this.#order });
    const rooms = this.#byConnection.get(connection) ?? new Set<string>();
    rooms.add(room);
    this.#byConnection.set(connection, rooms);
    return { joined, entry: this.#merged(slots, entry.user_id) ?? entry };
  }

  async remove(room: string, connection: ConnectionKey): Promise<RemoveResult> {
    const slots = this.#rooms.get(room);
    const slot = slots?.get(connection);
    if (!slots || !slot) return { userId: null, left: false };
    this.#delete(room, connection);
    return { userId: slot.entry.user_id, left: !this.#hasLive(slots, slot.entry.user_id, null) };
  }

  async list(room: string): Promise<PresenceEntry[]> {
    const slots = this.#rooms.get(room);
    if (!slots) return [];
    const users = new Set<string>();
    for (const slot of this.#live(slots)) users.add(slot.entry.user_id);
    const out: PresenceEntry[] = [];
    for (const user of users) {
      const entry = this.#merged(slots, user);
      if (entry) out.push(entry);
    }
    return out.sort((a, b) => (a.since === b.since ? a.user_id.localeCompare(b.user_id) : a.since < b.since ? -1 : 1));
  }

  async usersIn(room: string): Promise<string[]> {
    const slots = this.#rooms.get(room);
    if (!slots) return [];
    return [...new Set([...this.#live(slots)].map((s) => s.entry.user_id))];
  }

  async refresh(connection: ConnectionKey, ttlMs: number): Promise<void> {
    const now = this.now();
    for (const room of this.#byConnection.get(connection) ?? []) {
      const slot = this.#rooms.get(room)?.get(connection);
      if (slot && slot.expiresAt > now) slot.expiresAt = now + ttlMs;
    }
  }

  async removeConnection(connection: ConnectionKey): Promise<PresenceDeparture[]> {
    const out: PresenceDeparture[] = [];
    for (const room of [...(this.#byConnection.get(connection) ?? [])]) {
      const result = await this.remove(room, connection);
      if (result.userId && result.left) out.push({ room, userId: result.userId });
    }
    return out;
  }

  async sweep(): Promise<PresenceDeparture[]> {
    const now = this.now();
    const candidates: PresenceDeparture[] = [];
    for (const [room, slots] of this.#rooms) {
      for (const [connection, slot] of slots) {
        if (slot.expiresAt > now) continue;
        this.#delete(room, connection);
        candidates.push({ room, userId: slot.entry.user_id });
      }
    }
    const seen = new Set<string>();
    return candidates.filter(({ room, userId }) => {
      const key = `${room}\n${userId}`;
      if (seen.has(key)) return false;
      seen.add(key);
      const slots = this.#rooms.get(room);
      return !slots || !this.#hasLive(slots, userId, null);
    });
  }

  async setStatus(userId: string, status: PresenceStatus): Promise<RoomPresence[]> {
    const out: RoomPresence[] = [];
    for (const [room, slots] of this.#rooms) {
      let changed = false;
      for (const slot of this.#live(slots)) {
        if (slot.entry.user_id !== userId || slot.entry.status === status) continue;
        slot.entry = { ...slot.entry, status };
        changed = true;
      }
      const entry = changed ? this.#merged(slots, userId) : null;
      if (entry) out.push({ room, entry });
    }
    return out;
  }

  async close(): Promise<void> {
    this.#rooms.clear();
    this.#byConnection.clear();
  }

  *#live(slots: Map<ConnectionKey, Slot>): Iterable<Slot> {
    const now = this.now();
    for (const slot of slots.values()) if (slot.expiresAt > now) yield slot;
  }

  #hasLive(slots: Map<ConnectionKey, Slot>, userId: string, except: ConnectionKey | null): boolean {
    const now = this.now();
    for (const [connection, slot] of slots) {
      if (connection !== except && slot.entry.user_id === userId && slot.expiresAt > now) return true;
    }
    return false;
  }

  #merged(slots: Map<ConnectionKey, Slot>, userId: string): PresenceEntry | null {
    let best: Slot | null = null;
    for (const slot of this.#live(slots)) {
      if (slot.entry.user_id === userId && (!best || slot.order > best.order)) best = slot;
    }
    return best?.entry ?? null;
  }

  #delete(room: string, connection: ConnectionKey): void {
    const slots = this.#rooms.get(room);
    slots?.delete(connection);
    if (slots && slots.size === 0) this.#rooms.delete(room);
    const rooms = this.#byConnection.get(connection);
    rooms?.delete(room);
    if (rooms && rooms.size === 0) this.#byConnection.delete(connection);
  }
}
