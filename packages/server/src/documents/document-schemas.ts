import { DOCUMENT_KINDS } from '@tandem/protocol';
import { z } from 'zod';
import { entity, id, shape, timestamp } from '../http/openapi.ts';

/** Response schemas of the document routes (protocol `DocumentInfo`, `DocumentVersion`, …). */

/** A collaborative document: a canvas, or the document of a rich text field. */
export const documentInfoSchema = entity(
  'DocumentInfo',
  {
    id,
    workspace_id: id,
    kind: z.enum(DOCUMENT_KINDS),
    name: z.string(),
    record_id: id.nullable(),
    field_id: id.nullable(),
    created_by: id.nullable(),
    created_at: timestamp,
    updated_at: timestamp,
  },
  'A collaborative document (Yjs): a canvas, or the document of a rich text field.',
);

const versionFields = {
  id,
  document_id: id,
  name: z.string(),
  automatic: z.boolean(),
  created_by: id.nullable(),
  created_at: timestamp,
  changed_since_by: z.array(shape({ user_id: id, name: z.string(), last_at: timestamp })).describe('Who changed the document since this version'),
};

/** A version of a document. */
export const documentVersionSchema = entity('DocumentVersion', versionFields, 'A named or automatic version of a document.');

/** A version with its state, its text and what changed since it. */
export const documentVersionPreviewSchema = entity(
  'DocumentVersionPreview',
  {
    ...versionFields,
    state: z.string().describe('The Yjs state of the version, base64'),
    text: z.string().describe('Its plain text'),
    changes: shape({ kind: z.enum(DOCUMENT_KINDS) }).describe(
      'rich_text: {text: [{kind, text}]}; canvas: {nodes: {added, removed, changed}, edges: {added, removed}}',
    ),
  },
  'A version with its state, its plain text and what changed since it.',
);

/** The ack of a sync message over REST. */
export const syncAnswerSchema = shape({}).describe('The ack `doc_sync` gets over the socket: the server’s answering sync messages (base64)');
