import { parseRoom, type RoomKind, type ServerSignal } from '@tandem/protocol';
import type { RoomStateProvider } from '../gateway-api.ts';
import type { Connection } from './connection.ts';
import { Frame } from './frame.ts';
import type { PresenceService } from './presence-service.ts';

/**
 * Sends a new subscriber the room's `presence_state` and then the state signals domains
 * registered for its kind (e.g. `lock_state` for a `table:` room).
 *
 * Subscribers of one room that join in the same turn of the event loop share one read of the
 * presence store (and of each registered state) and one serialisation of each frame: after a reconnect storm thousands
 * of subscribers cost a few store reads (round trips to Redis in a cluster), not thousands. The
 * read starts after every subscriber it answers was registered, so a `user_joined` or
 * `cell_lock` published before the read reaches them live, and one published after it is in the
 * state they get: nothing falls between the two.
 */
export class RoomStateSender {
  /** Room → connections waiting for its state (once per subscribe, as without batching). */
  readonly #waiting = new Map<string, Connection[]>();

  constructor(
    private readonly presence: PresenceService,
    /** State providers by room kind (the gateway's registry; read at each send, so later registrations count). */
    private readonly states: ReadonlyMap<RoomKind, RoomStateProvider>,
    private readonly onError: (err: unknown, room: string) => void,
  ) {}

  /** Sends the room's state to `conn` once the current turn of the event loop is over. */
  send(conn: Connection, room: string): void {
    const waiting = this.#waiting.get(room);
    if (waiting) {
      waiting.push(conn);
      return;
    }
    this.#waiting.set(room, [conn]);
    setImmediate(() => void this.#flush(room));
  }

  async #flush(room: string): Promise<void> {
    const waiting = this.#waiting.get(room) ?? [];
    this.#waiting.delete(room);
    try {
      const users = await this.presence.list(room);
      this.#deliver(waiting, room, { type: 'presence_state', room, users });
      const ref = parseRoom(room);
      const state = ref?.id ? this.states.get(ref.kind) : undefined;
      if (ref?.id && state) this.#deliver(waiting, room, await state(ref.id, room));
    } catch (err) {
      this.onError(err, room);
    }
  }

  #deliver(conns: readonly Connection[], room: string, signal: ServerSignal): void {
    const frame = Frame.of(signal);
    // Whoever left the room (or closed) while the state was read no longer wants it.
    for (const conn of conns) if (!conn.closed && conn.subscriptions.has(room)) conn.transport.sendSignal(frame, signal.type);
  }
}
