import type { LockInfo } from '@tandem/protocol';

/**
 * What the record write path needs from cell locks: refuse a write to a cell another user holds
 * (`423 locked`), and release the writer's own locks on the cells they just wrote.
 * `LockService` implements it over the lock store; `RecordService` gets it in its constructor.
 */
export interface CellLockGuard {
  /** The first lock on `recordId` (row lock, or a lock on one of `fieldIds`) held by someone other than `userId`. */
  blockingLock(recordId: string, fieldIds: readonly string[], userId: string): Promise<LockInfo | null>;
  /** Releases `userId`'s locks on these cells (called after their write commits; an unreachable lock store does not make it fail). */
  releaseAfterWrite(recordId: string, fieldIds: readonly string[], userId: string): Promise<void>;
}
