import { type KeyboardEvent, useEffect, useId, useMemo, useRef, useState } from 'react';
import type { Field, Member } from '../api/types.ts';
import { choicesOf, type DisplayContext, linkedTableOf } from './field-values.ts';

/** How an edit ended: the grid moves the active cell accordingly. */
export type EditExit = 'down' | 'up' | 'right' | 'left' | 'stay';

/** Props shared by every editor. */
export interface CellEditorProps {
  readonly field: Field;
  readonly value: unknown;
  /** A character typed to start editing replaces the value (text and numbers). */
  readonly initialText?: string | undefined;
  readonly ctx: DisplayContext;
  readonly members: readonly Member[];
  /** Linked-table records for link fields: id and title. */
  readonly linkOptions?: readonly { id: string; title: string }[];
  readonly onCommit: (value: unknown, exit: EditExit) => void;
  readonly onCancel: () => void;
  /** The text being typed changed (shared with others as a live preview). */
  readonly onDraft?: ((text: string) => void) | undefined;
}

/** Field types the grid can edit in place. */
export function isEditableType(field: Field): boolean {
  return field.type !== 'attachment' && field.type !== 'checkbox' && field.type !== 'rich_text';
}

function exitOf(event: KeyboardEvent): EditExit | null {
  if (event.key === 'Enter') return event.shiftKey ? 'up' : 'down';
  if (event.key === 'Tab') return event.shiftKey ? 'left' : 'right';
  return null;
}

/** The in-cell editor for one field type. Enter / Shift+Enter / Tab commit and move down / up / right, Escape cancels. */
export function CellEditor(props: CellEditorProps) {
  const { field } = props;
  if (field.type === 'single_select' || field.type === 'user') return <SelectEditor {...props} />;
  if (field.type === 'multi_select' || field.type === 'link') return <ListEditor {...props} />;
  return <TextEditor {...props} />;
}

/** Why a draft cannot be saved in a field of this type, or null when it can. */
function draftProblem(field: Field, text: string): string | null {
  const t = text.trim();
  if (field.type === 'number' && t !== '' && !Number.isFinite(Number(t.replace(',', '.')))) return `“${t.slice(0, 20)}” is not a number`;
  return null;
}

function TextEditor({ field, value, initialText, onCommit, onCancel, onDraft }: CellEditorProps) {
  const start = initialText ?? (value === null || value === undefined ? '' : field.type === 'date' ? String(value).slice(0, 10) : String(value));
  const [text, setText] = useState(start);
  /** Why the last try to save was refused; the draft stays for the user to fix. */
  const [problem, setProblem] = useState<string | null>(null);
  const ref = useRef<HTMLInputElement & HTMLTextAreaElement>(null);
  const errorId = useId();
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.focus();
    if (initialText === undefined && field.type !== 'date') el.select();
  }, [initialText, field.type]);
  // A character that started the edit is already a draft others can see.
  const draftRef = useRef(onDraft);
  draftRef.current = onDraft;
  useEffect(() => {
    if (initialText !== undefined) draftRef.current?.(initialText);
  }, [initialText]);

  const parse = (): unknown => {
    const t = text.trim();
    if (field.type === 'number') return t === '' ? null : Number(t.replace(',', '.'));
    if (field.type === 'date') return t === '' ? null : t;
    return text === '' ? null : text;
  };
  const commit = (exit: EditExit) => {
    const refused = draftProblem(field, text);
    if (refused) {
      setProblem(refused);
      return;
    }
    onCommit(parse(), exit);
  };
  const onKeyDown = (event: KeyboardEvent) => {
    event.stopPropagation();
    // Shift+Enter in long text is a line break, not "save and move up".
    if (field.type === 'long_text' && event.key === 'Enter' && event.shiftKey) return;
    if (event.key === 'Escape') {
      event.preventDefault();
      onCancel();
      return;
    }
    const exit = exitOf(event);
    if (exit) {
      event.preventDefault();
      commit(exit);
    }
  };
  const change = (next: string) => {
    setProblem(null);
    setText(next);
    onDraft?.(next);
  };
  const common = {
    'aria-label': `Edit ${field.name}`,
    'aria-invalid': problem !== null || undefined,
    'aria-errormessage': problem ? errorId : undefined,
    className: 'cell-input',
    onKeyDown,
    onBlur: () => commit('stay'),
  };
  const error = problem && (
    <span id={errorId} className="cell-input-error" role="alert">
      {problem}
    </span>
  );
  if (field.type === 'long_text') {
    return (
      <>
        <textarea ref={ref} {...common} value={text} onChange={(e) => change(e.target.value)} rows={4} />
        {error}
      </>
    );
  }
  return (
    <>
      <input
        ref={ref}
        {...common}
        type={field.type === 'date' ? 'date' : 'text'}
        inputMode={field.type === 'number' ? 'decimal' : undefined}
        value={text}
        onChange={(e) => change(e.target.value)}
      />
      {error}
    </>
  );
}

function SelectEditor({ field, value, members, onCommit, onCancel }: CellEditorProps) {
  const ref = useRef<HTMLSelectElement>(null);
  useEffect(() => ref.current?.focus(), []);
  const options = field.type === 'user' ? members.map((m) => ({ id: m.user_id, name: m.name })) : choicesOf(field).map((c) => ({ id: c.id, name: c.name }));
  const current = typeof value === 'string' ? value : '';
  return (
    <select
      ref={ref}
      className="cell-input"
      aria-label={`Edit ${field.name}`}
      defaultValue={current}
      onChange={(e) => onCommit(e.target.value === '' ? null : e.target.value, 'stay')}
      onBlur={onCancel}
      onKeyDown={(event) => {
        event.stopPropagation();
        if (event.key === 'Escape') {
          event.preventDefault();
          onCancel();
        } else if (event.key === 'Enter' || event.key === 'Tab') {
          event.preventDefault();
          const v = (event.currentTarget as HTMLSelectElement).value;
          onCommit(v === '' ? null : v, exitOf(event) ?? 'down');
        }
      }}
    >
      <option value="">—</option>
      {options.map((o) => (
        <option key={o.id} value={o.id}>
          {o.name}
        </option>
      ))}
    </select>
  );
}

function ListEditor({ field, value, linkOptions, onCommit, onCancel }: CellEditorProps) {
  const [picked, setPicked] = useState<string[]>(Array.isArray(value) ? (value as string[]) : []);
  const [query, setQuery] = useState('');
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => ref.current?.focus(), []);
  const all = useMemo(
    () => (field.type === 'link' ? (linkOptions ?? []).map((o) => ({ id: o.id, name: o.title || `#${o.id.slice(0, 8)}` })) : choicesOf(field)),
    [field, linkOptions],
  );
  const shown = all.filter((o) => o.name.toLowerCase().includes(query.toLowerCase())).slice(0, 100);
  const done = (exit: EditExit) => onCommit(picked.length === 0 ? null : picked, exit);
  return (
    <div
      className="cell-popover"
      role="dialog"
      aria-label={`Edit ${field.name}`}
      onKeyDown={(event) => {
        event.stopPropagation();
        if (event.key === 'Escape') {
          event.preventDefault();
          onCancel();
        } else if (event.key === 'Enter' && (event.target as HTMLElement).tagName !== 'BUTTON') {
          event.preventDefault();
          done('down');
        }
      }}
    >
      <input ref={ref} className="cell-input" placeholder="Search…" aria-label="Search choices" value={query} onChange={(e) => setQuery(e.target.value)} />
      <ul className="choice-list">
        {shown.map((o) => (
          <li key={o.id}>
            <label>
              <input
                type="checkbox"
                checked={picked.includes(o.id)}
                onChange={(e) => setPicked((p) => (e.target.checked ? [...p, o.id] : p.filter((x) => x !== o.id)))}
              />
              {o.name}
            </label>
          </li>
        ))}
        {shown.length === 0 && <li className="muted">{field.type === 'link' && !linkedTableOf(field) ? 'No linked table' : 'Nothing matches'}</li>}
      </ul>
      <div className="popover-actions">
        <button type="button" className="btn btn-small" onClick={onCancel}>
          Cancel
        </button>
        <button type="button" className="btn btn-small btn-primary" onClick={() => done('stay')}>
          Done
        </button>
      </div>
    </div>
  );
}
