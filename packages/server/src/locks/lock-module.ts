import type { LockStore } from '../backends/lock-store.ts';
import type { AppContext } from '../context.ts';
import type { Caller, GatewayApi } from '../gateway-api.ts';
import type { Access } from '../workspaces/access.ts';
import { liveCellEditHandler } from './live-cell-edit.ts';
import { LockService } from './lock-service.ts';

/**
 * Wires cell and row locks into the realtime gateway: the `cell_lock`, `cell_unlock` and
 * `cell_edit` messages, `lock_state` for new subscribers of a `table:` room, lease renewal on the
 * keep-alive tick and release when the holder's connection closes. Returns the service, which is
 * also the `CellLockGuard` record writes ask.
 */
export function installLocks(ctx: AppContext, access: Access, store: LockStore, gateway: GatewayApi): LockService {
  const { lockTtlMs } = ctx.config;
  const locks = new LockService(store, access, gateway.signals, lockTtlMs);
  // Only connections that asked for a lock can hold leases to release when they close.
  const takers = new WeakSet<Caller>();

  gateway.registerHandler('cell_lock', async (message, { caller }) => {
    takers.add(caller);
    return { lock: await locks.lock(caller, message.record_id, message.field_id ?? null, message.force ?? false) };
  });
  gateway.registerHandler('cell_unlock', async (message, { caller }) => ({
    released: await locks.unlock(caller, message.record_id, message.field_id ?? null, message.force ?? false),
  }));
  gateway.registerHandler('cell_edit', liveCellEditHandler(access));
  gateway.registerRoomState('table', async (tableId, room) => ({ type: 'lock_state', room, locks: await locks.ofTable(tableId) }));
  gateway.onConnectionClosed(async (caller) => {
    if (takers.has(caller)) await locks.disconnected(caller);
  });
  // Leases must be renewed well inside their TTL.
  gateway.onKeepAlive(
    async (callers) => {
      await locks.refresh(callers);
      await locks.sweep();
    },
    Math.floor(lockTtlMs / 3),
  );
  return locks;
}
