import type { RecordConflict } from '@tandem/client';
import type { Field } from '../api/types.ts';
import { Dialog } from '../ui/dialog.tsx';
import { conflictRows } from './conflict-merge.ts';
import type { DisplayContext } from './field-values.ts';
import { displayText } from './field-values.ts';

/** Words of the dialog that differ between a refused edit and a refused undo. */
export interface ConflictWording {
  readonly title: string;
  /** Heading of the column of the user's values. */
  readonly mine: string;
  /** Label of the button that writes the user's values over the other ones. */
  readonly keepMine: string;
}

/** The wording for an edit refused because someone saved the same field first. */
export const EDIT_CONFLICT: ConflictWording = { title: 'Someone changed this while you were editing', mine: 'Yours', keepMine: 'Keep mine' };

/**
 * A write was refused because someone changed the same fields first: shows both values side by
 * side, per record and field, and lets the user keep theirs (write again over the new version) or
 * take the other one. `recordLabel` names the record of each row when several are in conflict.
 */
export function ConflictDialog({
  conflicts,
  fields,
  ctx,
  wording = EDIT_CONFLICT,
  recordLabel,
  onKeepMine,
  onKeepTheirs,
}: {
  conflicts: readonly RecordConflict[];
  fields: readonly Field[];
  ctx: DisplayContext;
  wording?: ConflictWording;
  recordLabel?: (recordId: string) => string;
  onKeepMine: () => void;
  onKeepTheirs: () => void;
}) {
  const editors = [...new Set(conflicts.flatMap((c) => (c.theirs?.updated_by ? [ctx.members.get(c.theirs.updated_by)?.name ?? null] : [])))];
  const who = editors.length > 0 && editors.every(Boolean) ? editors.join(' and ') : null;
  const several = conflicts.length > 1;
  return (
    <Dialog title={wording.title} onClose={onKeepTheirs}>
      <p>{who ? `${who} saved a different value first.` : 'Another change was saved first.'} Which one should stay?</p>
      <table className="data-table conflict-table">
        <thead>
          <tr>
            <th scope="col">Field</th>
            <th scope="col">{wording.mine}</th>
            <th scope="col">Theirs (saved)</th>
          </tr>
        </thead>
        <tbody>
          {conflicts.flatMap((conflict) =>
            conflictRows(conflict, fields).map(({ field, mine, theirs }) => (
              <tr key={`${conflict.recordId}:${field.id}`}>
                <th scope="row">
                  {field.name}
                  {several && recordLabel ? <span className="muted"> · {recordLabel(conflict.recordId)}</span> : null}
                </th>
                <td className="mine">{displayText(field, mine, ctx) || '(empty)'}</td>
                <td className="theirs">{displayText(field, theirs, ctx) || '(empty)'}</td>
              </tr>
            )),
          )}
        </tbody>
      </table>
      <div className="dialog-actions">
        <button type="button" className="btn" onClick={onKeepTheirs}>
          Keep theirs
        </button>
        <button type="button" className="btn btn-primary" onClick={onKeepMine}>
          {wording.keepMine}
        </button>
      </div>
    </Dialog>
  );
}
