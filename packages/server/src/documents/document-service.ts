import { randomUUID } from 'node:crypto';
import type { DocumentInfo, DocumentVersion, DocumentVersionPreview, RestoreResult } from '@tandem/protocol';
import * as Y from 'yjs';
import type { AuthInfo } from '../auth/auth-service.ts';
import type { AppContext } from '../context.ts';
import { errors } from '../errors/app-error.ts';
import type { RoomSignals } from '../gateway-api.ts';
import type { Access } from '../workspaces/access.ts';
import { DOCUMENT_COLUMNS, type DocumentAccess } from './document-access.ts';
import { type DocumentHub, roomOf } from './document-hub.ts';
import { documentText, replaceContent, seedRichText } from './document-text.ts';
import { versionChanges } from './version-changes.ts';
import { docFromState, toBase64 } from './yjs-state.ts';

const VERSION_COLUMNS = 'v.id, v.document_id, v.name, v.automatic, v.created_by, v.created_at';

/** Input of {@link DocumentService.create}. */
export type CreateDocument =
  | { readonly kind: 'canvas'; readonly workspace_id: string; readonly name: string; readonly record_id?: string }
  | { readonly kind: 'rich_text'; readonly record_id: string; readonly field_id: string };

/**
 * Documents (canvases and rich text fields) and their versions, over REST. Every version taken
 * (named, automatic, or before a restore) is announced to the document's room as `doc_version`.
 */
export class DocumentService {
  /** When each document's last version was taken, as far as this node knows. */
  readonly #lastVersionAt = new Map<string, number>();

  constructor(
    private readonly ctx: AppContext,
    private readonly access: Access,
    private readonly docs: DocumentAccess,
    private readonly hub: DocumentHub,
    private readonly signals: RoomSignals,
  ) {}

  /**
   * A canvas (editors of the workspace or record), or the document of a rich text field: made
   * on first open by anyone who can read the record, holding the field's value so far.
   */
  async create(auth: AuthInfo, input: CreateDocument): Promise<{ doc: DocumentInfo; created: boolean }> {
    if (input.kind === 'canvas') {
      const scope = input.record_id
        ? await this.access.require(auth, 'record', input.record_id, 'editor')
        : await this.access.require(auth, 'workspace', input.workspace_id, 'editor');
      if (scope.workspaceId !== input.workspace_id) throw errors.invalid('The record is in another workspace.', { field: 'record_id' });
      const [doc] = await this.ctx.db.query<DocumentInfo>(
        `INSERT INTO documents (id, workspace_id, kind, name, record_id, created_by) VALUES ($1, $2, 'canvas', $3, $4, $5) RETURNING ${DOCUMENT_COLUMNS}`,
        [randomUUID(), input.workspace_id, input.name, input.record_id ?? null, auth.user.id],
      );
      return { doc: doc as DocumentInfo, created: true };
    }
    const scope = await this.access.require(auth, 'record', input.record_id, 'viewer');
    const existing = await this.#fieldDocument(input.record_id, input.field_id);
    if (existing) return { doc: existing, created: false };
    const [field] = await this.ctx.db.query<{ name: string; type: string; value: unknown }>(
      `SELECT f.name, f.type, r."values" -> f.id::text AS value FROM fields f JOIN records r ON r.table_id = f.table_id
       WHERE f.id = $1 AND r.id = $2`,
      [input.field_id, input.record_id],
    );
    if (!field) throw errors.notFound('Field');
    if (field.type !== 'rich_text') throw errors.invalid(`Field "${field.name}" is not a rich text field.`, { field: 'field_id' });
    const seed = new Y.Doc();
    seedRichText(seed, typeof field.value === 'string' ? field.value : '');
    const [doc] = await this.ctx.db.query<DocumentInfo>(
      `INSERT INTO documents (id, workspace_id, kind, name, record_id, field_id, created_by, snapshot)
       VALUES ($1, $2, 'rich_text', $3, $4, $5, $6, decode($7, 'base64'))
       ON CONFLICT (record_id, field_id) WHERE kind = 'rich_text' DO NOTHING RETURNING ${DOCUMENT_COLUMNS}`,
      [randomUUID(), scope.workspaceId, field.name, input.record_id, input.field_id, auth.user.id, toBase64(Y.encodeStateAsUpdate(seed))],
    );
    seed.destroy();
    // Two first opens at once: the loser gets the winner's document.
    if (!doc) return { doc: (await this.#fieldDocument(input.record_id, input.field_id)) as DocumentInfo, created: false };
    return { doc, created: true };
  }

  /** The canvases of a workspace (and of its records), newest change first. */
  async listCanvases(auth: AuthInfo, workspaceId: string, recordId?: string): Promise<DocumentInfo[]> {
    await this.access.require(auth, 'workspace', workspaceId, 'viewer');
    return this.ctx.db.query<DocumentInfo>(
      `SELECT ${DOCUMENT_COLUMNS} FROM documents WHERE workspace_id = $1 AND kind = 'canvas' AND ($2::uuid IS NULL OR record_id = $2::uuid)
       ORDER BY updated_at DESC LIMIT 200`,
      [workspaceId, recordId ?? null],
    );
  }

  /** One document the caller can read. */
  get(auth: AuthInfo, id: string): Promise<DocumentInfo> {
    return this.docs.require(auth, id, 'viewer');
  }

  /** Renames a canvas; the people in it see the new name (`doc_info`). */
  async rename(auth: AuthInfo, id: string, name: string): Promise<DocumentInfo> {
    const current = await this.docs.require(auth, id, 'editor');
    if (current.kind !== 'canvas') throw errors.invalid('A rich text document is named after its field; rename the field.', { field: 'id' });
    const [doc] = await this.ctx.db.query<DocumentInfo>(`UPDATE documents SET name = $2, updated_at = now() WHERE id = $1 RETURNING ${DOCUMENT_COLUMNS}`, [
      id,
      name,
    ]);
    await this.#announceInfo(doc as DocumentInfo, false, auth);
    return doc as DocumentInfo;
  }

  /** Deletes a canvas and its versions; the people in it are told (`doc_info` with `deleted`). A rich text field's document goes with its field or record. */
  async remove(auth: AuthInfo, id: string): Promise<void> {
    const doc = await this.docs.require(auth, id, 'editor');
    if (doc.kind !== 'canvas') throw errors.invalid('A rich text document goes with its field or record.', { field: 'id' });
    await this.ctx.db.query('DELETE FROM documents WHERE id = $1', [id]);
    this.hub.forget(id);
    await this.#announceInfo(doc, true, auth);
  }

  /** The versions of a document, newest first, each with who changed the document since. */
  async versions(auth: AuthInfo, id: string): Promise<DocumentVersion[]> {
    await this.docs.require(auth, id, 'viewer');
    const rows = await this.ctx.db.query<Omit<DocumentVersion, 'changed_since_by'>>(
      `SELECT ${VERSION_COLUMNS} FROM document_versions v WHERE v.document_id = $1 ORDER BY v.created_at DESC LIMIT 200`,
      [id],
    );
    const contributors = await this.ctx.db.query<{ user_id: string; name: string; last_at: string }>(
      `SELECT c.user_id, u.name, c.last_at FROM document_contributors c JOIN users u ON u.id = c.user_id WHERE c.document_id = $1 ORDER BY c.last_at DESC`,
      [id],
    );
    return rows.map((v) => ({ ...v, changed_since_by: contributors.filter((c) => new Date(c.last_at) > new Date(v.created_at)) }));
  }

  /** Takes a named version of the document as it is now. */
  async createVersion(auth: AuthInfo, id: string, name: string): Promise<DocumentVersion> {
    const info = await this.docs.require(auth, id, 'editor');
    const state = await this.hub.state(info);
    const version = await this.#insertVersion(info.id, name, false, toBase64(Y.encodeStateAsUpdate(state)), auth.user.id);
    this.#lastVersionAt.set(info.id, Date.now());
    await this.#announce(info.id, version, null);
    return version;
  }

  /** A version with its state, its plain rendering and what changed since it. */
  async preview(auth: AuthInfo, id: string, versionId: string): Promise<DocumentVersionPreview> {
    const info = await this.docs.require(auth, id, 'viewer');
    const { version, state } = await this.#version(id, versionId);
    const doc = docFromState({ snapshot: state, updates: [] });
    const text = documentText(doc, info.kind);
    const changes = versionChanges(doc, await this.hub.state(info), info.kind);
    doc.destroy();
    return { ...version, changed_since_by: [], state, text, changes };
  }

  /**
   * Makes the document hold what the version holds again, as a new update everyone follows.
   * What it replaces is saved as a version first ("Before restoring …"), so a restore is
   * undone by restoring that one; nothing is saved when the document already holds the version.
   */
  async restore(auth: AuthInfo, id: string, versionId: string): Promise<RestoreResult> {
    const info = await this.docs.require(auth, id, 'editor');
    const { version: restored, state } = await this.#version(id, versionId);
    // Encoded at once: what is saved is exactly what the restore's update is computed against.
    const before = Y.encodeStateAsUpdate(await this.hub.state(info));
    const working = new Y.Doc();
    Y.applyUpdate(working, before);
    const version = docFromState({ snapshot: state, updates: [] });
    const updates: Uint8Array[] = [];
    working.on('update', (u: Uint8Array) => updates.push(u));
    replaceContent(working, version, info.kind);
    working.destroy();
    version.destroy();
    if (updates.length === 0) return { saved_version: null };
    const saved = await this.#insertVersion(info.id, `Before restoring “${restored.name}”`.slice(0, 200), false, toBase64(before), auth.user.id);
    this.#lastVersionAt.set(info.id, Date.now());
    await this.hub.applyServerUpdate(info, Y.mergeUpdates(updates), auth);
    // After the update, so lists refreshed by it already count the restorer among who changed the document.
    await this.#announce(info.id, saved, restored.id);
    return { saved_version: saved };
  }

  /** Takes an automatic version when the last one is older than `DOC_AUTO_VERSION_MS` (called after each accepted update). */
  async autoVersion(info: DocumentInfo, state: Y.Doc, editor: AuthInfo): Promise<void> {
    const every = this.ctx.config.docAutoVersionMs;
    if (every <= 0) return;
    let last = this.#lastVersionAt.get(info.id);
    if (last === undefined) {
      const [row] = await this.ctx.db.query<{ at: string | null }>('SELECT max(created_at) AS at FROM document_versions WHERE document_id = $1', [info.id]);
      last = row?.at ? new Date(row.at).getTime() : 0;
      this.#lastVersionAt.set(info.id, last);
    }
    if (Date.now() - last < every) return;
    this.#lastVersionAt.set(info.id, Date.now());
    const version = await this.#insertVersion(info.id, 'Automatic', true, toBase64(Y.encodeStateAsUpdate(state)), editor.user.id);
    await this.#announce(info.id, version, null);
  }

  async #announceInfo(document: DocumentInfo, deleted: boolean, auth: AuthInfo): Promise<void> {
    const room = roomOf(document.id);
    await this.signals
      .publish(room, { type: 'doc_info', room, document, deleted, actor: { id: auth.user.id, name: auth.user.name } })
      .catch((err) => this.ctx.log.warn({ err, doc: document.id }, 'documents: announcing a change failed'));
  }

  /** Tells the document's room on every node that a version was taken. */
  async #announce(docId: string, version: DocumentVersion, restoredId: string | null): Promise<void> {
    const room = roomOf(docId);
    await this.signals
      .publish(room, { type: 'doc_version', room, version, restored_id: restoredId })
      .catch((err) => this.ctx.log.warn({ err, doc: docId }, 'documents: announcing a version failed'));
  }

  async #insertVersion(docId: string, name: string, automatic: boolean, state: string, userId: string): Promise<DocumentVersion> {
    const [row] = await this.ctx.db.query<Omit<DocumentVersion, 'changed_since_by'>>(
      `INSERT INTO document_versions AS v (id, document_id, name, automatic, state, created_by) VALUES ($1, $2, $3, $4, decode($5, 'base64'), $6)
       RETURNING ${VERSION_COLUMNS}`,
      [randomUUID(), docId, name, automatic, state, userId],
    );
    return { ...(row as Omit<DocumentVersion, 'changed_since_by'>), changed_since_by: [] };
  }

  async #version(docId: string, versionId: string) {
    const [row] = await this.ctx.db.query<Omit<DocumentVersion, 'changed_since_by'> & { state: string }>(
      `SELECT ${VERSION_COLUMNS}, encode(v.state, 'base64') AS state FROM document_versions v WHERE v.id = $1 AND v.document_id = $2`,
      [versionId, docId],
    );
    if (!row) throw errors.notFound('Version');
    const { state, ...version } = row;
    return { version, state };
  }

  async #fieldDocument(recordId: string, fieldId: string): Promise<DocumentInfo | null> {
    const [doc] = await this.ctx.db.query<DocumentInfo>(
      `SELECT ${DOCUMENT_COLUMNS} FROM documents WHERE record_id = $1 AND field_id = $2 AND kind = 'rich_text'`,
      [recordId, fieldId],
    );
    return doc ?? null;
  }
}
