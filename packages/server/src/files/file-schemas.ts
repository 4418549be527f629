import { z } from 'zod';
import { entity, id, timestamp } from '../http/openapi.ts';

/** A stored file's metadata (protocol `StoredFile`). */
export const storedFileSchema = entity(
  'StoredFile',
  {
    id,
    workspace_id: id,
    name: z.string(),
    mime: z.string().describe('Sniffed from the bytes'),
    size: z.number().int(),
    width: z.number().nullable(),
    height: z.number().nullable(),
    created_at: timestamp,
    url: z.string(),
    thumbnail_url: z.string().nullable(),
  },
  "An uploaded file's name, type, size and URLs.",
);

/** The bytes of a file, in the type it was sniffed as. */
export const fileBytes = {
  description: 'The file, sent as its sniffed type (PNG, JPEG, GIF and WebP inline, everything else as an attachment)',
  content: { 'application/octet-stream': { schema: z.string().meta({ format: 'binary' }) } },
};

/** A thumbnail. */
export const thumbnailBytes = {
  description: 'A WebP thumbnail, at most 320 px',
  content: { 'image/webp': { schema: z.string().meta({ format: 'binary' }) } },
};
