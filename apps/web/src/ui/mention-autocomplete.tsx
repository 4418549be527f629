import { type KeyboardEvent, type RefObject, useId, useState } from 'react';
import type { Member } from '../api/types.ts';
import { MentionHighlights } from './mention-highlights.tsx';
import { encodeMentions, mentionSegments, type PickedMention } from './mention-text.ts';

/** The `@query` being typed just before the caret, if any. */
export function mentionQuery(text: string, caret: number): { start: number; query: string } | null {
  const before = text.slice(0, caret);
  const m = /(^|\s)@([^\s@[\]()]{0,40})$/.exec(before);
  if (!m) return null;
  return { start: caret - (m[2]?.length ?? 0) - 1, query: m[2] ?? '' };
}

/** What {@link useMentionAutocomplete} gives a text box. */
export interface MentionAutocomplete {
  readonly open: boolean;
  /** Handles arrows, Enter, Tab and Escape while the list is open; true when it used the key. */
  onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>): boolean;
  /** ARIA attributes for the textarea (a combobox). */
  readonly inputProps: {
    role: 'combobox';
    'aria-expanded': boolean;
    'aria-controls': string;
    'aria-autocomplete': 'list';
    'aria-activedescendant': string | undefined;
  };
  /** The list of matching members, to render under the box (null when closed). */
  readonly list: React.ReactNode;
  /** The chips of picked mentions, to render in the box next to the textarea (which gets `className`). */
  readonly highlights: React.ReactNode;
  /** The textarea's class: transparent over its chips. */
  readonly className: string;
  /** The text as the server takes it: each picked "@Name" as `@[Name](id)`. */
  encode(text: string): string;
  /** Forgets the picked mentions (after sending). */
  reset(): void;
}

/**
 * `@` autocomplete of workspace members for a textarea: typing `@` and part of a name lists
 * matching members (arrows + Enter or a click picks one) and inserts "@Name", drawn as a chip
 * and sent as `@[Name](user-id)` (see {@link MentionAutocomplete.encode}), which the server
 * resolves to a mention. Nobody sees the markup, not even while editing their own comment.
 * Shared by the comment and chat composers.
 */
export function useMentionAutocomplete({
  text,
  caret,
  members,
  textarea,
  onChange,
  initialPicks = [],
}: {
  text: string;
  caret: number;
  members: readonly Member[];
  textarea: RefObject<HTMLTextAreaElement | null>;
  /** The new text and caret after a pick. */
  onChange: (text: string, caret: number) => void;
  /** Mentions already in the text (a comment being edited, see `decodeMentions`). */
  initialPicks?: readonly PickedMention[];
}): MentionAutocomplete {
  const [picks, setPicks] = useState<readonly PickedMention[]>(initialPicks);
  const [highlight, setHighlight] = useState(0);
  const [dismissed, setDismissed] = useState<number | null>(null);
  const listId = useId();
  const mention = mentionQuery(text, caret);
  const matches =
    mention && dismissed !== mention.start
      ? members
          .filter((m) => m.name.toLowerCase().includes(mention.query.toLowerCase()) || m.email.toLowerCase().startsWith(mention.query.toLowerCase()))
          .slice(0, 6)
      : [];
  const open = matches.length > 0;
  const active = Math.min(highlight, matches.length - 1);

  const pick = (member: Member) => {
    if (!mention) return;
    const insert = `@${member.name} `;
    setPicks((list) => (list.some((p) => p.id === member.user_id && p.name === member.name) ? list : [...list, { id: member.user_id, name: member.name }]));
    const next = text.slice(0, mention.start) + insert + text.slice(caret);
    const pos = mention.start + insert.length;
    onChange(next, pos);
    setHighlight(0);
    requestAnimationFrame(() => {
      textarea.current?.focus();
      textarea.current?.setSelectionRange(pos, pos);
    });
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>): boolean => {
    if (!open) return false;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      setHighlight((h) => (h + (event.key === 'ArrowDown' ? 1 : matches.length - 1)) % matches.length);
      return true;
    }
    if (event.key === 'Enter' || event.key === 'Tab') {
      event.preventDefault();
      const member = matches[active];
      if (member) pick(member);
      return true;
    }
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      setDismissed(mention?.start ?? null);
      return true;
    }
    return false;
  };

  const list = open ? (
    <div className="mention-list" id={listId} role="listbox" aria-label="Mention a member">
      {matches.map((m, i) => (
        <div
          key={m.user_id}
          id={`${listId}-${i}`}
          role="option"
          tabIndex={-1}
          aria-selected={i === active}
          onMouseDown={(e) => {
            e.preventDefault();
            pick(m);
          }}
        >
          {m.name} <span className="muted">{m.email}</span>
        </div>
      ))}
    </div>
  ) : null;

  return {
    open,
    onKeyDown,
    inputProps: {
      role: 'combobox',
      'aria-expanded': open,
      'aria-controls': listId,
      'aria-autocomplete': 'list',
      'aria-activedescendant': open ? `${listId}-${active}` : undefined,
    },
    list,
    highlights: <MentionHighlights segments={mentionSegments(text, picks)} textarea={textarea} />,
    className: 'mention-input',
    encode: (value) => encodeMentions(value, picks),
    reset: () => setPicks([]),
  };
}
