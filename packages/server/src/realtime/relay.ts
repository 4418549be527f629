import { roleAtLeast, roomName, type ServerSignal } from '@tandem/protocol';
import { errors } from '../http/app-error.ts';
import type { Access } from '../workspaces/access.ts';
import type { Connection } from './connection.ts';
import type { SignalPublisher } from './signal-publisher.ts';

/** Minimum spacing of relayed cursor moves and live edits per connection and target (trailing: the last one is always sent). */
export const CURSOR_THROTTLE_MS = 50;
/** Minimum spacing of `typing` signals per connection and room (extra ones are dropped). */
export const TYPING_THROTTLE_MS = 1000;

interface Slot {
  timer: NodeJS.Timeout | null;
  last: number;
  next: (() => Promise<void>) | null;
}

/**
 * Relays ephemeral signals (`user_cursor`, `cell_edit`, `typing`) to a room except the sender,
 * throttled per connection so one client cannot flood a room: cursor moves and edits keep only
 * the newest value per {@link CURSOR_THROTTLE_MS}; `typing` goes at most once per {@link TYPING_THROTTLE_MS}.
 */
export class Relay {
  readonly #slots = new Map<Connection, Map<string, Slot>>();

  constructor(
    private readonly access: Access,
    private readonly signals: SignalPublisher,
  ) {}

  /** Relays a cursor position to `room`. */
  cursor(conn: Connection, room: string, position: unknown): void {
    const { user } = conn.auth;
    const signal: ServerSignal = { type: 'user_cursor', room, user_id: user.id, name: user.name, color: user.color, position };
    this.#trailing(conn, `cursor:${room}`, () => this.signals.publish(room, signal, conn.id));
  }

  /** Relays a live preview of a cell value to the record's table room. */
  async cellEdit(conn: Connection, recordId: string, fieldId: string, value: unknown): Promise<void> {
    const scope = await this.access.scopeOf(conn.userId, 'record', recordId);
    if (!scope?.tableId) throw errors.notFound('Record');
    if (!roleAtLeast(scope.role, 'editor')) throw errors.forbidden(`Your role (${scope.role}) cannot edit records.`);
    const room = roomName('table', scope.tableId);
    const signal: ServerSignal = { type: 'cell_edit', room, record_id: recordId, field_id: fieldId, user_id: conn.userId, value };
    this.#trailing(conn, `edit:${recordId}:${fieldId}`, () => this.signals.publish(room, signal, conn.id));
  }

  /** Relays a typing indicator to `room`; returns false when dropped by the throttle. */
  typing(conn: Connection, room: string): boolean {
    const slot = this.#slot(conn, `typing:${room}`);
    const now = Date.now();
    if (now - slot.last < TYPING_THROTTLE_MS) return false;
    slot.last = now;
    void this.signals.publish(room, { type: 'typing', room, user_id: conn.userId, name: conn.auth.user.name }, conn.id).catch(() => undefined);
    return true;
  }

  /** Drops pending relays of a closed connection. */
  forget(conn: Connection): void {
    for (const slot of this.#slots.get(conn)?.values() ?? []) if (slot.timer) clearTimeout(slot.timer);
    this.#slots.delete(conn);
  }

  #slot(conn: Connection, key: string): Slot {
    let slots = this.#slots.get(conn);
    if (!slots) {
      slots = new Map();
      this.#slots.set(conn, slots);
    }
    let slot = slots.get(key);
    if (!slot) {
      slot = { timer: null, last: 0, next: null };
      slots.set(key, slot);
    }
    return slot;
  }

  #trailing(conn: Connection, key: string, send: () => Promise<void>): void {
    const slot = this.#slot(conn, key);
    const wait = slot.last + CURSOR_THROTTLE_MS - Date.now();
    if (wait <= 0 && !slot.timer) {
      slot.last = Date.now();
      void send().catch(() => undefined);
      return;
    }
    slot.next = send;
    if (slot.timer) return;
    slot.timer = setTimeout(
      () => {
        slot.timer = null;
        slot.last = Date.now();
        const next = slot.next;
        slot.next = null;
        if (next && !conn.closed) void next().catch(() => undefined);
      },
      Math.max(wait, 0),
    );
  }
}
