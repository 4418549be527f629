import type { DocumentInfo, Role } from '@tandem/protocol';
import { roleAtLeast } from '@tandem/protocol';
import type { AuthInfo } from '../auth/auth-service.ts';
import type { Queryable } from '../db/database.ts';
import { errors } from '../errors/app-error.ts';
import type { Access } from '../workspaces/access.ts';

/** Columns of a document as the API returns it. */
export const DOCUMENT_COLUMNS = 'id, workspace_id, kind, name, record_id, field_id, created_by, created_at, updated_at';

/**
 * Who may do what with a document follows what it belongs to: its record (a rich text field, a
 * record's canvas) or its workspace. Readers of the owner read and join; editors and above send
 * updates, name versions and restore.
 */
export class DocumentAccess {
  constructor(
    private readonly db: Queryable,
    private readonly access: Access,
  ) {}

  /** The document, when it exists (no permission check). */
  async find(id: string): Promise<DocumentInfo | null> {
    const [doc] = await this.db.query<DocumentInfo>(`SELECT ${DOCUMENT_COLUMNS} FROM documents WHERE id = $1`, [id]);
    return doc ?? null;
  }

  /** The user's role on the document's owner, or null when they cannot read it (or it does not exist). */
  async roleOf(userId: string, doc: DocumentInfo): Promise<Role | null> {
    const scope = doc.record_id ? await this.access.scopeOf(userId, 'record', doc.record_id) : await this.access.scopeOf(userId, 'workspace', doc.workspace_id);
    return scope?.role ?? null;
  }

  /** The document when the caller holds at least `min` on its owner; `not_found` or `forbidden` otherwise. */
  async require(auth: AuthInfo, id: string, min: Role): Promise<DocumentInfo> {
    const doc = await this.find(id);
    const role = doc ? await this.roleOf(auth.user.id, doc) : null;
    if (!doc || !role) throw errors.notFound('Document');
    if (!roleAtLeast(role, min)) throw errors.forbidden(`Your role (${role}) cannot change this document; it needs ${min} or above.`);
    return doc;
  }
}
