import type { Choice, Field, Member } from '../api/types.ts';
import { formatNumber, numberDisplayOf } from './number-format.ts';

/** The choices of a select field (empty for other types). */
export function choicesOf(field: Field): readonly Choice[] {
  const choices = field.options.choices;
  return Array.isArray(choices) ? (choices as Choice[]) : [];
}

/** The table a link field points at, or null. */
export function linkedTableOf(field: Field): string | null {
  const id = field.options.linked_table_id;
  return typeof id === 'string' ? id : null;
}

/** What the grid needs to turn ids (users, linked records) into names. */
export interface DisplayContext {
  readonly members: ReadonlyMap<string, Member>;
  /** Primary text of records of linked tables, by record id (filled lazily). */
  readonly linkedTitles?: ReadonlyMap<string, string>;
}

/** True for null, undefined, '' and []. */
export function isEmptyValue(value: unknown): boolean {
  return value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0);
}

/** The text a cell shows, used for display, sorting and "contains" filters. */
export function displayText(field: Field, value: unknown, ctx: DisplayContext): string {
  if (isEmptyValue(value)) return '';
  switch (field.type) {
    case 'checkbox':
      return value === true ? 'Yes' : 'No';
    case 'number':
      return typeof value === 'number' ? formatNumber(value, numberDisplayOf(field)) : String(value);
    case 'date':
      return typeof value === 'string' ? formatDate(value) : String(value);
    case 'single_select':
      return choicesOf(field).find((c) => c.id === value)?.name ?? String(value);
    case 'multi_select': {
      const choices = choicesOf(field);
      return (value as string[]).map((id) => choices.find((c) => c.id === id)?.name ?? id).join(', ');
    }
    case 'user':
      return ctx.members.get(String(value))?.name ?? 'Former member';
    case 'link':
      return (value as string[]).map((id) => ctx.linkedTitles?.get(id) ?? `#${id.slice(0, 8)}`).join(', ');
    case 'attachment':
      return (value as { name?: string }[]).map((a) => a.name ?? 'file').join(', ');
    default:
      return typeof value === 'string' ? value : JSON.stringify(value);
  }
}

/** Dates show as stored for plain dates (no time-zone shift), instants in local time. */
function formatDate(value: string): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
  const t = Date.parse(value);
  return Number.isNaN(t) ? value : new Date(t).toLocaleString();
}

/** Colours of select choices (names the server gives) mapped to readable chip colours. */
export const CHOICE_CHIP_COLORS: Readonly<Record<string, { bg: string; fg: string }>> = {
  blue: { bg: '#dbeafe', fg: '#1e3a8a' },
  cyan: { bg: '#cffafe', fg: '#155e75' },
  teal: { bg: '#ccfbf1', fg: '#134e4a' },
  green: { bg: '#dcfce7', fg: '#14532d' },
  yellow: { bg: '#fef9c3', fg: '#713f12' },
  orange: { bg: '#ffedd5', fg: '#7c2d12' },
  red: { bg: '#fee2e2', fg: '#7f1d1d' },
  pink: { bg: '#fce7f3', fg: '#831843' },
  purple: { bg: '#ede9fe', fg: '#4c1d95' },
  gray: { bg: '#e5e7eb', fg: '#1f2937' },
};
