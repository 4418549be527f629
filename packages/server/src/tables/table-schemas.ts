import { fieldTypeSchema, viewFilterSchema, viewSortSchema } from '@tandem/protocol';
import { z } from 'zod';
import { entity, id, shape, timestamp } from '../http/openapi.ts';

/** Response schemas of the table, field and view routes (protocol `TableInfo`, `FieldInfo`, `ViewInfo`). */

/** A table. */
const tableFields = {
  id,
  workspace_id: id,
  name: z.string(),
  description: z.string(),
  position: z.number(),
  created_by: id.nullable(),
  created_at: timestamp,
  updated_at: timestamp,
};
export const tableInfoSchema = entity('TableInfo', tableFields, 'A table of records.');

/** A field (column); `options` depends on `type` (docs/api.md). */
const fieldFields = {
  id,
  table_id: id,
  name: z.string(),
  description: z.string().describe("What the field is for ('' when none)"),
  type: fieldTypeSchema,
  options: z.record(z.string(), z.unknown()),
  position: z.number(),
  created_at: timestamp,
};
export const fieldInfoSchema = entity('FieldInfo', fieldFields, 'A field (column) of a table; `options` depends on `type`.', {
  id: '3b9e0c1d-2a4f-4e6b-8c7d-5f1a2b3c4d5e',
  table_id: '6a7b8c9d-0e1f-4a2b-9c3d-4e5f6a7b8c9d',
  name: 'Status',
  description: 'Where the order stands',
  type: 'single_select',
  options: { choices: [{ id: 'sel_1a2b3c4d5e6f', name: 'Ready', color: 'green' }] },
  position: 1,
  created_at: '2026-03-02T09:30:00.000Z',
});

/** A saved view. */
export const viewInfoSchema = entity(
  'ViewInfo',
  {
    id,
    table_id: id,
    name: z.string(),
    filters: z.array(viewFilterSchema),
    sorts: z.array(viewSortSchema),
    hidden_fields: z.array(z.string()),
    position: z.number(),
    created_by: id.nullable(),
    created_at: timestamp,
    updated_at: timestamp,
  },
  'A saved view of a table: filters, sorts, hidden fields.',
);

/** A table with its fields and views. */
export const tableDetailSchema = entity(
  'TableDetail',
  { ...tableFields, fields: z.array(fieldInfoSchema), views: z.array(viewInfoSchema) },
  'A table with its fields and views.',
);

/** What a field change did to stored values. */
export const recordsChanged = z.number().int().describe('Records whose stored values were converted or cleared');

/** `PATCH /fields/{id}`: the field and how many records changed. */
export const fieldUpdateSchema = shape({ ...fieldFields, records_changed: recordsChanged });

/** `POST /fields/{id}/conversion-preview`: what a type or options change would do (protocol `FieldConversionPreview`). */
export const conversionPreviewSchema = entity(
  'FieldConversionPreview',
  {
    records_total: z.number().int().describe('Records in the table'),
    records_changed: z.number().int().describe('Records whose value of the field would be converted or cleared'),
    values_cleared: z.number().int().describe('Values with no form in the new type or options, which would be cleared'),
  },
  'What changing a field to the given type and options would do to stored values; nothing is written.',
);
