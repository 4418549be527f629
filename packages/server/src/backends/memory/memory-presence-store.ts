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
 * The rooms a connection holds an entry in, flat: `[room, userId, room, userId, …]`. A
 * connection is in one or two rooms (every one is in the online room), where a Map per
 * connection would cost several times the memory. Replaced (`concat`, `slice`) rather than
 * grown in place or spread, which leave spare capacity behind.
 */
type HeldRooms = readonly string[];

/** Index of `room` in `held`, or -1. */
function roomIndex(held: HeldRooms, room: string): number {
  for (let i = 0; i < held.length; i += 2) if (held[i] === room) return i;
  return -1;
}

/** The user whose entry the connection holds in `room`. */
function heldUser(held: HeldRooms | undefined, room: string): string | undefined {
  if (!held) return undefined;
  const i = roomIndex(held, room);
  return i < 0 ? undefined : held[i + 1];
}

/**
 * The in-process presence store: one node, entries in maps, expiry checked on read. Slots are
 * indexed by room and then by user, so a join or leave looks only at that user's own
 * connections: a node filling up with thousands of connections in one room stays linear.
 */
export class MemoryPresenceStore implements PresenceStore {
  /** room → user → connection → slot */
  readonly #rooms = new Map<string, Map<string, UserSlots>>();
  /** connection → rooms it holds an entry in, each with the user of that entry */
  readonly #byConnection = new Map<ConnectionKey, HeldRooms>();
  #order = 0;

  /** @param now clock in ms, injectable so expiry can be tested without waiting. Default `Date.now`. */
  constructor(private readonly now: () => number = Date.now) {}

  async upsert(room: string, connection: ConnectionKey, entry: PresenceEntry, ttlMs: number): Promise<UpsertResult> {
    const previousUser = heldUser(this.#byConnection.get(connection), room);
    if (previousUser !== undefined && previousUser !== entry.user_id) this.#delete(room, connection);
    const users = this.#rooms.get(room) ?? new Map<string, UserSlots>();
    this.#rooms.set(room, users);
    const slots = users.get(entry.user_id) ?? new Map<ConnectionKey, Slot>();
    users.set(entry.user_id, slots);
    const joined = !this.#hasLive(slots);
    this.#order += 1;
    slots.set(connection, { entry, expiresAt: this.now() + ttlMs, order: this.#order });
    this.#hold(connection, room, entry.user_id);
    // The newest live slot wins, and that is this one: no need to look at the user's other
    // connections (thousands of them right after a reconnect storm, in the online room).
    return { joined, entry: ttlMs > 0 ? entry : (this.#merged(slots) ?? entry) };
  }

  async remove(room: string, connection: ConnectionKey): Promise<RemoveResult> {
    const userId = heldUser(this.#byConnection.get(connection), room);
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
    const held = this.#byConnection.get(connection) ?? [];
    for (let i = 0; i < held.length; i += 2) {
      const room = held[i] as string;
      const userId = held[i + 1] as string;
      const slot = this.#rooms.get(room)?.get(userId)?.get(connection);
      if (slot && slot.expiresAt > now) slot.expiresAt = now + ttlMs;
    }
  }

  async removeConnection(connection: ConnectionKey): Promise<PresenceDeparture[]> {
    const out: PresenceDeparture[] = [];
    const held = this.#byConnection.get(connection) ?? [];
    for (let i = 0; i < held.length; i += 2) {
      const room = held[i] as string;
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

  /** Notes that `connection` holds `userId`'s entry in `room`. */
  #hold(connection: ConnectionKey, room: string, userId: string): void {
    const held = this.#byConnection.get(connection);
    if (!held) {
      this.#byConnection.set(connection, [room, userId]);
      return;
    }
    const i = roomIndex(held, room);
    if (i < 0) this.#byConnection.set(connection, held.concat(room, userId));
    else if (held[i + 1] !== userId)
      this.#byConnection.set(
        connection,
        held.map((v, j) => (j === i + 1 ? userId : v)),
      );
  }

  #delete(room: string, connection: ConnectionKey): void {
    const held = this.#byConnection.get(connection);
    const i = held ? roomIndex(held, room) : -1;
    if (!held || i < 0) return;
    const userId = held[i + 1] as string;
    if (held.length === 2) this.#byConnection.delete(connection);
    else this.#byConnection.set(connection, held.slice(0, i).concat(held.slice(i + 2)));
    const users = this.#rooms.get(room);
    const slots = users?.get(userId);
    slots?.delete(connection);
    if (slots?.size === 0) users?.delete(userId);
    if (users?.size === 0) this.#rooms.delete(room);
  }
}
