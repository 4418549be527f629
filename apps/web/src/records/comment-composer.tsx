import { type KeyboardEvent, useId, useRef, useState } from 'react';
import type { Member } from '../api/types.ts';

/** The `@query` being typed just before the caret, if any. */
function mentionQuery(text: string, caret: number): { start: number; query: string } | null {
  const before = text.slice(0, caret);
  const m = /(^|\s)@([^\s@[\]()]{0,40})$/.exec(before);
  if (!m) return null;
  return { start: caret - (m[2]?.length ?? 0) - 1, query: m[2] ?? '' };
}

/**
 * A markdown comment box with `@` autocomplete of workspace members: typing `@` and part of a
 * name lists matching members (arrows + Enter or a click picks one), inserting the mention as
 * `@[Name](user-id)`, which the server resolves to a mention.
 */
export function CommentComposer({
  members,
  label,
  submitLabel,
  initial = '',
  onSubmit,
  onCancel,
}: {
  members: readonly Member[];
  label: string;
  submitLabel: string;
  initial?: string;
  onSubmit: (body: string) => Promise<void>;
  onCancel?: () => void;
}) {
  const [text, setText] = useState(initial);
  const [caret, setCaret] = useState(initial.length);
  const [highlight, setHighlight] = useState(0);
  const [busy, setBusy] = useState(false);
  const [dismissed, setDismissed] = useState<number | null>(null);
  const ref = useRef<HTMLTextAreaElement>(null);
  const id = useId();
  const listId = useId();

  const mention = mentionQuery(text, caret);
  const matches =
    mention && dismissed !== mention.start
      ? members
          .filter((m) => m.name.toLowerCase().includes(mention.query.toLowerCase()) || m.email.toLowerCase().startsWith(mention.query.toLowerCase()))
          .slice(0, 6)
      : [];
  const open = matches.length > 0;

  const pick = (member: Member) => {
    if (!mention) return;
    const insert = `@[${member.name}](${member.user_id}) `;
    const next = text.slice(0, mention.start) + insert + text.slice(caret);
    const pos = mention.start + insert.length;
    setText(next);
    setCaret(pos);
    setHighlight(0);
    requestAnimationFrame(() => {
      ref.current?.focus();
      ref.current?.setSelectionRange(pos, pos);
    });
  };

  const submit = async () => {
    if (!text.trim() || busy) return;
    setBusy(true);
    try {
      await onSubmit(text);
      setText('');
      setCaret(0);
    } finally {
      setBusy(false);
    }
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (open) {
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault();
        setHighlight((h) => (h + (event.key === 'ArrowDown' ? 1 : matches.length - 1)) % matches.length);
        return;
      }
      if (event.key === 'Enter' || event.key === 'Tab') {
        event.preventDefault();
        const member = matches[Math.min(highlight, matches.length - 1)];
        if (member) pick(member);
        return;
      }
      if (event.key === 'Escape') {
        event.preventDefault();
        event.stopPropagation();
        setDismissed(mention?.start ?? null);
        return;
      }
    }
    if (event.key === 'Enter' && (event.metaKey || event.ctrlKey)) {
      event.preventDefault();
      void submit();
    }
  };

  return (
    <form
      className="composer"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <label htmlFor={id} className="visually-hidden">
        {label}
      </label>
      <div className="composer-box">
        <textarea
          ref={ref}
          id={id}
          value={text}
          rows={3}
          placeholder={`${label} — @ to mention, **markdown** works`}
          role="combobox"
          aria-expanded={open}
          aria-controls={listId}
          aria-autocomplete="list"
          aria-activedescendant={open ? `${listId}-${Math.min(highlight, matches.length - 1)}` : undefined}
          onChange={(e) => {
            setText(e.target.value);
            setCaret(e.target.selectionStart);
          }}
          onSelect={(e) => setCaret(e.currentTarget.selectionStart)}
          onKeyDown={onKeyDown}
        />
        {open && (
          <div className="mention-list" id={listId} role="listbox" aria-label="Mention a member">
            {matches.map((m, i) => (
              <div
                key={m.user_id}
                id={`${listId}-${i}`}
                role="option"
                tabIndex={-1}
                aria-selected={i === Math.min(highlight, matches.length - 1)}
                onMouseDown={(e) => {
                  e.preventDefault();
                  pick(m);
                }}
              >
                {m.name} <span className="muted">{m.email}</span>
              </div>
            ))}
          </div>
        )}
      </div>
      <div className="composer-actions">
        {onCancel && (
          <button type="button" className="btn btn-small" onClick={onCancel}>
            Cancel
          </button>
        )}
        <button type="submit" className="btn btn-small btn-primary" disabled={busy || !text.trim()}>
          {submitLabel}
        </button>
      </div>
    </form>
  );
}
