import { randomBytes } from 'node:crypto';
import { Marked } from 'marked';
import sanitizeHtml from 'sanitize-html';

/** A workspace member a mention resolved to. */
export interface MentionTarget {
  readonly id: string;
  readonly name: string;
  readonly email: string;
}

/** A mention written in a comment, before it is resolved against the workspace's members. */
export interface MentionRef {
  readonly kind: 'id' | 'email';
  /** The user id (`@[Name](id)`) or the email address (`@email`), lower-cased. */
  readonly key: string;
}

/** The mention forms: `@[Display name](user-id)` and `@someone@example.com`. */
const MENTION_RE = /@\[([^\]\n]{1,100})\]\(([0-9a-fA-F-]{36})\)|(^|[^\w.@])@([A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,})/g;

/**
 * The third form, `@Display Name`: an `@` at the start of a word followed by a letter or digit.
 * Which text after it is the name is only known from the members' names (they may hold spaces).
 */
const NAME_MENTION_START = /(^|[^\p{L}\p{N}_.@])@(?=[\p{L}\p{N}])/gu;
/** A character that may not follow a name mention: the name would go on. */
const NAME_CONTINUES = /[\p{L}\p{N}_]/u;

const marked = new Marked({ gfm: true, breaks: true, async: false });

/**
 * Everything a comment may contain once rendered. No images, styles, frames, forms or event
 * handlers; links only to http(s) and mailto, opened without an opener.
 */
const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: [
    'p',
    'br',
    'strong',
    'b',
    'em',
    'i',
    'del',
    's',
    'code',
    'pre',
    'blockquote',
    'ul',
    'ol',
    'li',
    'a',
    'h1',
    'h2',
    'h3',
    'h4',
    'h5',
    'h6',
    'hr',
    'table',
    'thead',
    'tbody',
    'tr',
    'th',
    'td',
  ],
  allowedAttributes: { a: ['href', 'title', 'rel', 'target'], code: ['class'], ol: ['start'], th: ['align'], td: ['align'] },
  allowedClasses: { code: ['language-*'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesAppliedToAttributes: ['href'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  transformTags: {
    // Only absolute http(s) and mailto links: relative ones would point into the app itself.
    a: (_tag, attribs) => {
      const href = attribs.href?.trim();
      return {
        tagName: 'a',
        attribs: {
          ...(href && /^(https?:|mailto:)/i.test(href) ? { href } : {}),
          ...(attribs.title ? { title: attribs.title } : {}),
          rel: 'noopener noreferrer nofollow',
          target: '_blank',
        },
      };
    },
  },
};

/** The mentions written in `source`, in order of appearance, without duplicates. */
export function findMentions(source: string): MentionRef[] {
  const seen = new Set<string>();
  const out: MentionRef[] = [];
  for (const m of source.matchAll(MENTION_RE)) {
    const ref: MentionRef = m[2] ? { kind: 'id', key: m[2].toLowerCase() } : { kind: 'email', key: (m[4] ?? '').toLowerCase() };
    const k = `${ref.kind}:${ref.key}`;
    if (!seen.has(k)) {
      seen.add(k);
      out.push(ref);
    }
  }
  return out;
}

/**
 * The first word of every `@Name` mention candidate in `source` (lower-cased, without duplicates),
 * so the members whose names start with one can be fetched; the explicit forms are left out.
 */
export function nameMentionWords(source: string): string[] {
  const words = new Set<string>();
  const rest = source.replace(MENTION_RE, ' ');
  for (const m of rest.matchAll(NAME_MENTION_START)) {
    const word = /^[\p{L}\p{N}_'-]+/u.exec(rest.slice((m.index ?? 0) + m[0].length))?.[0];
    if (word) words.add(word.toLowerCase());
  }
  return [...words];
}

/**
 * Replaces every `@Name` in `text` that names exactly one of `members` (case-insensitive, the
 * longest name that fits, not followed by more letters) with `token(target)`. A name two members
 * share, or nobody has, stays plain text.
 */
function replaceNameMentions(text: string, members: readonly MentionTarget[], token: (target: MentionTarget) => string): string {
  if (members.length === 0) return text;
  const byLength = [...members].sort((a, b) => b.name.length - a.name.length);
  let out = '';
  let from = 0;
  for (const m of text.matchAll(NAME_MENTION_START)) {
    const at = (m.index ?? 0) + m[0].length - 1;
    if (at < from) continue;
    const after = text.slice(at + 1);
    const fits = (target: MentionTarget) => {
      const name = target.name.trim();
      return name !== '' && after.slice(0, name.length).toLowerCase() === name.toLowerCase() && !NAME_CONTINUES.test(after.charAt(name.length));
    };
    const longest = byLength.find(fits);
    if (!longest) continue;
    const same = byLength.filter((t) => fits(t) && t.name.trim().length === longest.name.trim().length);
    if (same.length !== 1) continue;
    out += text.slice(from, at) + token(longest);
    from = at + 1 + longest.name.trim().length;
  }
  return out + text.slice(from);
}

/** The rendered comment: sanitised HTML and the ids of the members it mentions. */
export interface RenderedComment {
  readonly html: string;
  readonly mentionedIds: readonly string[];
}

/**
 * Renders comment markdown to sanitised HTML. Mentions of members become
 * `<span class="mention" data-user-id="…">@Name</span>` (with the member's current name, so a
 * mention cannot impersonate); mentions of anyone else stay plain text. `@Name` counts as
 * `@[Name](id)` when exactly one of `namedMembers` (the members whose names may be meant, see
 * {@link nameMentionWords}) has that name. The mention markup is inserted after sanitising through
 * unguessable placeholders, so users cannot forge it.
 */
export function renderComment(
  source: string,
  resolve: (ref: MentionRef) => MentionTarget | undefined,
  namedMembers: readonly MentionTarget[] = [],
): RenderedComment {
  const nonce = randomBytes(6).toString('hex');
  const placed: MentionTarget[] = [];
  const mentioned = new Set<string>();
  const place = (target: MentionTarget) => {
    mentioned.add(target.id);
    placed.push(target);
    return `TDMENTION${nonce}X${placed.length - 1}X`;
  };
  const withExplicit = source.replace(
    MENTION_RE,
    (whole, display: string | undefined, id: string | undefined, lead: string | undefined, email: string | undefined) => {
      const ref: MentionRef = id ? { kind: 'id', key: id.toLowerCase() } : { kind: 'email', key: (email ?? '').toLowerCase() };
      const target = resolve(ref);
      const prefix = id ? '' : (lead ?? '');
      if (!target) return id ? `@${display ?? ''}` : whole;
      return `${prefix}${place(target)}`;
    },
  );
  const withTokens = replaceNameMentions(withExplicit, namedMembers, place);
  const raw = marked.parse(withTokens, { async: false });
  let html = sanitizeHtml(raw, SANITIZE).trim();
  html = html.replace(new RegExp(`TDMENTION${nonce}X(\\d+)X`, 'g'), (_m, i: string) => {
    const target = placed[Number(i)];
    return target ? `<span class="mention" data-user-id="${target.id}">@${escapeHtml(target.name)}</span>` : '';
  });
  return { html, mentionedIds: [...mentioned] };
}

const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", nbsp: ' ' };

/**
 * The text of rendered comment or message HTML, for notification titles, toasts, emails and push
 * messages: mentions read "@Name", markdown marks are gone, blocks are separated by a space, and
 * the result is cut to `max` characters with an ellipsis.
 */
export function plainExcerpt(html: string, max: number): string {
  const text = html
    .replace(/<(br|\/p|\/li|\/h[1-6]|\/blockquote|\/pre)\b[^>]*>/gi, ' ')
    .replace(/<[^>]*>/g, '')
    .replace(/&(amp|lt|gt|quot|#39|nbsp);/g, (_m, name: string) => ENTITIES[name] ?? '')
    .replace(/\s+/g, ' ')
    .trim();
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** `s` with the five HTML-special characters as entities. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}
