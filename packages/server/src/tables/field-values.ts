import type { AttachmentValue } from '@tandem/protocol';
import { z } from 'zod';
import type { Queryable } from '../db/database.ts';
import { errors } from '../errors/app-error.ts';
import { choicesOf, linkedTableOf } from './field-options.ts';
import type { Field } from './table-model.ts';

/** Longest value of a `text` field, in characters. */
export const MAX_TEXT_LENGTH = 10_000;
/** Longest value of a `long_text` field, in characters. */
export const MAX_LONG_TEXT_LENGTH = 100_000;
/** Most linked records or attachments one cell holds. */
export const MAX_LIST_ITEMS = 1000;

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

const attachmentSchema = z
  .object({
    name: z.string().trim().min(1).max(500),
    url: z
      .string()
      .max(4000)
      .refine((u) => /^https?:\/\//i.test(u) || u.startsWith('/'), 'must be an http(s) URL or a path on this server'),
    size: z.number().int().min(0),
    mime_type: z.string().trim().min(1).max(200),
  })
  .strict();

/** Field ids mapped to their new value; `null` clears the cell. */
export type ValueChanges = Map<string, unknown>;

function wrong(field: Field, expectation: string): never {
  throw errors.invalid(`Field "${field.name}" expects ${expectation}.`, { field_id: field.id, field_name: field.name, type: field.type });
}

/** A calendar date `YYYY-MM-DD` that exists (no 30 February). */
export function isCalendarDate(s: string): boolean {
  const m = DATE_RE.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === s;
}

/** A date value: `YYYY-MM-DD`, or with a time an ISO-8601 instant normalised to UTC; null when not a date. */
export function parseDateValue(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const s = value.trim();
  if (isCalendarDate(s)) return s;
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(s)) return null;
  const t = Date.parse(s);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

/**
 * Checks the shape of one value against its field and returns the value to store, or null to
 * clear the cell (null, empty text and empty lists all clear). Select values may name a choice
 * by id or by name; the id is stored. Throws `invalid_input` naming the field.
 */
export function normaliseValue(field: Field, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (field.type) {
    case 'text':
    case 'long_text':
    case 'rich_text': {
      if (typeof value !== 'string') wrong(field, 'text');
      const max = field.type === 'text' ? MAX_TEXT_LENGTH : MAX_LONG_TEXT_LENGTH;
      if (value.length > max) wrong(field, `text of at most ${max} characters`);
      return value === '' ? null : value;
    }
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) wrong(field, 'a finite number');
      return value;
    case 'checkbox':
      if (typeof value !== 'boolean') wrong(field, 'true or false');
      return value;
    case 'date': {
      const date = parseDateValue(value);
      if (date === null) wrong(field, 'a date (YYYY-MM-DD or an ISO-8601 time with a zone)');
      return date;
    }
    case 'single_select': {
      if (typeof value !== 'string') wrong(field, 'one choice (its id or name)');
      return choiceId(field, value);
    }
    case 'multi_select': {
      if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) wrong(field, 'a list of choices (ids or names)');
      const ids = [...new Set((value as string[]).map((v) => choiceId(field, v)))];
      return ids.length === 0 ? null : ids;
    }
    case 'user':
      if (typeof value !== 'string' || !UUID_RE.test(value)) wrong(field, "a member's user id");
      return value.toLowerCase();
    case 'link': {
      if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || !UUID_RE.test(v))) wrong(field, 'a list of record ids');
      if (value.length > MAX_LIST_ITEMS) wrong(field, `at most ${MAX_LIST_ITEMS} linked records`);
      const ids = [...new Set((value as string[]).map((v) => v.toLowerCase()))];
      return ids.length === 0 ? null : ids;
    }
    case 'attachment': {
      if (!Array.isArray(value) || value.length > MAX_LIST_ITEMS) wrong(field, 'a list of attachments');
      const list: AttachmentValue[] = value.map((item) => {
        const parsed = attachmentSchema.safeParse(item);
        if (!parsed.success) wrong(field, 'attachments {name, url, size, mime_type}');
        return parsed.data;
      });
      return list.length === 0 ? null : list;
    }
  }
}

function choiceId(field: Field, value: string): string {
  const choices = choicesOf(field.options);
  const byId = choices.find((c) => c.id === value);
  if (byId) return byId.id;
  const byName = choices.find((c) => c.name.toLowerCase() === value.trim().toLowerCase());
  if (byName) return byName.id;
  return wrong(field, `one of its choices (${choices.map((c) => c.name).join(', ') || 'none defined'}), not "${value}"`);
}

/**
 * Validates a record write against the table's fields: every key must be a field id of the
 * table, every value must fit its field, users must be members of the workspace and linked
 * records must exist in the linked table. Returns the normalised values (null = clear).
 */
export async function validateValues(
  db: Queryable,
  workspaceId: string,
  fields: readonly Field[],
  input: Readonly<Record<string, unknown>>,
): Promise<ValueChanges> {
  const byId = new Map(fields.map((f) => [f.id, f]));
  const out: ValueChanges = new Map();
  for (const [fieldId, raw] of Object.entries(input)) {
    const field = byId.get(fieldId);
    if (!field) throw errors.invalid(`Unknown field id "${fieldId}" in this table.`, { field_id: fieldId });
    out.set(field.id, normaliseValue(field, raw));
  }
  for (const [fieldId, value] of out) {
    const field = byId.get(fieldId);
    if (!field || value === null) continue;
    if (field.type === 'user') {
      const [member] = await db.query('SELECT 1 FROM members WHERE workspace_id = $1 AND user_id = $2', [workspaceId, value as string]);
      if (!member) wrong(field, 'a member of this workspace');
    }
    if (field.type === 'link') {
      const ids = value as string[];
      const linkedTable = linkedTableOf(field.options);
      if (!linkedTable) wrong(field, 'a linked table in its options');
      const found = await db.query<{ id: string }>('SELECT id FROM records WHERE table_id = $1 AND id = ANY($2::uuid[])', [linkedTable, ids]);
      if (found.length !== ids.length) {
        const present = new Set(found.map((r) => r.id));
        wrong(field, `records of its linked table; ${ids.find((id) => !present.has(id))} is not one`);
      }
    }
  }
  return out;
}
