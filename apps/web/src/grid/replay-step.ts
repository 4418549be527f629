import type { RecordConflict } from '@tandem/client';
import type { TableRecord } from '../api/types.ts';
import { conflictsOf, createRecords, deleteRecordAt, updateRecords } from './batch-writes.ts';
import type { RecordRemoval, RecordUpdate, UndoPlan } from './undo-plan.ts';

/** How replaying an undo step ended. */
export type ReplayOutcome =
  /**
   * Written: `updated` the records as stored, `remap` the new id of every record created again,
   * `kept` how many records were not deleted because they changed meanwhile.
   */
  | { readonly status: 'done'; readonly updated: readonly TableRecord[]; readonly remap: ReadonlyMap<string, string>; readonly kept: number }
  /** The server refused it because someone changed those cells first; nothing was written. */
  | { readonly status: 'conflict'; readonly conflicts: readonly RecordConflict[] };

/** The requests a replay is sent with (the batch records API; tests pass fakes). */
export interface ReplayRequests {
  readonly update: (tableId: string, updates: readonly RecordUpdate[]) => Promise<TableRecord[]>;
  readonly create: (tableId: string, values: readonly Readonly<Record<string, unknown>>[]) => Promise<TableRecord[]>;
  readonly remove: (removal: RecordRemoval) => Promise<'deleted' | 'conflict'>;
}

const API_REQUESTS: ReplayRequests = { update: updateRecords, create: createRecords, remove: (r) => deleteRecordAt(r.id, r.version) };

/**
 * Writes an undo plan: its cell values as one batch update (each record based on the version the
 * grid showed, so a cell changed in between is refused by the server too), the records to create
 * again as one batch create, and the records to delete one by one, each only at its version.
 */
export async function replayPlan(tableId: string, plan: UndoPlan, requests: ReplayRequests = API_REQUESTS): Promise<ReplayOutcome> {
  let updated: TableRecord[] = [];
  if (plan.updates.length > 0) {
    try {
      updated = await requests.update(tableId, plan.updates);
    } catch (err) {
      const conflicts = conflictsOf(err, plan.updates);
      if (conflicts.length > 0) return { status: 'conflict', conflicts };
      throw err;
    }
  }
  const remap = new Map<string, string>();
  if (plan.recreate.length > 0) {
    const created = await requests.create(
      tableId,
      plan.recreate.map((r) => r.values),
    );
    for (const [i, snapshot] of plan.recreate.entries()) {
      const id = created[i]?.id;
      if (id) remap.set(snapshot.id, id);
    }
  }
  let kept = 0;
  for (const removal of plan.remove) if ((await requests.remove(removal)) === 'conflict') kept += 1;
  return { status: 'done', updated, remap, kept };
}
