import { FIELD_TYPES, type FieldType } from '@tandem/protocol';
import { type FormEvent, useId, useState } from 'react';
import type { Field, Table } from '../api/types.ts';
import { Popover } from '../ui/popover.tsx';
import { errorMessage } from '../ui/states.tsx';
import { FieldEditor } from './field-editor.tsx';
import { useFieldActions } from './table-queries.ts';

/** Human names of field types. */
export const FIELD_TYPE_LABELS: Readonly<Record<FieldType, string>> = {
  text: 'Text',
  long_text: 'Long text',
  rich_text: 'Rich text',
  number: 'Number',
  checkbox: 'Checkbox',
  date: 'Date',
  single_select: 'Single select',
  multi_select: 'Multiple select',
  user: 'User',
  link: 'Link to record',
  attachment: 'Attachment',
};

/**
 * A column header: the field's name, its description behind an info mark, and for admins a menu
 * to rename it, open the field editor (type, choices, format, description) or delete it.
 */
export function FieldHeader({ field, tableId, canManage, tables }: { field: Field; tableId: string; canManage: boolean; tables: readonly Table[] }) {
  const actions = useFieldActions(tableId);
  const [error, setError] = useState<string | null>(null);
  const [editing, setEditing] = useState(false);
  const id = useId();
  const tipId = useId();
  const description = field.description ?? '';
  const rename = async (event: FormEvent<HTMLFormElement>, close: () => void) => {
    event.preventDefault();
    const name = String(new FormData(event.currentTarget).get('name') ?? '').trim();
    if (!name || name === field.name) return close();
    try {
      await actions.update.mutateAsync({ id: field.id, name });
      close();
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  return (
    <span className="field-head">
      <span className="field-name" title={`${field.name} (${FIELD_TYPE_LABELS[field.type]})${description ? `: ${description}` : ''}`}>
        {field.name}
      </span>
      {description && (
        <button type="button" className="field-info" aria-label={`About ${field.name}`} aria-describedby={tipId}>
          i
          <span className="field-info-tip" role="tooltip" id={tipId}>
            {description}
          </span>
        </button>
      )}
      {canManage && (
        <Popover label="▾" buttonClass="btn btn-ghost btn-icon" buttonLabel={`Field menu: ${field.name}`} align="right">
          {(close) => (
            <div className="panel">
              <form onSubmit={(e) => void rename(e, close)} className="stack">
                <label htmlFor={id}>Field name</label>
                <input id={id} name="name" defaultValue={field.name} required maxLength={100} />
                <p className="muted">Type: {FIELD_TYPE_LABELS[field.type]}</p>
                <button type="submit" className="btn btn-small btn-primary">
                  Rename
                </button>
              </form>
              <hr />
              <button
                type="button"
                className="btn btn-small"
                onClick={() => {
                  close();
                  setEditing(true);
                }}
              >
                Edit field…
              </button>
              <button
                type="button"
                className="btn btn-small btn-danger"
                onClick={async () => {
                  if (!window.confirm(`Delete the field "${field.name}" and its values in every record?`)) return;
                  try {
                    await actions.remove.mutateAsync(field.id);
                    close();
                  } catch (err) {
                    setError(errorMessage(err));
                  }
                }}
              >
                Delete field
              </button>
              {error && (
                <p className="form-error" role="alert">
                  {error}
                </p>
              )}
            </div>
          )}
        </Popover>
      )}
      {editing && <FieldEditor field={field} tableId={tableId} tables={tables} onClose={() => setEditing(false)} />}
    </span>
  );
}

/** "+" at the end of the header: a form to add a field of any type. */
export function AddFieldButton({ tableId, tables }: { tableId: string; tables: readonly Table[] }) {
  const actions = useFieldActions(tableId);
  const [type, setType] = useState<FieldType>('text');
  const [error, setError] = useState<string | null>(null);
  const ids = { name: useId(), type: useId(), choices: useId(), link: useId() };
  const submit = async (event: FormEvent<HTMLFormElement>, close: () => void) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const name = String(form.get('name') ?? '').trim();
    let options: Record<string, unknown> = {};
    if (type === 'single_select' || type === 'multi_select') {
      const names = String(form.get('choices') ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      options = { choices: names.map((n) => ({ name: n })) };
    }
    if (type === 'link') options = { linked_table_id: String(form.get('link') ?? '') };
    try {
      await actions.add.mutateAsync({ name, type, options });
      setError(null);
      close();
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  return (
    <Popover label="+" buttonClass="btn btn-ghost btn-icon" buttonLabel="Add field" align="right">
      {(close) => (
        <form className="panel stack" onSubmit={(e) => void submit(e, close)} aria-label="Add a field">
          <label htmlFor={ids.name}>Field name</label>
          <input id={ids.name} name="name" required maxLength={100} />
          <label htmlFor={ids.type}>Type</label>
          <select id={ids.type} value={type} onChange={(e) => setType(e.target.value as FieldType)}>
            {FIELD_TYPES.map((t) => (
              <option key={t} value={t}>
                {FIELD_TYPE_LABELS[t]}
              </option>
            ))}
          </select>
          {(type === 'single_select' || type === 'multi_select') && (
            <>
              <label htmlFor={ids.choices}>Choices (comma separated)</label>
              <input id={ids.choices} name="choices" placeholder="Open, In progress, Done" />
            </>
          )}
          {type === 'link' && (
            <>
              <label htmlFor={ids.link}>Linked table</label>
              <select id={ids.link} name="link" required>
                {tables.map((t) => (
                  <option key={t.id} value={t.id}>
                    {t.name}
                  </option>
                ))}
              </select>
            </>
          )}
          <button type="submit" className="btn btn-small btn-primary" disabled={actions.add.isPending}>
            Add field
          </button>
          {error && (
            <p className="form-error" role="alert">
              {error}
            </p>
          )}
        </form>
      )}
    </Popover>
  );
}
