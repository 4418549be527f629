import type { CsvImportType } from '@tandem/protocol';
import type { Queryable } from '../db/database.ts';
import { errors } from '../errors/app-error.ts';
import { choicesOf } from '../tables/field-options.ts';
import { isCalendarDate, parseDateValue } from '../tables/field-values.ts';
import type { Field } from '../tables/table-model.ts';

/** The members of a workspace, to write user cells as e-mail addresses and read them back. */
export interface MemberDirectory {
  /** User id → e-mail address. */
  readonly emailOf: ReadonlyMap<string, string>;
  /** Lower-cased e-mail address or name → user id (names that two members share are left out). */
  readonly idOf: ReadonlyMap<string, string>;
}

/** The member directory of a workspace. */
export async function loadMemberDirectory(db: Queryable, workspaceId: string): Promise<MemberDirectory> {
  const rows = await db.query<{ id: string; email: string; name: string }>(
    'SELECT u.id, u.email, u.name FROM members m JOIN users u ON u.id = m.user_id WHERE m.workspace_id = $1',
    [workspaceId],
  );
  const emailOf = new Map(rows.map((r) => [r.id, r.email]));
  const idOf = new Map<string, string>();
  const names = new Map<string, number>();
  for (const r of rows) names.set(r.name.toLowerCase(), (names.get(r.name.toLowerCase()) ?? 0) + 1);
  for (const r of rows) if (names.get(r.name.toLowerCase()) === 1) idOf.set(r.name.toLowerCase(), r.id);
  for (const r of rows) idOf.set(r.email.toLowerCase(), r.id);
  return { emailOf, idOf };
}

/** Field types a CSV cell can be read into. */
export const IMPORTABLE_TYPES: ReadonlySet<Field['type']> = new Set([
  'text',
  'long_text',
  'rich_text',
  'number',
  'checkbox',
  'date',
  'single_select',
  'multi_select',
  'user',
  'link',
]);

const NUMBER_RE = /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;
const TRUE_WORDS = new Set(['true', 'yes', 'y', '1', 'checked', 'x', '✓']);
const FALSE_WORDS = new Set(['false', 'no', 'n', '0', 'unchecked']);
/** Words a guessed checkbox column may hold (digits alone are read as numbers). */
const CHECKBOX_GUESS = new Set(['true', 'false', 'yes', 'no', 'checked', 'unchecked']);

/** Separates the items of a multiple-value cell (select choices, linked records, attachments) in a CSV file. */
const LIST_SEPARATOR = ', ';

/**
 * A cell as CSV text, by field type: text as it is; numbers in their shortest exact form; `true` /
 * `false`; dates as stored (`YYYY-MM-DD` or a UTC instant); choices by name (several joined by
 * `, `); users by e-mail address; linked records by id; attachments by URL. Empty cells are empty.
 */
export function formatCell(field: Field, value: unknown, members: MemberDirectory): string {
  if (value === null || value === undefined) return '';
  switch (field.type) {
    case 'number':
      return typeof value === 'number' ? String(value) : '';
    case 'checkbox':
      return value === true ? 'true' : 'false';
    case 'single_select':
      return choiceName(field, value);
    case 'multi_select':
      return Array.isArray(value) ? value.map((id) => choiceName(field, id)).join(LIST_SEPARATOR) : '';
    case 'user':
      return typeof value === 'string' ? (members.emailOf.get(value) ?? value) : '';
    case 'link':
      return Array.isArray(value) ? value.join(LIST_SEPARATOR) : '';
    case 'attachment':
      return Array.isArray(value) ? value.map((a) => String((a as { url?: unknown }).url ?? '')).join(LIST_SEPARATOR) : '';
    default:
      return typeof value === 'string' ? value : JSON.stringify(value);
  }
}

function choiceName(field: Field, id: unknown): string {
  return choicesOf(field.options).find((c) => c.id === id)?.name ?? String(id);
}

/**
 * Reads a CSV cell into the value a record write takes for the field (null clears it): the
 * inverse of {@link formatCell}, a little more forgiving (yes/no, 1/0 for checkboxes; a user by
 * e-mail or name). Choices, users and links are checked again by the record write. Throws
 * `invalid_input` naming the field when the text has no form in the field's type.
 */
export function parseCell(field: Field, text: string, members: MemberDirectory): unknown {
  const raw = field.type === 'text' || field.type === 'long_text' || field.type === 'rich_text' ? text : text.trim();
  if (raw === '') return null;
  const refuse = (expectation: string): never => {
    throw errors.invalid(`Field "${field.name}" expects ${expectation}, not "${raw.length > 40 ? `${raw.slice(0, 40)}…` : raw}".`, {
      field_id: field.id,
      field_name: field.name,
    });
  };
  switch (field.type) {
    case 'number':
      return NUMBER_RE.test(raw) && Number.isFinite(Number(raw)) ? Number(raw) : refuse('a number');
    case 'checkbox': {
      const word = raw.toLowerCase();
      if (TRUE_WORDS.has(word)) return true;
      if (FALSE_WORDS.has(word)) return false;
      return refuse('true or false');
    }
    case 'date':
      return parseDateValue(raw) ?? refuse('a date (YYYY-MM-DD or an ISO-8601 time with a zone)');
    case 'single_select':
      return raw;
    case 'multi_select':
    case 'link':
      return splitList(raw);
    case 'user':
      return members.idOf.get(raw.toLowerCase()) ?? refuse("a member's e-mail address or name");
    case 'attachment':
      return refuse('nothing: attachments cannot be imported from CSV');
    default:
      return raw;
  }
}

function splitList(raw: string): string[] {
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * The type a column's sample values suggest: checkbox when every value is a yes/no word, number
 * when every one is a number, date when every one is a date, long text when one holds a line
 * break or is long, text otherwise (and for a column without values).
 */
export function guessType(values: readonly string[]): CsvImportType {
  const present = values.map((v) => v.trim()).filter((v) => v !== '');
  if (present.length === 0) return 'text';
  if (present.every((v) => CHECKBOX_GUESS.has(v.toLowerCase()))) return 'checkbox';
  if (present.every((v) => NUMBER_RE.test(v) && Number.isFinite(Number(v)))) return 'number';
  if (present.every((v) => isCalendarDate(v) || (v.includes('T') && parseDateValue(v) !== null))) return 'date';
  if (values.some((v) => v.includes('\n') || v.length > 500)) return 'long_text';
  return 'text';
}
