import type { AcquireResult, Lease, LockRequest, LockStore } from '../lock-store.ts';
import { lockKey } from '../lock-store.ts';
import type { ConnectionKey } from '../presence-store.ts';

interface Slot {
  lease: Lease;
  expiresAt: number;
}

/** The in-process lock store: one node, leases in a map, expiry checked on read. */
export class MemoryLockStore implements LockStore {
  /** lockKey → slot */
  readonly #slots = new Map<string, Slot>();

  /** @param now clock in ms, injectable so expiry can be tested without waiting. Default `Date.now`. */
  constructor(private readonly now: () => number = Date.now) {}

  async acquire(request: LockRequest): Promise<AcquireResult> {
    const { record_id, field_id, holder, ttlMs } = request;
    const conflicts = this.#liveOfRecord(record_id).filter(
      (s) => s.lease.user_id !== holder.user_id && (field_id === null || s.lease.field_id === null || s.lease.field_id === field_id),
    );
    if (conflicts.length > 0 && !request.force) return { ok: false, holder: (conflicts[0] as Slot).lease };
    for (const slot of conflicts) this.#slots.delete(lockKey(slot.lease.record_id, slot.lease.field_id));
    const key = lockKey(record_id, field_id);
    const existing = this.#live(key);
    const expiresAt = this.now() + ttlMs;
    const lease: Lease = {
      record_id,
      field_id,
      table_id: request.table_id,
      user_id: holder.user_id,
      name: holder.name,
      color: holder.color,
      connection: holder.connection,
      expires_at: new Date(expiresAt).toISOString(),
    };
    this.#slots.set(key, { lease, expiresAt });
    return { ok: true, lease, renewed: existing !== null, replaced: conflicts.map((s) => s.lease) };
  }

  async release(recordId: string, fieldId: string | null, userId: string | null): Promise<Lease | null> {
    const key = lockKey(recordId, fieldId);
    const slot = this.#live(key);
    if (!slot || (userId !== null && slot.lease.user_id !== userId)) return null;
    this.#slots.delete(key);
    return slot.lease;
  }

  async get(recordId: string, fieldId: string | null): Promise<Lease | null> {
    return this.#live(lockKey(recordId, fieldId))?.lease ?? null;
  }

  async listByRecord(recordId: string): Promise<Lease[]> {
    return this.#liveOfRecord(recordId).map((s) => s.lease);
  }

  async listByTable(tableId: string): Promise<Lease[]> {
    const now = this.now();
    return [...this.#slots.values()].filter((s) => s.expiresAt > now && s.lease.table_id === tableId).map((s) => s.lease);
  }

  async refreshConnection(connection: ConnectionKey, ttlMs: number): Promise<void> {
    const now = this.now();
    for (const slot of this.#slots.values()) {
      if (slot.lease.connection !== connection || slot.expiresAt <= now) continue;
      slot.expiresAt = now + ttlMs;
      slot.lease = { ...slot.lease, expires_at: new Date(slot.expiresAt).toISOString() };
    }
  }

  async releaseConnection(connection: ConnectionKey): Promise<Lease[]> {
    const out: Lease[] = [];
    for (const [key, slot] of this.#slots) {
      if (slot.lease.connection !== connection) continue;
      this.#slots.delete(key);
      out.push(slot.lease);
    }
    return out;
  }

  async sweep(): Promise<Lease[]> {
    const now = this.now();
    const out: Lease[] = [];
    for (const [key, slot] of this.#slots) {
      if (slot.expiresAt > now) continue;
      this.#slots.delete(key);
      out.push(slot.lease);
    }
    return out;
  }

  async close(): Promise<void> {
    this.#slots.clear();
  }

  #live(key: string): Slot | null {
    const slot = this.#slots.get(key);
    return slot && slot.expiresAt > this.now() ? slot : null;
  }

  #liveOfRecord(recordId: string): Slot[] {
    const now = this.now();
    const prefix = `${recordId}:`;
    const out: Slot[] = [];
    for (const [key, slot] of this.#slots) if (key.startsWith(prefix) && slot.expiresAt > now) out.push(slot);
    return out;
  }
}
