import type { RoomSignal } from './room-events.ts';

/** Another user's cursor in a room, as last relayed. */
export interface RemoteCursor {
  readonly user_id: string;
  readonly name: string;
  readonly color: string;
  /** Whatever the app sent with `moveCursor` (a cell, coordinates, a selection). */
  readonly position: unknown;
}

/**
 * Other users' cursors in a room, kept from `user_cursor` signals; a user's cursor goes when
 * they leave. The snapshot map is replaced on every change (safe for `useSyncExternalStore`).
 */
export class CursorMap {
  #cursors: ReadonlyMap<string, RemoteCursor> = new Map();

  /** Cursors by user id. */
  get all(): ReadonlyMap<string, RemoteCursor> {
    return this.#cursors;
  }

  /** Applies a signal; returns true when the map changed. */
  apply(signal: RoomSignal): boolean {
    if (signal.type === 'user_cursor') {
      const next = new Map(this.#cursors);
      next.set(signal.user_id, { user_id: signal.user_id, name: signal.name, color: signal.color, position: signal.position });
      this.#cursors = next;
      return true;
    }
    if (signal.type === 'user_left' && this.#cursors.has(signal.user_id)) {
      const next = new Map(this.#cursors);
      next.delete(signal.user_id);
      this.#cursors = next;
      return true;
    }
    return false;
  }

  /** Forgets every cursor (the room was left or the link dropped). */
  clear(): boolean {
    if (this.#cursors.size === 0) return false;
    this.#cursors = new Map();
    return true;
  }
}
