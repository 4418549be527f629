import { parseRoom } from '@tandem/protocol';
import type { AuthInfo } from '../auth/auth-service.ts';
import type { Queryable } from '../db/database.ts';
import { errors } from '../errors/app-error.ts';
import type { RoomSignals } from '../gateway-api.ts';
import { requireRoom } from './chat-room-access.ts';

/** Least time between two relayed typing signals of one user in one room (more are dropped). */
export const TYPING_SIGNAL_MS = 1_000;

/** Most (user, room) pairs remembered for throttling; the oldest are forgotten first. */
const MAX_TRACKED = 10_000;

/**
 * `POST /chat/typing`, for clients without a WebSocket: the same ephemeral `typing` signal the
 * WebSocket's `typing` message relays, published to the room on every node, never stored, at
 * most once per {@link TYPING_SIGNAL_MS} per user and room.
 */
export class ChatTypingSignal {
  readonly #last = new Map<string, number>();

  constructor(
    private readonly db: Queryable,
    private readonly signals: RoomSignals,
    private readonly now: () => number = Date.now,
  ) {}

  /** Relays that the caller types in `room` (`chat:{id}`), in a thread when given; false when the throttle dropped it. */
  async signal(auth: AuthInfo, room: string, threadId?: string): Promise<boolean> {
    const ref = parseRoom(room);
    if (ref?.kind !== 'chat' || !ref.id) throw errors.invalid('Typing goes to a chat room (chat:{id}).', { field: 'room' });
    await requireRoom(this.db, auth.user.id, ref.id);
    const key = `${auth.user.id}/${room}/${threadId ?? ''}`;
    const at = this.now();
    const last = this.#last.get(key);
    if (last !== undefined && at - last < TYPING_SIGNAL_MS) return false;
    this.#last.delete(key);
    this.#last.set(key, at);
    if (this.#last.size > MAX_TRACKED) this.#last.delete(this.#last.keys().next().value as string);
    await this.signals.publish(room, { type: 'typing', room, user_id: auth.user.id, name: auth.user.name, ...(threadId ? { thread_id: threadId } : {}) });
    return true;
  }
}
