import type { ServerSignal } from '@tandem/protocol';
import type { Caller, RoomSignals } from '../gateway-api.ts';

/** Minimum spacing of relayed cursor moves and live edits per connection and target (trailing: the last one is always sent). */
export const CURSOR_THROTTLE_MS = 50;

interface Slot {
  timer: NodeJS.Timeout | null;
  last: number;
  next: (() => Promise<void>) | null;
}

/**
 * Relays ephemeral signals to a room except their sender, throttled per connection and key so
 * one client cannot flood a room: {@link latest} keeps only the newest value per
 * {@link CURSOR_THROTTLE_MS}; {@link atMost} drops what comes sooner than its interval.
 */
export class SignalRelay {
  readonly #slots = new Map<Caller, Map<string, Slot>>();

  constructor(private readonly signals: RoomSignals) {}

  /** Relays `signal` to `room`, at most one per {@link CURSOR_THROTTLE_MS} per caller and key, the newest winning. */
  latest(caller: Caller, key: string, room: string, signal: ServerSignal): void {
    const send = () => this.signals.publish(room, signal, caller.id);
    const slot = this.#slot(caller, key);
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
        if (next && !caller.closed) void next().catch(() => undefined);
      },
      Math.max(wait, 0),
    );
  }

  /** Relays `signal` to `room` unless this caller relayed under `key` less than `intervalMs` ago; false when dropped. */
  atMost(caller: Caller, key: string, room: string, signal: ServerSignal, intervalMs: number): boolean {
    const slot = this.#slot(caller, key);
    const now = Date.now();
    if (now - slot.last < intervalMs) return false;
    slot.last = now;
    void this.signals.publish(room, signal, caller.id).catch(() => undefined);
    return true;
  }

  /** Drops pending relays of a closed connection. */
  forget(caller: Caller): void {
    for (const slot of this.#slots.get(caller)?.values() ?? []) if (slot.timer) clearTimeout(slot.timer);
    this.#slots.delete(caller);
  }

  #slot(caller: Caller, key: string): Slot {
    let slots = this.#slots.get(caller);
    if (!slots) {
      slots = new Map();
      this.#slots.set(caller, slots);
    }
    let slot = slots.get(key);
    if (!slot) {
      slot = { timer: null, last: 0, next: null };
      slots.set(key, slot);
    }
    return slot;
  }
}
