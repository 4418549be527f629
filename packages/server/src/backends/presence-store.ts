import type { PresenceEntry, PresenceStatus } from '@tandem/protocol';

/**
 * Identifies one client connection across the cluster: `{nodeId}/{connectionId}`.
 * Build it with {@link connectionKey}; stores treat it as an opaque string.
 */
export type ConnectionKey = string;

/** The cluster-wide key of connection `connectionId` on node `nodeId`. */
export function connectionKey(nodeId: string, connectionId: string): ConnectionKey {
  return `${nodeId}/${connectionId}`;
}

/** The node id part of a {@link ConnectionKey}. */
export function nodeOf(key: ConnectionKey): string {
  const i = key.indexOf('/');
  return i < 0 ? key : key.slice(0, i);
}

/** Room name under which every open connection keeps one entry (used for "who is online"). */
export const ONLINE_ROOM = 'online';

/** Result of {@link PresenceStore.upsert}. */
export interface UpsertResult {
  /** True when the user had no live entry in the room before this call (announce `user_joined`). */
  readonly joined: boolean;
  /** The user's merged entry in the room after this call (what `list` would show for them). */
  readonly entry: PresenceEntry;
}

/** Result of {@link PresenceStore.remove}. */
export interface RemoveResult {
  /** The user whose entry was removed, or null when the connection had no entry in the room. */
  readonly userId: string | null;
  /** True when that user has no live entry left in the room (announce `user_left`). */
  readonly left: boolean;
}

/** A (room, user) pair whose user vanished from the room. */
export interface PresenceDeparture {
  readonly room: string;
  readonly userId: string;
}

/** A user's merged entry in one room, as returned by {@link PresenceStore.setStatus}. */
export interface RoomPresence {
  readonly room: string;
  readonly entry: PresenceEntry;
}

/**
 * Who is in which room, shared by every node (in the style of Centrifuge's `PresenceManager`).
 *
 * Data model: per room, one entry per connection ({@link ConnectionKey}); each entry has its own
 * expiry. The owning node keeps its entries alive with {@link refresh} on every heartbeat; a node
 * that dies stops refreshing, its entries expire and some node's {@link sweep} reports the users
 * who thereby left. Readers never see expired entries, whether swept yet or not.
 *
 * Contract (checked by `presenceStoreConformance` in test/backends):
 * - `upsert` creates or replaces the entry of `connection` in `room` and sets its expiry to
 *   now + `ttlMs`; `joined` is true exactly when the user had no live entry in the room before.
 * - `remove` deletes the entry of `connection` in `room`; `left` is true exactly when that user has
 *   no live entry left there. Removing a missing entry returns `{userId: null, left: false}`.
 * - `list` returns one entry per user with at least one live entry, the most recently upserted one
 *   of that user, ordered by `since` (earliest first) then user id.
 * - `refresh` pushes the expiry of every live entry of `connection` (in every room) to now + `ttlMs`;
 *   it never resurrects an expired entry.
 * - `removeConnection` deletes every entry of `connection` and reports each (room, user) pair whose
 *   user has no live entry left in that room.
 * - `sweep` deletes expired entries and returns each (room, user) pair whose user now has no live
 *   entry in that room. Each pair is returned by at most one `sweep` call across all nodes, so
 *   the caller may announce `user_left` for it.
 * - `setStatus` changes `status` in every live entry of the user and returns their merged entry
 *   per room where something changed.
 * - `usersIn(room)` lists the user ids with a live entry in `room` (cheaper than `list`).
 * - All methods are safe to call concurrently from many nodes.
 */
export interface PresenceStore {
  /** Creates or replaces `connection`'s entry in `room`, alive for `ttlMs`. */
  upsert(room: string, connection: ConnectionKey, entry: PresenceEntry, ttlMs: number): Promise<UpsertResult>;
  /** Deletes `connection`'s entry in `room`. */
  remove(room: string, connection: ConnectionKey): Promise<RemoveResult>;
  /** One live entry per user in `room`. */
  list(room: string): Promise<PresenceEntry[]>;
  /** User ids with a live entry in `room`. */
  usersIn(room: string): Promise<string[]>;
  /** Extends every live entry of `connection` to now + `ttlMs` (the owner's heartbeat). */
  refresh(connection: ConnectionKey, ttlMs: number): Promise<void>;
  /** Deletes every entry of `connection`; returns the (room, user) pairs that are now empty. */
  removeConnection(connection: ConnectionKey): Promise<PresenceDeparture[]>;
  /** Deletes expired entries; returns the (room, user) pairs that are now empty, each once cluster-wide. */
  sweep(): Promise<PresenceDeparture[]>;
  /** Sets `status` on every live entry of `userId`; returns the user's merged entry per changed room. */
  setStatus(userId: string, status: PresenceStatus): Promise<RoomPresence[]>;
  /** Releases resources (connections, timers). Entries in a shared store are left to expire. */
  close(): Promise<void>;
}
