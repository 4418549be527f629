import type { LockInfo } from '@tandem/protocol';
import type { ConnectionKey } from './presence-store.ts';

/** Who asks for a lock: the user shown to others and the connection that keeps the lease alive. */
export interface LockHolder {
  readonly user_id: string;
  readonly name: string;
  readonly color: string;
  readonly connection: ConnectionKey;
}

/** A held lease: the wire {@link LockInfo} plus what the stores and the gateway need. */
export interface Lease extends LockInfo {
  /** Table of the record, so a table room can list its locks. */
  readonly table_id: string;
  /** Connection whose heartbeat keeps the lease alive. */
  readonly connection: ConnectionKey;
}

/** What {@link LockStore.acquire} asks for. */
export interface LockRequest {
  readonly table_id: string;
  readonly record_id: string;
  /** A field for a cell lock; null for a row lock (the whole record). */
  readonly field_id: string | null;
  readonly holder: LockHolder;
  readonly ttlMs: number;
  /** Break any conflicting lease of another user (admins). */
  readonly force?: boolean;
}

/** Result of {@link LockStore.acquire}. */
export type AcquireResult =
  /** Granted (new or renewed); `replaced` lists the other users' leases a forced acquire broke. */
  | { readonly ok: true; readonly lease: Lease; readonly renewed: boolean; readonly replaced: readonly Lease[] }
  /** Refused: another user's live lease conflicts; `holder` is the first of them. */
  | { readonly ok: false; readonly holder: Lease };

/** The storage key of a lease: `{record_id}:{field_id}` for a cell, `{record_id}:*` for a row. */
export function lockKey(recordId: string, fieldId: string | null): string {
  return `${recordId}:${fieldId ?? '*'}`;
}

/**
 * Cell and row leases shared by every node.
 *
 * A lease is keyed by {@link lockKey}. A row lease (`field_id` null) conflicts with every cell
 * lease on the same record and the other way round; two cell leases conflict only on the same
 * field. Leases of the same user never conflict with each other.
 *
 * Contract (checked by `lockStoreConformance` in test/backends):
 * - `acquire` grants the lease when no live lease of another user conflicts; when the same user
 *   already holds that key it is renewed (`renewed: true`, `expires_at` pushed to now + `ttlMs`,
 *   connection updated to the caller's). Otherwise it refuses naming a conflicting holder, unless
 *   `force` is set: then every conflicting lease of other users is deleted and returned in
 *   `replaced`. Check-and-set is atomic: of two concurrent acquires of the same key by different
 *   users exactly one wins.
 * - `release(record, field, userId)` deletes the lease only when `userId` holds it; with
 *   `userId` null (forced) it deletes whoever holds it. It returns the deleted lease or null.
 * - `get`, `listByRecord`, `listByTable` never return expired leases.
 * - `refreshConnection` pushes every live lease of that connection to now + `ttlMs`; an expired
 *   lease is not resurrected.
 * - `releaseConnection` deletes every lease of the connection (live or expired but not yet swept)
 *   and returns them.
 * - `sweep` deletes expired leases and returns them, each by at most one call cluster-wide (so
 *   the caller may announce `cell_unlock`).
 * - All methods are safe to call concurrently from many nodes.
 */
export interface LockStore {
  /** Takes, renews or (with `force`) breaks-and-takes a lease. */
  acquire(request: LockRequest): Promise<AcquireResult>;
  /** Releases a lease held by `userId`, or whoever holds it when `userId` is null. */
  release(recordId: string, fieldId: string | null, userId: string | null): Promise<Lease | null>;
  /** The live lease on exactly this key, if any. */
  get(recordId: string, fieldId: string | null): Promise<Lease | null>;
  /** Live leases on a record (row and cells). */
  listByRecord(recordId: string): Promise<Lease[]>;
  /** Live leases on records of a table. */
  listByTable(tableId: string): Promise<Lease[]>;
  /** Extends every live lease of `connection` to now + `ttlMs` (the holder's heartbeat). */
  refreshConnection(connection: ConnectionKey, ttlMs: number): Promise<void>;
  /** Releases every lease of `connection` (it disconnected); returns them. */
  releaseConnection(connection: ConnectionKey): Promise<Lease[]>;
  /** Deletes expired leases and returns them, each once cluster-wide. */
  sweep(): Promise<Lease[]>;
  /** Releases resources. Leases in a shared store are left to expire. */
  close(): Promise<void>;
}
