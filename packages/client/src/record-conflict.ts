import type { RecordInfo } from '@tandem/protocol';
import type { TandemError } from './tandem-error.ts';

/** A write refused with `409 conflict`: what the user tried and what the server holds now. */
export interface RecordConflict {
  readonly recordId: string;
  /** The values the user tried to write, by field id. */
  readonly mine: Readonly<Record<string, unknown>>;
  /** The record as the server has it now (null when the answer did not include it). */
  readonly theirs: RecordInfo | null;
  /** Fields someone else changed since the version the write was based on. */
  readonly fieldIds: readonly string[];
}

/** Reads the current record and the conflicting field ids out of a `conflict` error's details. */
export function conflictOf(error: TandemError, recordId: string, mine: Readonly<Record<string, unknown>>): RecordConflict {
  const details = error.details ?? {};
  const record = details.record;
  const theirs = record && typeof record === 'object' && typeof (record as RecordInfo).id === 'string' ? (record as RecordInfo) : null;
  const ids = details.conflicting_fields;
  return { recordId, mine, theirs, fieldIds: Array.isArray(ids) ? ids.map(String) : Object.keys(mine) };
}
