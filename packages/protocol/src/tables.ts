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

/** A choice of a single or multi select field; record values store the choice `id`. */
export interface FieldChoice {
  readonly id: string;
  readonly name: string;
  readonly color: string;
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
