import { CHOICE_COLORS, type ChoiceColor, type FieldType, type NumberFormat } from '@tandem/protocol';
import type { Field } from '../api/types.ts';
import { choicesOf, linkedTableOf } from './field-values.ts';
import { numberDisplayOf } from './number-format.ts';

/** A choice being edited; `id` is absent for one added in the editor, `key` identifies it on screen. */
export interface ChoiceDraft {
  readonly key: string;
  readonly id?: string;
  readonly name: string;
  readonly color: ChoiceColor;
}

/** Everything the field editor lets a person change, before it is saved. */
export interface FieldDraft {
  readonly name: string;
  readonly description: string;
  readonly type: FieldType;
  readonly choices: readonly ChoiceDraft[];
  /** Whether the choices were edited; untouched, a field that becomes a select gets one choice per existing value. */
  readonly choicesTouched: boolean;
  readonly precision: number | null;
  readonly format: NumberFormat;
  readonly currency: string;
  readonly linkedTableId: string;
  readonly includeTime: boolean;
}

/** The body of `PATCH /fields/{id}`: only what changed. */
export interface FieldPatchBody {
  readonly name?: string;
  readonly description?: string;
  readonly type?: FieldType;
  readonly options?: Record<string, unknown>;
}

const isSelect = (type: FieldType) => type === 'single_select' || type === 'multi_select';
const asColor = (color: string): ChoiceColor => (CHOICE_COLORS.includes(color as ChoiceColor) ? (color as ChoiceColor) : 'gray');

/** The draft a field starts from: what it is now. */
export function draftOf(field: Field, defaultLinkedTable = ''): FieldDraft {
  const number = numberDisplayOf(field);
  return {
    name: field.name,
    description: field.description ?? '',
    type: field.type,
    choices: choicesOf(field).map((c) => ({ key: c.id, id: c.id, name: c.name, color: asColor(c.color) })),
    choicesTouched: false,
    precision: number.precision,
    format: number.format,
    currency: number.currency ?? 'USD',
    linkedTableId: linkedTableOf(field) ?? defaultLinkedTable,
    includeTime: field.options.include_time === true,
  };
}

/**
 * The options to send for the draft's type, or undefined to let the server carry or derive them:
 * a select keeps its choices when only its kind changes, and a field that becomes a select without
 * edited choices gets one per distinct existing value.
 */
export function draftOptions(draft: FieldDraft, field: Field): Record<string, unknown> | undefined {
  switch (draft.type) {
    case 'single_select':
    case 'multi_select':
      if (!draft.choicesTouched) return undefined;
      return { choices: draft.choices.map((c) => ({ ...(c.id ? { id: c.id } : {}), name: c.name.trim(), color: c.color })) };
    case 'number':
      return {
        ...(draft.precision === null ? {} : { precision: draft.precision }),
        ...(draft.format === 'plain' ? {} : { format: draft.format }),
        ...(draft.format === 'currency' ? { currency: draft.currency.trim().toUpperCase() } : {}),
      };
    case 'link':
      return { linked_table_id: draft.linkedTableId };
    case 'date':
      return draft.includeTime ? { include_time: true } : {};
    default:
      return draft.type === field.type ? undefined : {};
  }
}

/** What saving the draft sends: the changed properties only (empty when nothing changed). */
export function draftPatch(draft: FieldDraft, field: Field): FieldPatchBody {
  const options = draftOptions(draft, field);
  const optionsChanged = options !== undefined && JSON.stringify(options) !== JSON.stringify(comparableOptions(field));
  return {
    ...(draft.name.trim() !== field.name ? { name: draft.name.trim() } : {}),
    ...(draft.description.trim() !== (field.description ?? '') ? { description: draft.description.trim() } : {}),
    ...(draft.type !== field.type ? { type: draft.type } : {}),
    ...(draft.type !== field.type || optionsChanged ? { options } : {}),
  };
}

/** Whether saving could convert or clear stored values, so a preview is worth asking for. */
export function draftChangesValues(patch: FieldPatchBody): boolean {
  return patch.type !== undefined || (patch.options !== undefined && isSelectOptions(patch.options));
}

/** The choices the draft removes from the field (those whose values saving would clear). */
export function removedChoices(draft: FieldDraft, field: Field): string[] {
  if (!isSelect(draft.type) || !draft.choicesTouched) return [];
  const kept = new Set(draft.choices.map((c) => c.id));
  return choicesOf(field)
    .filter((c) => !kept.has(c.id))
    .map((c) => c.name);
}

/** The colour a new choice gets: the first of the palette the draft does not use yet. */
export function nextChoiceColor(choices: readonly ChoiceDraft[]): ChoiceColor {
  const used = new Set(choices.map((c) => c.color));
  return CHOICE_COLORS.find((c) => !used.has(c)) ?? CHOICE_COLORS[choices.length % CHOICE_COLORS.length] ?? 'gray';
}

/** Options of the field in the same key order {@link draftOptions} writes them, to compare. */
function comparableOptions(field: Field): Record<string, unknown> | undefined {
  return draftOptions({ ...draftOf(field), choicesTouched: true }, field);
}

function isSelectOptions(options: Record<string, unknown>): boolean {
  return Array.isArray(options.choices);
}
