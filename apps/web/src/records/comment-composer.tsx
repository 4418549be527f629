import { type KeyboardEvent, useId, useRef, useState } from 'react';
import type { Member } from '../api/types.ts';
import { useMentionAutocomplete } from '../ui/mention-autocomplete.tsx';
import { decodeMentions } from '../ui/mention-text.ts';

/**
 * A markdown comment box with `@` autocomplete of workspace members: typing `@` and part of a
 * name lists matching members (arrows + Enter or a click picks one), inserting the mention as a
 * chip reading "@Name"; it is sent as `@[Name](user-id)`, which the server resolves to a mention.
 * `initial` (a comment's stored markdown) shows its mentions as chips too.
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
  const [decoded] = useState(() => decodeMentions(initial));
  const [text, setText] = useState(decoded.text);
  const [caret, setCaret] = useState(decoded.text.length);
  const [busy, setBusy] = useState(false);
  const ref = useRef<HTMLTextAreaElement>(null);
  const id = useId();
  const mentions = useMentionAutocomplete({
    text,
    caret,
    members,
    textarea: ref,
    initialPicks: decoded.picks,
    onChange: (next, pos) => {
      setText(next);
      setCaret(pos);
    },
  });

  const submit = async () => {
    if (!text.trim() || busy) return;
    setBusy(true);
    try {
      await onSubmit(mentions.encode(text));
      setText('');
      setCaret(0);
      mentions.reset();
    } finally {
      setBusy(false);
    }
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (mentions.onKeyDown(event)) return;
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
        {mentions.highlights}
        <textarea
          ref={ref}
          id={id}
          value={text}
          rows={3}
          className={mentions.className}
          placeholder={`${label} — @ to mention, **markdown** works`}
          {...mentions.inputProps}
          onChange={(e) => {
            setText(e.target.value);
            setCaret(e.target.selectionStart);
          }}
          onSelect={(e) => setCaret(e.currentTarget.selectionStart)}
          onKeyDown={onKeyDown}
        />
        {mentions.list}
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
