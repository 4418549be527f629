import type { Actor, FieldChange } from '@tandem/protocol';
import type { Transaction } from '../db/database.ts';
import type { Field } from '../tables/table-model.ts';

/** A record write as the records service computed it, handed to collaboration rules in the same transaction. */
export interface RecordWriteChange {
  readonly action: 'created' | 'updated' | 'deleted';
  readonly workspaceId: string;
  readonly tableId: string;
  readonly recordId: string;
  /** The record's version after the write. */
  readonly version: number;
  readonly actor: Actor;
  /** Every value of the record after the write, by field id (empty after a delete). */
  readonly values: Readonly<Record<string, unknown>>;
  /** The fields whose value changed (on create: every field given a value, `before` null). */
  readonly changes: readonly FieldChange[];
  /** Every field of the table, as the write read them under its table lock. */
  readonly fields: readonly Field[];
}

/** Something that reacts to record writes inside their transaction (workflow rules, assignment notifications). */
export type RecordWriteListener = (tx: Transaction, change: RecordWriteChange) => Promise<void>;

/**
 * The hook point the records service calls once per write, after computing the changes and
 * before the transaction commits:
 *
 * ```ts
 * await ctx.hooks.afterRecordWrite(tx, { action, workspaceId, tableId, recordId, version, actor, changes, fields });
 * ```
 *
 * Domains that react to record writes register here (collaboration adds its workflow rules and
 * assignment notifications with `ctx.hooks.add`), so records depend on no domain that listens.
 * A listener that throws rolls the whole write back, so rules can never disagree with data.
 */
export class RecordWriteHooks {
  readonly #listeners: RecordWriteListener[] = [];

  /** Adds a listener; listeners run in the order they were added. */
  add(listener: RecordWriteListener): void {
    this.#listeners.push(listener);
  }

  /** Runs every listener for one write, in the write's transaction. */
  readonly afterRecordWrite = async (tx: Transaction, change: RecordWriteChange): Promise<void> => {
    for (const listener of this.#listeners) await listener(tx, change);
  };
}
