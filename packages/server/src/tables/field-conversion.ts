import type { FieldChoice } from '@tandem/protocol';
import { choicesOf, linkedTableOf } from './field-options.ts';
import { MAX_LONG_TEXT_LENGTH, MAX_TEXT_LENGTH, parseDateValue } from './field-values.ts';
import type { Field } from './table-model.ts';

const TRUE_WORDS = new Set(['true', 'yes', 'y', '1', 'x', 'checked', 'on']);
const FALSE_WORDS = new Set(['false', 'no', 'n', '0', 'unchecked', 'off']);

/**
 * Converts one stored value when its field changes type or options. The rule: a value that has an
 * unambiguous form in the new type is converted, anything else is cleared (returns null).
 *
 * - to text / long text: text, numbers, dates and checkboxes by their text form; select choices by
 *   name (several joined by ", "); users, links and attachments are cleared.
 * - to number: numeric text and numbers; to checkbox: numbers (non-zero is checked) and yes/no words;
 *   to date: text that parses as a date, and dates.
 * - to single / multi select: a choice whose id still exists keeps it; other choices, text (split
 *   on commas), numbers and dates are matched by name (case-insensitive) against the new choices;
 *   a single select keeps the first of several.
 * - user, link and attachment values survive only an unchanged type (and, for links, an unchanged
 *   linked table); select values survive only when their choice still exists.
 */
export function convertValue(value: unknown, from: Field, to: Field): unknown {
  if (value === null || value === undefined) return null;
  const names = choiceNames(from, value);
  switch (to.type) {
    case 'text':
    case 'long_text':
    case 'rich_text': {
      const text = asText(from, value, names);
      if (text === null || text === '') return null;
      const max = to.type === 'text' ? MAX_TEXT_LENGTH : MAX_LONG_TEXT_LENGTH;
      return text.slice(0, max);
    }
    case 'number': {
      if (typeof value === 'number') return value;
      if (typeof value !== 'string' || value.trim() === '') return null;
      const n = Number(value.trim().replaceAll(',', ''));
      return Number.isFinite(n) ? n : null;
    }
    case 'checkbox': {
      if (typeof value === 'boolean') return value;
      if (typeof value === 'number') return value !== 0;
      if (typeof value !== 'string') return null;
      const word = value.trim().toLowerCase();
      return TRUE_WORDS.has(word) ? true : FALSE_WORDS.has(word) ? false : null;
    }
    case 'date':
      return from.type === 'date' || from.type === 'text' || from.type === 'long_text' ? parseDateValue(value) : null;
    case 'single_select':
      return matchChoices(from, to, value, names)[0] ?? null;
    case 'multi_select': {
      const ids = matchChoices(from, to, value, names);
      return ids.length === 0 ? null : ids;
    }
    case 'user':
      return from.type === 'user' ? value : null;
    case 'link':
      return from.type === 'link' && linkedTableOf(from.options) === linkedTableOf(to.options) ? value : null;
    case 'attachment':
      return from.type === 'attachment' ? value : null;
  }
}

/**
 * The names a value offers to a select field: the choice names of a select value, the
 * comma-separated parts of a text value, or the text form of a number, checkbox or date.
 */
export function choiceNames(from: Field, value: unknown): string[] {
  if (from.type === 'single_select' || from.type === 'multi_select') {
    const ids = Array.isArray(value) ? (value as string[]) : [value as string];
    const choices = choicesOf(from.options);
    return ids.map((id) => choices.find((c) => c.id === id)?.name).filter((n): n is string => n !== undefined);
  }
  if (from.type === 'text' || from.type === 'long_text') {
    return (value as string)
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  }
  if (from.type === 'number' || from.type === 'checkbox' || from.type === 'date') return [String(value)];
  return [];
}

function asText(from: Field, value: unknown, names: readonly string[]): string | null {
  switch (from.type) {
    case 'text':
    case 'long_text':
    case 'rich_text':
    case 'date':
      return value as string;
    case 'number':
    case 'checkbox':
      return String(value);
    case 'single_select':
    case 'multi_select':
      return names.join(', ');
    default:
      return null;
  }
}

function matchChoices(from: Field, to: Field, value: unknown, names: readonly string[]): string[] {
  const choices: readonly FieldChoice[] = choicesOf(to.options);
  const byName = (n: string) => choices.find((c) => c.name.toLowerCase() === n.toLowerCase())?.id;
  let ids: (string | undefined)[];
  if (from.type === 'single_select' || from.type === 'multi_select') {
    // A choice that kept its id survives a rename; one that lost it may still match by name.
    const oldChoices = choicesOf(from.options);
    const old = Array.isArray(value) ? (value as string[]) : [value as string];
    ids = old.map((id) => (choices.some((c) => c.id === id) ? id : byName(oldChoices.find((c) => c.id === id)?.name ?? '')));
  } else {
    ids = names.map(byName);
  }
  return [...new Set(ids.filter((id): id is string => id !== undefined))];
}
