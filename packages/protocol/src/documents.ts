import { z } from 'zod';

/**
 * Collaborative documents: Yjs documents in rooms `doc:{id}`, attached to a record's rich text
 * field or standing alone as a canvas (a node graph) of a workspace or a record.
 */

/** What a document is. */
export const DOCUMENT_KINDS = ['rich_text', 'canvas'] as const;
/** A document kind. */
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

/** The Yjs shared type of a rich text document: the `XmlFragment` an editor (TipTap's `field`) binds to. */
export const RICH_TEXT_FRAGMENT = 'content';
/** The Yjs shared types of a canvas: `Y.Map` of node id → `Y.Map` of {@link CanvasNodeFields}, and edge id → `Y.Map` of {@link CanvasEdgeFields}. */
export const CANVAS_NODES = 'nodes';
export const CANVAS_EDGES = 'edges';

/** What a canvas node's `Y.Map` holds. */
export interface CanvasNodeFields {
  readonly title: string;
  readonly text: string;
  readonly color: string;
  readonly x: number;
  readonly y: number;
}

/** What a canvas edge's `Y.Map` holds. */
export interface CanvasEdgeFields {
  readonly source: string;
  readonly target: string;
}

/** A document as the API returns it. */
export interface DocumentInfo {
  readonly id: string;
  readonly workspace_id: string;
  readonly kind: DocumentKind;
  readonly name: string;
  /** The record it belongs to (always for rich text, optionally for a canvas). */
  readonly record_id: string | null;
  /** The rich text field it is the content of. */
  readonly field_id: string | null;
  readonly created_by: string | null;
  readonly created_at: string;
  readonly updated_at: string;
}

/** A version (snapshot) of a document. */
export interface DocumentVersion {
  readonly id: string;
  readonly document_id: string;
  /** Given by a user, or "Automatic" for the snapshots taken while people edit. */
  readonly name: string;
  readonly automatic: boolean;
  readonly created_by: string | null;
  readonly created_at: string;
  /** Users who changed the document since this version was taken, most recent first. */
  readonly changed_since_by: readonly { readonly user_id: string; readonly name: string; readonly last_at: string }[];
}

/** A version with its content, for a preview. */
export interface DocumentVersionPreview extends DocumentVersion {
  /** The version's whole state as one Yjs update, base64. */
  readonly state: string;
  /** The plain rendering: markdown of a rich text document, a list of nodes and edges of a canvas. */
  readonly text: string;
  /** What changed from this version to the document as it is now (what a restore would take back). */
  readonly changes: VersionChanges;
}

/** A run of words of a word-level comparison: in both texts, only in the current one, or only in the version. */
export interface TextChange {
  readonly kind: 'same' | 'added' | 'removed';
  readonly text: string;
}

/** A canvas node as a comparison names it. */
export interface CanvasNodeRef {
  readonly id: string;
  readonly title: string;
}

/** A canvas edge as a comparison names it: the titles of its ends. */
export interface CanvasEdgeRef {
  readonly id: string;
  readonly source: string;
  readonly target: string;
}

/** What a node field change is called in a comparison (`position`: `x` or `y`). */
export type CanvasNodeChange = 'title' | 'text' | 'color' | 'position';

/**
 * What changed since a version. Rich text: the plain renderings compared word by word (the
 * `same` and `added` runs make the current text, `same` and `removed` the version's). Canvas:
 * nodes and edges added and removed since, and nodes whose fields changed.
 */
export type VersionChanges =
  | {
      readonly kind: 'rich_text';
      readonly text: readonly TextChange[];
    }
  | {
      readonly kind: 'canvas';
      readonly nodes: {
        readonly added: readonly CanvasNodeRef[];
        readonly removed: readonly CanvasNodeRef[];
        readonly changed: readonly (CanvasNodeRef & { readonly fields: readonly CanvasNodeChange[] })[];
      };
      readonly edges: { readonly added: readonly CanvasEdgeRef[]; readonly removed: readonly CanvasEdgeRef[] };
    };

/** Answer of `POST /docs/{id}/versions/{versionId}/restore`. */
export interface RestoreResult {
  /** The version of what the restore replaced, taken first so the restore can be undone; null when the document already held the version. */
  readonly saved_version: DocumentVersion | null;
}

const uuid = z.uuid();

/** Body of `POST /docs`: a canvas, or the document of a rich text field (answered with the existing one when there is one). */
export const createDocumentSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('canvas'), workspace_id: uuid, name: z.string().trim().min(1).max(200), record_id: uuid.optional() }).strict(),
  z.object({ kind: z.literal('rich_text'), record_id: uuid, field_id: uuid }).strict(),
]);
/** Body of `PATCH /docs/{id}`. */
export const updateDocumentSchema = z.object({ name: z.string().trim().min(1).max(200) }).strict();
/** Body of `POST /docs/{id}/versions`. */
export const createVersionSchema = z.object({ name: z.string().trim().min(1).max(200) }).strict();

/** Longest base64 payload of one `doc_sync` or `doc_awareness` message (a pasted page of text fits many times over). */
export const MAX_DOC_MESSAGE_BASE64 = 2_000_000;
