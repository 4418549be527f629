/** A member picked from the mention list: shown as "@Name" while typing, sent as `@[Name](id)`. */
export interface PickedMention {
  readonly id: string;
  readonly name: string;
}

/** A run of composer text: plain, or a picked mention (drawn as a chip). */
export type MentionSegment = { readonly kind: 'text'; readonly text: string } | { readonly kind: 'mention'; readonly text: string; readonly id: string };

const MARKUP_RE = /@\[([^\]\n]{1,100})\]\(([0-9a-fA-F-]{36})\)/g;
const NAME_CONTINUES = /[\p{L}\p{N}_]/u;

/**
 * Splits `text` into plain runs and the "@Name" of every picked member (longest names first, so
 * "@Ann Lee" wins over "@Ann"; a name that runs on, like "@Ann Leeds", is no mention).
 */
export function mentionSegments(text: string, picks: readonly PickedMention[]): MentionSegment[] {
  const byLength = [...picks].sort((a, b) => b.name.length - a.name.length);
  const out: MentionSegment[] = [];
  let plain = '';
  let i = 0;
  while (i < text.length) {
    const pick = text[i] === '@' ? byLength.find((p) => text.startsWith(p.name, i + 1) && !NAME_CONTINUES.test(text.charAt(i + 1 + p.name.length))) : undefined;
    if (pick) {
      if (plain) out.push({ kind: 'text', text: plain });
      plain = '';
      out.push({ kind: 'mention', text: `@${pick.name}`, id: pick.id });
      i += pick.name.length + 1;
    } else {
      plain += text[i];
      i += 1;
    }
  }
  if (plain) out.push({ kind: 'text', text: plain });
  return out;
}

/** The text to send: every picked "@Name" becomes `@[Name](id)`, which the server resolves to that member. */
export function encodeMentions(text: string, picks: readonly PickedMention[]): string {
  return mentionSegments(text, picks)
    .map((s) => (s.kind === 'mention' ? `@[${s.text.slice(1)}](${s.id})` : s.text))
    .join('');
}

/** The editable form of stored markdown: `@[Name](id)` reads "@Name" again, with the mention remembered. */
export function decodeMentions(source: string): { text: string; picks: PickedMention[] } {
  const picks = new Map<string, PickedMention>();
  const text = source.replace(MARKUP_RE, (_m, name: string, id: string) => {
    picks.set(`${id}:${name}`, { id, name });
    return `@${name}`;
  });
  return { text, picks: [...picks.values()] };
}

/** Stored text for a feed line: an old excerpt that still holds `@[Name](id)` reads "@Name". */
export function mentionMarkupToText(source: string): string {
  return source.replace(MARKUP_RE, (_m, name: string) => `@${name}`);
}
