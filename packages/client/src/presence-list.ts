import type { PresenceEntry } from '@tandem/protocol';
import type { RoomSignal } from './room-events.ts';

/**
 * A room's presence list, kept from `presence_state` (full list after subscribing), `user_joined`,
 * `presence_update` and `user_left`. The snapshot array is replaced only when something changed,
 * so it can back `useSyncExternalStore` directly.
 */
export class PresenceList {
  #byUser = new Map<string, PresenceEntry>();
  #snapshot: readonly PresenceEntry[] = [];

  /** Everyone in the room, one entry per user, in arrival order. */
  get users(): readonly PresenceEntry[] {
    return this.#snapshot;
  }

  /** Applies a signal; returns true when the list changed. */
  apply(signal: RoomSignal): boolean {
    switch (signal.type) {
      case 'presence_state':
        this.#byUser = new Map(signal.users.map((user) => [user.user_id, user]));
        break;
      case 'user_joined':
      case 'presence_update':
        this.#byUser.set(signal.user.user_id, signal.user);
        break;
      case 'user_left':
        if (!this.#byUser.delete(signal.user_id)) return false;
        break;
      default:
        return false;
    }
    this.#snapshot = [...this.#byUser.values()];
    return true;
  }

  /** Forgets everyone (the room was left). */
  clear(): boolean {
    if (this.#byUser.size === 0) return false;
    this.#byUser.clear();
    this.#snapshot = [];
    return true;
  }
}
