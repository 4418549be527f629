/**
 * The grid's undo history: the user's own changes as steps that can be undone and redone. It
 * holds what changed (values before and after, records created or deleted), never how to write
 * it; {@link planUndo} in `undo-plan.ts` turns a step into versioned writes.
 */

/** One cell a step changed. */
export interface CellChange {
  readonly recordId: string;
  readonly fieldId: string;
  /** The value before the change (null or undefined: empty). */
  readonly before: unknown;
  /** The value the change stored. */
  readonly after: unknown;
}

/** A record as a step created or deleted it. */
export interface RecordSnapshot {
  readonly id: string;
  readonly values: Readonly<Record<string, unknown>>;
}

/** One user action: a cell edit, a paste, a fill, a clear, a record created or deleted. */
export interface UndoStep {
  /** What the user did, shown on the undo and redo buttons ("paste", "edit", "new record"). */
  readonly label: string;
  readonly cells: readonly CellChange[];
  /** Records the action created (undo deletes them). */
  readonly created: readonly RecordSnapshot[];
  /** Records the action deleted (undo creates them again, under new ids). */
  readonly deleted: readonly RecordSnapshot[];
}

/** Steps done (newest last) and steps undone (the next redo last). */
export interface UndoHistory {
  readonly done: readonly UndoStep[];
  readonly undone: readonly UndoStep[];
}

/** An empty history. */
export const EMPTY_HISTORY: UndoHistory = { done: [], undone: [] };

/** Steps the history keeps; older ones are forgotten. */
export const UNDO_LIMIT = 100;

/** Which way a step is replayed. */
export type UndoDirection = 'undo' | 'redo';

/** Whether a step changes anything. */
export function isEmptyStep(step: UndoStep): boolean {
  return step.cells.length === 0 && step.created.length === 0 && step.deleted.length === 0;
}

/** Adds a step the user just made; a new step clears what could be redone. */
export function pushStep(history: UndoHistory, step: UndoStep): UndoHistory {
  if (isEmptyStep(step)) return history;
  return { done: [...history.done, step].slice(-UNDO_LIMIT), undone: [] };
}

/** The step the next undo (or redo) replays, or undefined when there is none. */
export function nextStep(history: UndoHistory, direction: UndoDirection): UndoStep | undefined {
  const list = direction === 'undo' ? history.done : history.undone;
  return list[list.length - 1];
}

/** The history after the next step was replayed: it moves to the other side (undone steps can be redone and back). */
export function stepReplayed(history: UndoHistory, direction: UndoDirection): UndoHistory {
  const step = nextStep(history, direction);
  if (!step) return history;
  return direction === 'undo'
    ? { done: history.done.slice(0, -1), undone: [...history.undone, step] }
    : { done: [...history.done, step], undone: history.undone.slice(0, -1) };
}

/** The history without the next step (the user kept someone else's newer values instead of undoing). */
export function stepDropped(history: UndoHistory, direction: UndoDirection): UndoHistory {
  return direction === 'undo' ? { ...history, done: history.done.slice(0, -1) } : { ...history, undone: history.undone.slice(0, -1) };
}

/**
 * The history with record ids replaced (a deleted record that undo created again has a new id;
 * every step that names the old one now names the new one).
 */
export function remapRecords(history: UndoHistory, ids: ReadonlyMap<string, string>): UndoHistory {
  if (ids.size === 0) return history;
  const id = (old: string) => ids.get(old) ?? old;
  const remap = (step: UndoStep): UndoStep => ({
    ...step,
    cells: step.cells.map((c) => (ids.has(c.recordId) ? { ...c, recordId: id(c.recordId) } : c)),
    created: step.created.map((r) => (ids.has(r.id) ? { ...r, id: id(r.id) } : r)),
    deleted: step.deleted.map((r) => (ids.has(r.id) ? { ...r, id: id(r.id) } : r)),
  });
  return { done: history.done.map(remap), undone: history.undone.map(remap) };
}
