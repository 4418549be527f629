import type { RecordConflict } from '@tandem/client';
import type { Field, TableRecord } from '../api/types.ts';

/** One field of a conflict as the dialog shows it. */
export interface ConflictRow {
  readonly field: Field;
  /** The value the user tried to write. */
  readonly mine: unknown;
  /** The value the server holds now (someone else's). */
  readonly theirs: unknown;
}

/** The conflicting fields that still exist, in the order the server named them, with both values. */
export function conflictRows(conflict: RecordConflict, fields: readonly Field[]): ConflictRow[] {
  const byId = new Map(fields.map((f) => [f.id, f]));
  return conflict.fieldIds.flatMap((id) => {
    const field = byId.get(id);
    return field ? [{ field, mine: conflict.mine[id], theirs: conflict.theirs?.values[id] }] : [];
  });
}

/**
 * The write "keep mine" sends: the user's values over the record as it is now (so only a change
 * made after the dialog opened conflicts again); null when the record was deleted meanwhile.
 */
export function keepMineWrite(
  conflict: RecordConflict,
  current: TableRecord | undefined,
): { readonly recordId: string; readonly values: Readonly<Record<string, unknown>> } | null {
  return current ? { recordId: current.id, values: conflict.mine } : null;
}
