import { type FormEvent, useId } from 'react';
import type { View } from '../api/types.ts';
import { Popover } from '../ui/popover.tsx';
import type { ViewConfig } from './apply-view.ts';

const ALL = '';

/** Chooses the saved view; editors can save the current filters as a new view or delete one. */
export function ViewPicker({
  views,
  current,
  draft,
  canSave,
  onSelect,
  onCreate,
  onDelete,
}: {
  views: readonly View[];
  current: View | undefined;
  draft: ViewConfig;
  canSave: boolean;
  onSelect: (id: string | null) => void;
  onCreate: (name: string) => Promise<void>;
  onDelete: (id: string) => Promise<void>;
}) {
  const id = useId();
  const nameId = useId();
  const save = async (event: FormEvent<HTMLFormElement>, close: () => void) => {
    event.preventDefault();
    const name = String(new FormData(event.currentTarget).get('name') ?? '').trim();
    if (!name) return;
    await onCreate(name);
    close();
  };
  const changed = draft.filters.length + draft.sorts.length + draft.hidden_fields.length > 0;
  return (
    <div className="view-picker">
      <label htmlFor={id} className="visually-hidden">
        View
      </label>
      <select id={id} value={current?.id ?? ALL} onChange={(e) => onSelect(e.target.value || null)}>
        <option value={ALL}>All records</option>
        {views.map((v) => (
          <option key={v.id} value={v.id}>
            {v.name}
          </option>
        ))}
      </select>
      {canSave && (
        <Popover label="Save view…" buttonClass="btn btn-ghost">
          {(close) => (
            <form className="panel stack" onSubmit={(e) => void save(e, close)}>
              <label htmlFor={nameId}>New view name</label>
              <input id={nameId} name="name" required maxLength={100} placeholder={changed ? 'e.g. Open orders by due date' : 'e.g. Everything'} />
              <button type="submit" className="btn btn-small btn-primary">
                Save view
              </button>
              {current && (
                <button
                  type="button"
                  className="btn btn-small btn-danger"
                  onClick={async () => {
                    if (window.confirm(`Delete the view "${current.name}"? Records are not affected.`)) {
                      await onDelete(current.id);
                      close();
                    }
                  }}
                >
                  Delete view “{current.name}”
                </button>
              )}
            </form>
          )}
        </Popover>
      )}
    </div>
  );
}
