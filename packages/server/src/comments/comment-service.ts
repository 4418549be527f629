import { randomUUID } from 'node:crypto';
import { type Comment, type Role, roleAtLeast, roomName } from '@tandem/protocol';
import { writeActivity } from '../activity/activity-writer.ts';
import { actorOf } from '../auth/actor.ts';
import type { AuthInfo } from '../auth/auth-service.ts';
import type { AppContext } from '../context.ts';
import type { Queryable, Transaction } from '../db/database.ts';
import { errors } from '../errors/app-error.ts';
import { notify } from '../notifications/notification-writer.ts';
import type { Access } from '../workspaces/access.ts';
import { plainExcerpt } from './comment-markdown.ts';
import { autoFollow, followersOf } from './followers.ts';
import { renderInWorkspace } from './workspace-markdown.ts';

/** What a comment is attached to: a record, or an activity entry. */
interface Target {
  readonly workspaceId: string;
  readonly tableId: string | null;
  readonly recordId: string | null;
  readonly activityId: string | null;
  readonly role: Role;
}

interface CommentRow {
  id: string;
  workspace_id: string;
  table_id: string | null;
  record_id: string | null;
  activity_id: string | null;
  parent_id: string | null;
  thread_id: string;
  author_id: string | null;
  author_name: string | null;
  body: string;
  body_html: string;
  mentions: string[];
  resolved_at: Date | null;
  resolved_by: string | null;
  edited_at: Date | null;
  deleted_at: Date | null;
  created_at: Date;
}

const SELECT = `SELECT c.id, c.workspace_id, c.table_id, c.record_id, c.activity_id, c.parent_id, c.thread_id, c.author_id,
  u.name AS author_name, c.body, c.body_html, c.mentions, c.resolved_at, c.resolved_by, c.edited_at, c.deleted_at, c.created_at
  FROM comments c LEFT JOIN users u ON u.id = c.author_id`;

const EXCERPT = 200;

/**
 * Comments on records and on activity entries: threads, mentions, markdown, edit, soft delete,
 * resolve and reopen. Commenters and above may write; anyone in the workspace may read.
 */
export class CommentService {
  constructor(
    private readonly ctx: AppContext,
    private readonly access: Access,
  ) {}

  /** Every comment on a record, oldest first (threads are grouped by `thread_id`). */
  async listForRecord(auth: AuthInfo, recordId: string): Promise<Comment[]> {
    await this.access.require(auth, 'record', recordId, 'viewer');
    const rows = await this.ctx.db.query<CommentRow>(`${SELECT} WHERE c.record_id = $1 ORDER BY c.created_at, c.id LIMIT 2000`, [recordId]);
    return rows.map(toComment);
  }

  /** Every comment on an activity entry, oldest first. */
  async listForActivity(auth: AuthInfo, activityId: string): Promise<Comment[]> {
    await this.#activityTarget(this.ctx.db, auth, activityId, 'viewer');
    const rows = await this.ctx.db.query<CommentRow>(`${SELECT} WHERE c.activity_id = $1 ORDER BY c.created_at, c.id LIMIT 2000`, [activityId]);
    return rows.map(toComment);
  }

  /** Comments on a record (or replies, with `parentId`). */
  async createOnRecord(auth: AuthInfo, recordId: string, body: string, parentId?: string): Promise<Comment> {
    const scope = await this.access.require(auth, 'record', recordId, 'commenter');
    return this.#create(auth, { workspaceId: scope.workspaceId, tableId: scope.tableId, recordId, activityId: null, role: scope.role }, body, parentId);
  }

  /** Comments on an activity entry (or replies, with `parentId`). */
  async createOnActivity(auth: AuthInfo, activityId: string, body: string, parentId?: string): Promise<Comment> {
    const target = await this.#activityTarget(this.ctx.db, auth, activityId, 'commenter');
    return this.#create(auth, target, body, parentId);
  }

  /** Edits a comment's text (author or admin); newly mentioned members are notified. */
  async update(auth: AuthInfo, commentId: string, body: string): Promise<Comment> {
    return this.ctx.db.transaction(async (tx) => {
      const { row, role } = await this.#load(tx, auth, commentId, 'commenter');
      if (row.deleted_at) throw errors.conflict('This comment was deleted.');
      this.#assertAuthorOrAdmin(auth, row, role);
      const { html, mentionedIds } = await renderInWorkspace(tx, row.workspace_id, body);
      const [updated] = await tx.query<CommentRow>(
        `WITH changed AS (UPDATE comments SET body = $2, body_html = $3, mentions = $4::jsonb, edited_at = clock_timestamp() WHERE id = $1 RETURNING *)
         ${SELECT.replace('FROM comments c', 'FROM changed c')}`,
        [commentId, body, html, JSON.stringify(mentionedIds)],
      );
      if (!updated) throw errors.notFound('Comment');
      const comment = toComment(updated);
      const added = mentionedIds.filter((id) => !row.mentions.includes(id));
      if (comment.record_id) await autoFollow(tx, comment.record_id, added);
      await this.#notifyMentions(tx, auth, comment, added, body);
      this.ctx.events.append(tx, roomsOf(comment), 'comment_updated', actorOf(auth), comment);
      await this.#activity(tx, auth, comment, 'edited');
      return comment;
    });
  }

  /** Soft-deletes a comment (author or admin); its replies stay. */
  async remove(auth: AuthInfo, commentId: string): Promise<void> {
    await this.ctx.db.transaction(async (tx) => {
      const { row, role } = await this.#load(tx, auth, commentId, 'commenter');
      if (row.deleted_at) return;
      this.#assertAuthorOrAdmin(auth, row, role);
      await tx.query(`UPDATE comments SET deleted_at = clock_timestamp(), body = '', body_html = '', mentions = '[]' WHERE id = $1`, [commentId]);
      const comment = toComment(row);
      this.ctx.events.append(tx, roomsOf(comment), 'comment_deleted', actorOf(auth), {
        id: comment.id,
        record_id: comment.record_id,
        activity_id: comment.activity_id,
        thread_id: comment.thread_id,
        parent_id: comment.parent_id,
      });
      await this.#activity(tx, auth, comment, 'deleted');
    });
  }

  /** Resolves or reopens the thread the comment belongs to (any commenter). */
  async setResolved(auth: AuthInfo, commentId: string, resolved: boolean): Promise<Comment> {
    return this.ctx.db.transaction(async (tx) => {
      const { row } = await this.#load(tx, auth, commentId, 'commenter');
      const rootId = row.thread_id;
      const [root] = await tx.query<{ resolved_at: Date | null }>('SELECT resolved_at FROM comments WHERE id = $1 FOR UPDATE', [rootId]);
      const [updated] = await tx.query<CommentRow>(
        `WITH changed AS (UPDATE comments SET resolved_at = CASE WHEN $2 THEN coalesce(resolved_at, clock_timestamp()) END,
                                         resolved_by = CASE WHEN $2 THEN coalesce(resolved_by, $3::uuid) END
                    WHERE id = $1 RETURNING *)
         ${SELECT.replace('FROM comments c', 'FROM changed c')}`,
        [rootId, resolved, auth.user.id],
      );
      if (!updated) throw errors.notFound('Comment');
      const comment = toComment(updated);
      if (Boolean(root?.resolved_at) !== resolved) {
        this.ctx.events.append(tx, roomsOf(comment), 'comment_updated', actorOf(auth), comment);
        await this.#activity(tx, auth, comment, resolved ? 'resolved' : 'reopened');
      }
      return comment;
    });
  }

  async #create(auth: AuthInfo, target: Target, body: string, parentId: string | undefined): Promise<Comment> {
    const id = randomUUID();
    return this.ctx.db.transaction(async (tx) => {
      let threadId: string = id;
      if (parentId) {
        const [parent] = await tx.query<{ thread_id: string; record_id: string | null; activity_id: string | null }>(
          'SELECT thread_id, record_id, activity_id FROM comments WHERE id = $1',
          [parentId],
        );
        if (!parent || parent.record_id !== target.recordId || parent.activity_id !== target.activityId) {
          throw errors.invalid('parent_id is not a comment on the same record.', { field: 'parent_id' });
        }
        threadId = parent.thread_id;
      }
      const { html, mentionedIds } = await renderInWorkspace(tx, target.workspaceId, body);
      const [row] = await tx.query<CommentRow>(
        `WITH inserted AS (INSERT INTO comments (id, workspace_id, table_id, record_id, activity_id, parent_id, thread_id, author_id, body, body_html, mentions)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb) RETURNING *)
         ${SELECT.replace('FROM comments c', 'FROM inserted c')}`,
        [
          id,
          target.workspaceId,
          target.tableId,
          target.recordId,
          target.activityId,
          parentId ?? null,
          threadId,
          auth.user.id,
          body,
          html,
          JSON.stringify(mentionedIds),
        ],
      );
      if (!row) throw new Error('comment insert returned nothing');
      const comment = toComment(row);
      const notified = new Set<string>(await this.#notifyMentions(tx, auth, comment, mentionedIds, body));
      if (parentId) {
        const participants = await tx.query<{ author_id: string }>(
          'SELECT DISTINCT author_id FROM comments WHERE thread_id = $1 AND id <> $2 AND author_id IS NOT NULL AND deleted_at IS NULL',
          [threadId, id],
        );
        const recipients = participants.map((p) => p.author_id).filter((u) => !notified.has(u));
        for (const n of await this.#notifyComment(tx, auth, comment, 'reply', `${auth.user.name} replied in a thread`, recipients, body)) notified.add(n);
      }
      if (comment.record_id) {
        const followers = (await followersOf(tx, comment.record_id)).filter((u) => !notified.has(u));
        await this.#notifyComment(tx, auth, comment, 'comment_on_followed', `${auth.user.name} commented on a record you follow`, followers, body);
        await autoFollow(tx, comment.record_id, [auth.user.id, ...mentionedIds]);
      }
      this.ctx.events.append(tx, roomsOf(comment), 'comment_created', actorOf(auth), comment);
      await this.#activity(tx, auth, comment, 'created');
      return comment;
    });
  }

  /** Notifies newly mentioned members; returns who was notified. */
  async #notifyMentions(tx: Transaction, auth: AuthInfo, comment: Comment, mentioned: readonly string[], body: string): Promise<string[]> {
    return this.#notifyComment(tx, auth, comment, 'mention', `${auth.user.name} mentioned you`, mentioned, body);
  }

  async #notifyComment(
    tx: Transaction,
    auth: AuthInfo,
    comment: Comment,
    type: 'mention' | 'reply' | 'comment_on_followed',
    title: string,
    recipients: readonly string[],
    body: string,
  ): Promise<string[]> {
    await notify(tx, this.ctx.events, {
      type,
      recipients,
      actor: actorOf(auth),
      title,
      // The rendered text, not the markdown: "@Bob Okafor", no asterisks.
      body: comment.body_html ? plainExcerpt(comment.body_html, EXCERPT) : body.slice(0, EXCERPT),
      workspaceId: comment.workspace_id,
      tableId: comment.table_id,
      recordId: comment.record_id,
      commentId: comment.id,
    });
    // Someone whose preferences store nothing still counts as told, so they get no second kind.
    return recipients.filter((r) => r !== auth.user.id);
  }

  async #activity(tx: Transaction, auth: AuthInfo, comment: Comment, action: string): Promise<void> {
    await writeActivity(tx, this.ctx.events, {
      workspaceId: comment.workspace_id,
      tableId: comment.table_id,
      recordId: comment.record_id,
      entityType: 'comment',
      entityId: comment.id,
      action,
      actor: actorOf(auth),
      meta: {
        thread_id: comment.thread_id,
        parent_id: comment.parent_id,
        activity_id: comment.activity_id,
        // The rendered text ("@Bob Okafor"), as in notifications: feeds never show the mention markup.
        ...(action === 'created' || action === 'edited' ? { excerpt: plainExcerpt(comment.body_html, EXCERPT) } : {}),
      },
    });
  }

  async #load(tx: Transaction, auth: AuthInfo, commentId: string, min: Role): Promise<{ row: CommentRow; role: Role }> {
    const [row] = await tx.query<CommentRow & { role: Role | null }>(
      `${SELECT.replace('SELECT ', 'SELECT m.role, ')} LEFT JOIN members m ON m.workspace_id = c.workspace_id AND m.user_id = $2 WHERE c.id = $1 FOR UPDATE OF c`,
      [commentId, auth.user.id],
    );
    if (!row?.role) throw errors.notFound('Comment');
    if (!roleAtLeast(row.role, min)) throw errors.forbidden(`Your role (${row.role}) cannot do this; it needs ${min} or above.`);
    return { row, role: row.role };
  }

  #assertAuthorOrAdmin(auth: AuthInfo, row: CommentRow, role: Role): void {
    if (row.author_id !== auth.user.id && !roleAtLeast(role, 'admin')) throw errors.forbidden('Only the author or an admin can change this comment.');
  }

  async #activityTarget(db: Queryable, auth: AuthInfo, activityId: string, min: Role): Promise<Target> {
    const [row] = await db.query<{ workspace_id: string; table_id: string | null; role: Role | null }>(
      `SELECT a.workspace_id, a.table_id, m.role FROM activity a
       LEFT JOIN members m ON m.workspace_id = a.workspace_id AND m.user_id = $2 WHERE a.id = $1`,
      [activityId, auth.user.id],
    );
    if (!row?.role) throw errors.notFound('Activity entry');
    if (!roleAtLeast(row.role, min)) throw errors.forbidden(`Your role (${row.role}) cannot do this; it needs ${min} or above.`);
    return { workspaceId: row.workspace_id, tableId: row.table_id, recordId: null, activityId, role: row.role };
  }
}

/** Rooms a comment's events go to: its record and table, or the workspace for activity comments without a table. */
function roomsOf(comment: Comment): string[] {
  const rooms: string[] = [];
  if (comment.record_id) rooms.push(roomName('record', comment.record_id));
  if (comment.table_id) rooms.push(roomName('table', comment.table_id));
  if (comment.activity_id) rooms.push(roomName('workspace', comment.workspace_id));
  return rooms;
}

function toComment(row: CommentRow): Comment {
  return {
    id: row.id,
    workspace_id: row.workspace_id,
    table_id: row.table_id,
    record_id: row.record_id,
    activity_id: row.activity_id,
    parent_id: row.parent_id,
    thread_id: row.thread_id,
    author: row.author_id ? { id: row.author_id, name: row.author_name ?? '' } : null,
    body: row.body,
    body_html: row.body_html,
    mentions: row.mentions,
    resolved: row.resolved_at !== null,
    resolved_at: row.resolved_at?.toISOString() ?? null,
    resolved_by: row.resolved_by,
    edited_at: row.edited_at?.toISOString() ?? null,
    deleted_at: row.deleted_at?.toISOString() ?? null,
    created_at: row.created_at.toISOString(),
  };
}
