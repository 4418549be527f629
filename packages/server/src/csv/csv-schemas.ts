import { CSV_IMPORT_TYPES } from '@tandem/protocol';
import { z } from 'zod';
import { entity, id, shape } from '../http/openapi.ts';

/** What the preview of a CSV file answers (protocol `CsvPreview`). */
export const csvPreviewSchema = entity(
  'CsvPreview',
  {
    columns: z.array(
      shape({
        name: z.string(),
        type: z.enum(CSV_IMPORT_TYPES).describe('The field type the values suggest'),
        distinct: z.array(z.string()).describe('Distinct values seen (up to 100), for the choices of a single-select column'),
      }),
    ),
    rows: z.array(z.array(z.string())).describe('The first data rows (up to 20), as text'),
    sampled_rows: z.number().int().describe('Data rows the sample held; the types are guessed from all of them'),
  },
  'The columns of a CSV file with a guessed type each, and its first rows.',
);

/** What an import did (protocol `CsvImportReport`). */
export const csvImportReportSchema = entity(
  'CsvImportReport',
  {
    rows: z.number().int(),
    created: z.number().int(),
    updated: z.number().int(),
    failed: z.number().int(),
    errors: z
      .array(shape({ row: z.number().int(), line: z.number().int(), code: z.string(), message: z.string(), field_id: id.optional() }))
      .describe('Rows refused and why (the first 1000); `row` counts data rows from 1, `line` is the line of the file'),
    stopped: shape({ line: z.number().int(), message: z.string() })
      .optional()
      .describe('Set when the file could not be read on; the rows before it were imported'),
  },
  'Rows created, updated (upsert) and refused by a CSV import.',
  { rows: 3, created: 2, updated: 0, failed: 1, errors: [{ row: 2, line: 3, code: 'invalid_input', message: 'Quantity: expected a number' }] },
);
