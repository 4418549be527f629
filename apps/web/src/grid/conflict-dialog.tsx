import type { RecordConflict } from '@tandem/client';
import type { Field } from '../api/types.ts';
import { Dialog } from '../ui/dialog.tsx';
import { conflictRows } from './conflict-merge.ts';
import type { DisplayContext } from './field-values.ts';
import { displayText } from './field-values.ts';

/**
 * A write was refused because someone changed the same field first: shows both values side by
 * side and lets the user keep theirs (write again over the new version) or take the other one.
 */
export function ConflictDialog({
  conflict,
  fields,
  ctx,
  onKeepMine,
  onKeepTheirs,
}: {
  conflict: RecordConflict;
  fields: readonly Field[];
  ctx: DisplayContext;
  onKeepMine: () => void;
  onKeepTheirs: () => void;
}) {
  const who = conflict.theirs?.updated_by ? ctx.members.get(conflict.theirs.updated_by)?.name : null;
  return (
    <Dialog title="Someone changed this while you were editing" onClose={onKeepTheirs}>
      <p>{who ? `${who} saved a different value first.` : 'Another change was saved first.'} Which one should stay?</p>
      <table className="data-table conflict-table">
        <thead>
          <tr>
            <th scope="col">Field</th>
            <th scope="col">Yours</th>
            <th scope="col">Theirs (saved)</th>
          </tr>
        </thead>
        <tbody>
          {conflictRows(conflict, fields).map(({ field, mine, theirs }) => (
            <tr key={field.id}>
              <th scope="row">{field.name}</th>
              <td className="mine">{displayText(field, mine, ctx) || '(empty)'}</td>
              <td className="theirs">{displayText(field, theirs, ctx) || '(empty)'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="dialog-actions">
        <button type="button" className="btn" onClick={onKeepTheirs}>
          Keep theirs
        </button>
        <button type="button" className="btn btn-primary" onClick={onKeepMine}>
          Keep mine
        </button>
      </div>
    </Dialog>
  );
}
