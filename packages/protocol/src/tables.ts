import { z } from 'zod';
import type { FieldType } from './domain.ts';

/** Filter operators a view or a record query can use; which apply depends on the field type. */
export const FILTER_OPERATORS = ['eq', 'neq', 'contains', 'not_contains', 'gt', 'gte', 'lt', 'lte', 'empty', 'not_empty'] as const;
/** A filter operator. */
export type FilterOperator = (typeof FILTER_OPERATORS)[number];

/** Which filter operators each field type supports (the first is what a new filter starts with). */
export const OPERATORS_BY_TYPE: Readonly<Record<FieldType, readonly FilterOperator[]>> = {
  text: ['contains', 'not_contains', 'eq', 'neq', 'empty', 'not_empty'],
  long_text: ['contains', 'not_contains', 'eq', 'neq', 'empty', 'not_empty'],
  rich_text: ['contains', 'not_contains', 'eq', 'neq', 'empty', 'not_empty'],
  number: ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'empty', 'not_empty'],
  checkbox: ['eq', 'neq'],
  date: ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'empty', 'not_empty'],
  single_select: ['eq', 'neq', 'empty', 'not_empty'],
  multi_select: ['contains', 'not_contains', 'empty', 'not_empty'],
  user: ['eq', 'neq', 'empty', 'not_empty'],
  link: ['contains', 'not_contains', 'empty', 'not_empty'],
  attachment: ['empty', 'not_empty'],
};

/**
 * Any JSON value. Registered under the id `JsonValue`, so the OpenAPI document describes this
 * recursive schema once, as a component every use refers to.
 */
export const jsonValueSchema = z.json().register(z.globalRegistry, { id: 'JsonValue', description: 'Any JSON value.' });

/**
 * One condition of a view or a record query: `field_id` `op` `value`. All conditions must hold.
 * `value` is ignored by `empty` / `not_empty`; a user field also accepts `"me"`.
 */
export const viewFilterSchema = z.object({
  field_id: z.string().min(1).max(200),
  op: z.enum(FILTER_OPERATORS),
  value: jsonValueSchema.optional(),
});
/** A filter condition. */
export type ViewFilter = z.infer<typeof viewFilterSchema>;

/** One sort key of a view or a record query; empty values always sort last. */
export const viewSortSchema = z.object({
  field_id: z.string().min(1).max(200),
  direction: z.enum(['asc', 'desc']).default('asc'),
});
/** A sort key. */
export type ViewSort = z.infer<typeof viewSortSchema>;

/** Colours a select choice may have; a choice given without one gets the next in this order. */
export const CHOICE_COLORS = ['blue', 'cyan', 'teal', 'green', 'yellow', 'orange', 'red', 'pink', 'purple', 'gray'] as const;
/** A select choice's colour. */
export type ChoiceColor = (typeof CHOICE_COLORS)[number];

/** A choice of a single or multi select field; record values store the choice `id`. */
export interface FieldChoice {
  readonly id: string;
  readonly name: string;
  readonly color: string;
}

/**
 * How a number field shows its values (options `format`, default `plain`): `currency` in the
 * currency of options `currency` (ISO 4217, e.g. `EUR`), `percent` with a `%` after the stored
 * number (25 shows as 25%). Options `precision` (0–10) fixes the decimals in every format.
 */
export const NUMBER_FORMATS = ['plain', 'currency', 'percent'] as const;
/** A number field's display format. */
export type NumberFormat = (typeof NUMBER_FORMATS)[number];

/**
 * Server → client: what a field change would do to stored values, from
 * `POST /fields/{id}/conversion-preview`, before anything is written.
 */
export interface FieldConversionPreview {
  /** Records in the table. */
  readonly records_total: number;
  /** Records whose value of the field would change (converted or cleared). */
  readonly records_changed: number;
  /** Of those, values that have no form in the new type or options and would be cleared. */
  readonly values_cleared: number;
}

/** Metadata of an attached file (the file itself lives elsewhere, at `url`). */
export interface AttachmentValue {
  readonly name: string;
  readonly url: string;
  readonly size: number;
  readonly mime_type: string;
}

/** Server → client: a table as the API returns it. */
export interface TableInfo {
  readonly id: string;
  readonly workspace_id: string;
  readonly name: string;
  readonly description: string;
  readonly position: number;
  readonly created_by: string | null;
  readonly created_at: string;
  readonly updated_at: string;
}

/** Server → client: a field (column) of a table. `options` depends on `type` (see docs/api.md). */
export interface FieldInfo {
  readonly id: string;
  readonly table_id: string;
  readonly name: string;
  /** What the field is for, shown to people next to its name ('' when none). */
  readonly description: string;
  readonly type: FieldType;
  readonly options: Readonly<Record<string, unknown>>;
  readonly position: number;
  readonly created_at: string;
}

/** Server → client: a saved view of a table. `hidden_fields` only affects presentation. */
export interface ViewInfo {
  readonly id: string;
  readonly table_id: string;
  readonly name: string;
  readonly filters: readonly ViewFilter[];
  readonly sorts: readonly ViewSort[];
  readonly hidden_fields: readonly string[];
  readonly position: number;
  readonly created_by: string | null;
  readonly created_at: string;
  readonly updated_at: string;
}

/**
 * Server → client: a record. `values` is keyed by field id and holds only set fields;
 * `version` starts at 1 and increases by one on every change.
 */
export interface RecordInfo {
  readonly id: string;
  readonly table_id: string;
  readonly values: Readonly<Record<string, unknown>>;
  readonly version: number;
  readonly created_by: string | null;
  readonly updated_by: string | null;
  readonly created_at: string;
  readonly updated_at: string;
}

/** Data of the `record_updated` durable event: the record after the change and the fields that changed. */
export interface RecordUpdatedData extends RecordInfo {
  readonly changed_fields: readonly string[];
}
