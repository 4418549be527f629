import type { RecordConflict } from '@tandem/client';
import { useCallback, useRef, useState } from 'react';
import type { TableRecord } from '../api/types.ts';
import { errorMessage } from '../ui/states.tsx';
import { replayPlan } from './replay-step.ts';
import { planUndo } from './undo-plan.ts';
import {
  EMPTY_HISTORY,
  nextStep,
  pushStep,
  remapRecords,
  stepDropped,
  stepReplayed,
  type UndoDirection,
  type UndoHistory,
  type UndoStep,
} from './undo-stack.ts';

/** An undo or redo stopped because someone else changed cells it would write. */
export interface ReplayConflict {
  readonly direction: UndoDirection;
  readonly conflicts: readonly RecordConflict[];
}

/** What {@link useGridHistory} needs from the table page. */
export interface GridHistoryOptions {
  readonly tableId: string;
  /** A record as the grid shows it now. */
  readonly current: (id: string) => TableRecord | undefined;
  /** Shows values being written at once; settles them with the stored records, or drops them (null) on failure. */
  readonly showPending: (values: ReadonlyMap<string, Readonly<Record<string, unknown>>>) => number;
  readonly settlePending: (key: number, stored: readonly TableRecord[] | null) => void;
  /** Reports something the user should know (a failure, cells left alone). */
  readonly onNotice: (message: string) => void;
}

/**
 * The table page's undo and redo of the user's own changes. Each replay is a new versioned write
 * over the records as they are now; one that would overwrite a cell someone else changed since
 * stops with a {@link ReplayConflict} for the conflict dialog, where the user keeps theirs (the
 * step is dropped) or writes over them. Replays run one at a time.
 */
export function useGridHistory(options: GridHistoryOptions) {
  const [history, setHistory] = useState<UndoHistory>(EMPTY_HISTORY);
  const [conflict, setConflict] = useState<ReplayConflict | null>(null);
  const [busy, setBusy] = useState(false);
  const historyRef = useRef(history);
  historyRef.current = history;
  const busyRef = useRef(false);
  const optionsRef = useRef(options);
  optionsRef.current = options;

  const update = useCallback((change: (h: UndoHistory) => UndoHistory) => {
    historyRef.current = change(historyRef.current);
    setHistory(historyRef.current);
  }, []);

  const record = useCallback((step: UndoStep) => update((h) => pushStep(h, step)), [update]);

  const replay = useCallback(
    async (direction: UndoDirection, force = false) => {
      const step = nextStep(historyRef.current, direction);
      if (!step || busyRef.current) return;
      const { tableId, current, showPending, settlePending, onNotice } = optionsRef.current;
      const plan = planUndo(step, direction, current, { force });
      if (plan.conflicts.length > 0) {
        setConflict({ direction, conflicts: plan.conflicts });
        return;
      }
      busyRef.current = true;
      setBusy(true);
      const key = showPending(new Map(plan.updates.map((u) => [u.id, u.values])));
      try {
        const outcome = await replayPlan(tableId, plan);
        if (outcome.status === 'conflict') {
          settlePending(key, null);
          setConflict({ direction, conflicts: outcome.conflicts });
          return;
        }
        settlePending(key, outcome.updated);
        update((h) => remapRecords(stepReplayed(h, direction), outcome.remap));
        const left = plan.missing + outcome.kept;
        if (left > 0)
          onNotice(
            `${direction === 'undo' ? 'Undone' : 'Redone'}, except ${left === 1 ? 'one record' : `${left} records`} deleted or changed by someone else since.`,
          );
      } catch (err) {
        settlePending(key, null);
        onNotice(`Could not ${direction}: ${errorMessage(err)}`);
      } finally {
        busyRef.current = false;
        setBusy(false);
      }
    },
    [update],
  );

  const undo = useCallback(() => void replay('undo'), [replay]);
  const redo = useCallback(() => void replay('redo'), [replay]);
  /** The user keeps their own values: the step is written over the other person's. */
  const overwrite = useCallback(() => {
    const c = conflict;
    setConflict(null);
    if (c) void replay(c.direction, true);
  }, [conflict, replay]);
  /** The user keeps the other person's values: nothing is written and the step is forgotten. */
  const keepTheirs = useCallback(() => {
    const c = conflict;
    setConflict(null);
    if (c) update((h) => stepDropped(h, c.direction));
  }, [conflict, update]);

  return {
    /** The step the next undo replays (its label names the undo button), if any. */
    nextUndo: nextStep(history, 'undo'),
    nextRedo: nextStep(history, 'redo'),
    busy,
    conflict,
    record,
    undo,
    redo,
    overwrite,
    keepTheirs,
  };
}
