import type { Field, Member } from '../api/types.ts';
import { choicesOf } from './field-values.ts';
import { numberDisplayOf } from './number-format.ts';

/** What turning cell values into clipboard text and back needs to know beyond the field. */
export interface CellTextContext {
  /** Members of the workspace by user id. */
  readonly members: ReadonlyMap<string, Member>;
  /** Primary text of linked records by record id. */
  readonly linkedTitles?: ReadonlyMap<string, string>;
  /** The records a link field may point at (id and title), by field id. */
  readonly linkOptions?: ReadonlyMap<string, readonly { readonly id: string; readonly title: string }[]>;
}

/** A cell's text read into a value for its field: the value (null clears), or why it cannot be. */
export type ParsedCell = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly message: string };

/** Separates the items of a multiple-value cell (choices, linked records), as the CSV export does. */
const LIST_SEPARATOR = ', ';
const NUMBER_RE = /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;
const GROUPED_RE = /^[-+]?\d{1,3}(,\d{3})+(\.\d+)?$/;
const DECIMAL_COMMA_RE = /^[-+]?\d+,\d+$/;
const DATE_RE = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$/;
const INSTANT_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TRUE_WORDS = new Set(['true', 'yes', 'y', '1', 'checked', 'x', '✓', '✔', 'on']);
const FALSE_WORDS = new Set(['false', 'no', 'n', '0', 'unchecked', 'off']);

/**
 * A cell as clipboard text, so that a spreadsheet shows it readably and {@link parseCellText}
 * reads it back to the same value: text as it is; numbers in full precision; `TRUE` / `FALSE`
 * (as spreadsheets write booleans); dates as stored; choices by name and linked records by title
 * (several joined by `, `); users by e-mail address; attachments by name. Empty cells are empty.
 */
export function cellText(field: Field, value: unknown, ctx: CellTextContext): string {
  if (value === null || value === undefined) return '';
  switch (field.type) {
    case 'number':
      return typeof value === 'number' ? String(value) : '';
    case 'checkbox':
      return value === true ? 'TRUE' : 'FALSE';
    case 'single_select':
      return choicesOf(field).find((c) => c.id === value)?.name ?? String(value);
    case 'multi_select':
      return listOf(value)
        .map((id) => choicesOf(field).find((c) => c.id === id)?.name ?? id)
        .join(LIST_SEPARATOR);
    case 'user':
      return ctx.members.get(String(value))?.email ?? String(value);
    case 'link':
      return listOf(value)
        .map((id) => ctx.linkedTitles?.get(id) || id)
        .join(LIST_SEPARATOR);
    case 'attachment':
      return (Array.isArray(value) ? value : []).map((a) => String((a as { name?: unknown }).name ?? '')).join(LIST_SEPARATOR);
    default:
      return typeof value === 'string' ? value : JSON.stringify(value);
  }
}

/**
 * Reads pasted text into the value a record write takes for the field, by type: numbers also
 * with thousands separators (`1,234.5`) or a decimal comma (`3,5`), and as a currency or percent
 * field shows them (`€1,234.50`, `25%`); checkboxes from TRUE/FALSE,
 * yes/no, 1/0, x; dates as `YYYY-MM-DD` (or `/`) or an ISO-8601 time with a zone; choices by
 * name (case-insensitive, several separated by commas); users by e-mail address or a name only
 * one member has; linked records by title or id. Empty text clears the cell. Attachments and
 * rich text cannot be pasted into.
 */
export function parseCellText(field: Field, text: string, ctx: CellTextContext): ParsedCell {
  const keepsSpaces = field.type === 'text' || field.type === 'long_text' || field.type === 'rich_text';
  const raw = keepsSpaces ? text : text.trim();
  if (raw === '') return { ok: true, value: null };
  const refuse = (expectation: string): ParsedCell => ({ ok: false, message: `${field.name} expects ${expectation}, not “${clip(raw)}”.` });
  switch (field.type) {
    case 'text':
    case 'long_text':
    case 'rich_text':
      return { ok: true, value: raw };
    case 'number': {
      const n = readNumber(withoutNumberFormat(field, raw));
      return n === null ? refuse('a number') : { ok: true, value: n };
    }
    case 'checkbox': {
      const word = raw.toLowerCase();
      if (TRUE_WORDS.has(word)) return { ok: true, value: true };
      if (FALSE_WORDS.has(word)) return { ok: true, value: false };
      return refuse('yes or no');
    }
    case 'date': {
      const date = readDate(raw);
      return date === null ? refuse('a date (YYYY-MM-DD)') : { ok: true, value: date };
    }
    case 'single_select': {
      const id = choiceId(field, raw);
      return id === null ? refuse(`one of ${choiceNames(field)}`) : { ok: true, value: id };
    }
    case 'multi_select': {
      const ids: string[] = [];
      for (const name of splitList(raw)) {
        const id = choiceId(field, name);
        if (id === null) return refuse(`choices among ${choiceNames(field)}`);
        if (!ids.includes(id)) ids.push(id);
      }
      return { ok: true, value: ids.length === 0 ? null : ids };
    }
    case 'user': {
      const id = memberId(raw, ctx.members);
      return id === null ? refuse("a member's e-mail address or name") : { ok: true, value: id };
    }
    case 'link': {
      const ids: string[] = [];
      for (const item of splitList(raw)) {
        const id = linkedId(item, ctx.linkOptions?.get(field.id) ?? [], ctx.linkedTitles);
        if (id === null) return refuse('titles or ids of records of its linked table');
        if (!ids.includes(id)) ids.push(id);
      }
      return { ok: true, value: ids.length === 0 ? null : ids };
    }
    case 'attachment':
      return { ok: false, message: `${field.name} takes files: attachments cannot be pasted.` };
  }
}

/** Text as a formatted number shows it (`€1,234.50`, `25%`) without the currency or percent sign of its field's format. */
function withoutNumberFormat(field: Field, raw: string): string {
  const { format, currency } = numberDisplayOf(field);
  if (format === 'percent') return raw.replace(/\s*%$/, '');
  if (format !== 'currency') return raw;
  const code = currency && /^[A-Z]{3}$/.test(currency) ? new RegExp(`^${currency}\\s*|\\s*${currency}$`, 'i') : null;
  return (code ? raw.replace(code, '') : raw).replace(/^([-+]?)\p{Sc}\s*|\s*\p{Sc}$/u, '$1');
}

function readNumber(raw: string): number | null {
  let s = raw.replace(/[\s\u00a0]/g, '');
  if (GROUPED_RE.test(s)) s = s.replaceAll(',', '');
  else if (DECIMAL_COMMA_RE.test(s)) s = s.replace(',', '.');
  if (!NUMBER_RE.test(s)) return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : null;
}

function readDate(raw: string): string | null {
  const m = DATE_RE.exec(raw);
  if (m) {
    const iso = `${m[1]}-${(m[2] ?? '').padStart(2, '0')}-${(m[3] ?? '').padStart(2, '0')}`;
    const d = new Date(`${iso}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === iso ? iso : null;
  }
  if (!INSTANT_RE.test(raw)) return null;
  const t = Date.parse(raw);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

function choiceId(field: Field, name: string): string | null {
  const wanted = name.trim().toLowerCase();
  const choices = choicesOf(field);
  return choices.find((c) => c.name.toLowerCase() === wanted)?.id ?? choices.find((c) => c.id === name.trim())?.id ?? null;
}

function choiceNames(field: Field): string {
  const names = choicesOf(field).map((c) => c.name);
  return names.length === 0 ? 'its choices (none defined)' : names.join(', ');
}

function memberId(raw: string, members: ReadonlyMap<string, Member>): string | null {
  const wanted = raw.toLowerCase();
  const all = [...members.values()];
  const byEmail = all.find((m) => m.email.toLowerCase() === wanted);
  if (byEmail) return byEmail.user_id;
  const byName = all.filter((m) => m.name.toLowerCase() === wanted);
  if (byName.length === 1) return byName[0]?.user_id ?? null;
  return members.has(raw) ? raw : null;
}

function linkedId(
  item: string,
  options: readonly { readonly id: string; readonly title: string }[],
  titles: ReadonlyMap<string, string> | undefined,
): string | null {
  if (UUID_RE.test(item)) return item.toLowerCase();
  const wanted = item.toLowerCase();
  const matches = options.filter((o) => o.title.toLowerCase() === wanted);
  if (matches.length === 1) return matches[0]?.id ?? null;
  if (matches.length === 0 && titles) {
    const found = [...titles].filter(([, title]) => title.toLowerCase() === wanted);
    if (found.length === 1) return found[0]?.[0] ?? null;
  }
  return null;
}

function splitList(raw: string): string[] {
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function listOf(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [String(value)];
}

function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
