import { z } from 'zod';
import { entity, id, nextCursor, shape, timestamp } from '../http/openapi.ts';

/** A record (protocol `RecordInfo`). */
export const recordInfoSchema = entity(
  'RecordInfo',
  {
    id,
    table_id: id,
    values: z.record(z.string(), z.unknown()).describe('Field id → value; only set fields'),
    version: z.number().int().describe('Starts at 1, one more on every change'),
    created_by: id.nullable(),
    updated_by: id.nullable(),
    created_at: timestamp,
    updated_at: timestamp,
  },
  'A record: values keyed by field id, and a version that increases by one on every change.',
  {
    id: '5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b',
    table_id: '6a7b8c9d-0e1f-4a2b-9c3d-4e5f6a7b8c9d',
    values: { '3b9e0c1d-2a4f-4e6b-8c7d-5f1a2b3c4d5e': 'sel_1a2b3c4d5e6f' },
    version: 3,
    created_by: '8d6b2f0e-3c1a-4b7e-9f10-2a4c6e8b0d13',
    updated_by: '8d6b2f0e-3c1a-4b7e-9f10-2a4c6e8b0d13',
    created_at: '2026-03-02T09:30:00.000Z',
    updated_at: '2026-03-02T10:12:00.000Z',
  },
);

/** A page of records. */
export const recordPageSchema = shape({ records: z.array(recordInfoSchema), next_cursor: nextCursor });

/** The records a batch wrote, in the order given. */
export const recordBatchSchema = shape({ records: z.array(recordInfoSchema) });

/** `GET /tables/{id}/search`. */
export const searchResultSchema = z
  .object({
    matches: z.array(z.object({ record_id: z.uuid(), field_ids: z.array(z.uuid()).describe('The fields of the record the text is in') })),
    total: z.number().int().describe('Records that match, also those past the list'),
    truncated: z.boolean().describe('More records match than are listed'),
  })
  .meta({ id: 'SearchResult' });
