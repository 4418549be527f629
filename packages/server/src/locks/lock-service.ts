import { type LockInfo, roleAtLeast, roomName } from '@tandem/protocol';
import { inBatches } from '../backends/in-batches.ts';
import type { Lease, LockStore } from '../backends/lock-store.ts';
import { AppError, errors } from '../errors/app-error.ts';
import type { Caller, RoomSignals } from '../gateway-api.ts';
import type { Access } from '../workspaces/access.ts';
import type { CellLockGuard } from './cell-lock-guard.ts';

/** The wire shape of a lease (what other users see). */
export function lockInfo(lease: Lease): LockInfo {
  return { record_id: lease.record_id, field_id: lease.field_id, user_id: lease.user_id, name: lease.name, color: lease.color, expires_at: lease.expires_at };
}

/**
 * Cell and row locks over the shared {@link LockStore}: authorises `cell_lock`/`cell_unlock`,
 * tells the table room (`cell_lock`/`cell_unlock` signals through the gateway's {@link RoomSignals}),
 * keeps leases alive while the holder is connected, and is the {@link CellLockGuard} the record
 * write path asks before writing.
 */
export class LockService implements CellLockGuard {
  constructor(
    private readonly store: LockStore,
    private readonly access: Access,
    private readonly signals: RoomSignals,
    private readonly ttlMs: number,
  ) {}

  /** Takes (or renews) a lease for the connection's user; `locked` naming the holder when taken. */
  async lock(conn: Caller, recordId: string, fieldId: string | null, force: boolean): Promise<LockInfo> {
    const scope = await this.access.scopeOf(conn.userId, 'record', recordId);
    if (!scope?.tableId) throw errors.notFound('Record');
    if (!roleAtLeast(scope.role, 'editor')) throw errors.forbidden(`Your role (${scope.role}) cannot edit records.`);
    if (force && !roleAtLeast(scope.role, 'admin')) throw errors.forbidden('Only admins can break a lock.');
    const { user } = conn.auth;
    const result = await this.store.acquire({
      table_id: scope.tableId,
      record_id: recordId,
      field_id: fieldId,
      holder: { user_id: user.id, name: user.name, color: user.color, connection: conn.key },
      ttlMs: this.ttlMs,
      force,
    });
    if (!result.ok) {
      const holder = lockInfo(result.holder);
      throw errors.locked(`${holder.name} is editing this ${holder.field_id ? 'cell' : 'row'}.`, { holder });
    }
    for (const broken of result.replaced) await this.#announceUnlock(broken);
    const info = lockInfo(result.lease);
    if (!result.renewed)
      await this.signals.publish(roomName('table', scope.tableId), { type: 'cell_lock', room: roomName('table', scope.tableId), lock: info });
    return info;
  }

  /** Releases the user's lease; admins may release anyone's with `force`. Returns whether one was released. */
  async unlock(conn: Caller, recordId: string, fieldId: string | null, force: boolean): Promise<boolean> {
    let byUser: string | null = conn.userId;
    if (force) {
      const scope = await this.access.scopeOf(conn.userId, 'record', recordId);
      if (!scope) throw errors.notFound('Record');
      if (!roleAtLeast(scope.role, 'admin')) throw errors.forbidden('Only admins can break a lock.');
      byUser = null;
    }
    const lease = await this.store.release(recordId, fieldId, byUser);
    if (lease) await this.#announceUnlock(lease);
    return lease !== null;
  }

  /** Current locks of a table, for a new subscriber of its room. */
  async ofTable(tableId: string): Promise<LockInfo[]> {
    return (await this.store.listByTable(tableId)).map(lockInfo);
  }

  /** Keeps the leases of open connections alive (heartbeat tick). */
  async refresh(connections: Iterable<Caller>): Promise<void> {
    await inBatches(connections, (conn) => this.store.refreshConnection(conn.key, this.ttlMs));
  }

  /** The connection closed: its leases go at once. */
  async disconnected(conn: Caller): Promise<void> {
    for (const lease of await this.store.releaseConnection(conn.key)) await this.#announceUnlock(lease);
  }

  /** Removes leases whose holder's node stopped renewing them. */
  async sweep(): Promise<void> {
    for (const lease of await this.store.sweep()) await this.#announceUnlock(lease);
  }

  /** The first lease on the record (row, or one of `fieldIds`) held by someone other than `userId` (see {@link CellLockGuard}). */
  async blockingLock(recordId: string, fieldIds: readonly string[], userId: string): Promise<LockInfo | null> {
    const leases = await this.store.listByRecord(recordId);
    const blocking = leases.find((l) => l.user_id !== userId && (l.field_id === null || fieldIds.includes(l.field_id)));
    return blocking ? lockInfo(blocking) : null;
  }

  /**
   * Releases `userId`'s leases on these cells once their write committed, telling the table room.
   * The write stands whatever happens here: when the lock store is unreachable the leases are left
   * to run out by their TTL rather than turn a committed write into a failed answer.
   */
  async releaseAfterWrite(recordId: string, fieldIds: readonly string[], userId: string): Promise<void> {
    try {
      for (const fieldId of fieldIds) {
        const lease = await this.store.release(recordId, fieldId, userId);
        if (lease) await this.#announceUnlock(lease);
      }
    } catch (err) {
      if (!(err instanceof AppError && err.code === 'unavailable')) throw err;
    }
  }

  async #announceUnlock(lease: Lease): Promise<void> {
    const room = roomName('table', lease.table_id);
    await this.signals.publish(room, { type: 'cell_unlock', room, record_id: lease.record_id, field_id: lease.field_id, user_id: lease.user_id });
  }
}
