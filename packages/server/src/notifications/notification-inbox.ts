import { type NotificationType, roomName } from '@tandem/protocol';
import type { AppContext } from '../context.ts';
import { keysetPage } from '../db/keyset-page.ts';
import { SqlParams } from '../db/sql-params.ts';
import { errors } from '../errors/app-error.ts';
import type { Notification } from './notification-writer.ts';

/** Filters of the inbox list. */
export interface InboxQuery {
  readonly unread?: boolean;
  /** Archived notifications only (default: only those not archived). */
  readonly archived?: boolean;
  readonly cursor?: number;
  readonly limit: number;
}

interface Row {
  id: string;
  position: number;
  type: NotificationType;
  title: string;
  body: string;
  workspace_id: string | null;
  table_id: string | null;
  record_id: string | null;
  comment_id: string | null;
  approval_id: string | null;
  chat_room_id: string | null;
  chat_message_id: string | null;
  alert_id: string | null;
  actor_id: string | null;
  actor_name: string | null;
  urgent: boolean;
  read_at: Date | null;
  archived_at: Date | null;
  created_at: Date;
}

const SELECT = `SELECT n.id, n.position, n.type, n.title, n.body, n.workspace_id, n.table_id, n.record_id, n.comment_id, n.approval_id, n.chat_room_id, n.chat_message_id, n.alert_id,
  n.actor_id, u.name AS actor_name, n.urgent, n.read_at, n.archived_at, n.created_at
  FROM notifications n LEFT JOIN users u ON u.id = n.actor_id`;

const UNREAD = 'n.read_at IS NULL AND n.archived_at IS NULL AND n.in_app';

/**
 * A user's in-app inbox: list with cursor paging, unread count, mark read, mark all read,
 * archive. Every change is announced as `notification_read` in `user:{id}` with the new unread
 * count, so a user's other tabs and devices update their badge.
 */
export class NotificationInbox {
  constructor(private readonly ctx: AppContext) {}

  /** Newest first; `next_cursor` is null on the last page. */
  async list(userId: string, query: InboxQuery): Promise<{ notifications: Notification[]; next_cursor: string | null }> {
    const params = new SqlParams();
    const where = [`n.user_id = ${params.add(userId)}`, 'n.in_app', query.archived ? 'n.archived_at IS NOT NULL' : 'n.archived_at IS NULL'];
    if (query.unread) where.push('n.read_at IS NULL');
    if (query.cursor !== undefined) where.push(`n.position < ${params.add(query.cursor)}`);
    const rows = await this.ctx.db.query<Row>(
      `${SELECT} WHERE ${where.join(' AND ')} ORDER BY n.position DESC LIMIT ${params.add(query.limit + 1)}`,
      params.values,
    );
    const page = keysetPage(rows, query.limit, (last) => String(last.position));
    return { notifications: page.rows.map(toNotification), next_cursor: page.nextCursor };
  }

  /** Unread, not archived, in-app notifications. */
  async unreadCount(userId: string): Promise<number> {
    const [row] = await this.ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM notifications n WHERE n.user_id = $1 AND ${UNREAD}`, [userId]);
    return row?.n ?? 0;
  }

  /** Marks one notification read; `not_found` when it is not the caller's. */
  async markRead(userId: string, id: string): Promise<{ unread_count: number }> {
    return this.#change(userId, id, 'UPDATE notifications SET read_at = coalesce(read_at, now()) WHERE id = $2 AND user_id = $1 RETURNING id');
  }

  /** Archives one notification (and marks it read). */
  async archive(userId: string, id: string): Promise<{ unread_count: number }> {
    return this.#change(
      userId,
      id,
      'UPDATE notifications SET read_at = coalesce(read_at, now()), archived_at = coalesce(archived_at, now()) WHERE id = $2 AND user_id = $1 RETURNING id',
      true,
    );
  }

  /** Marks every notification of the caller read. */
  async markAllRead(userId: string): Promise<{ marked: number; unread_count: number }> {
    return this.ctx.db.transaction(async (tx) => {
      const rows = await tx.query('UPDATE notifications SET read_at = now() WHERE user_id = $1 AND read_at IS NULL RETURNING id', [userId]);
      this.ctx.events.append(tx, [roomName('user', userId)], 'notification_read', null, { all: true, unread_count: 0 });
      return { marked: rows.length, unread_count: 0 };
    });
  }

  async #change(userId: string, id: string, sql: string, archived = false): Promise<{ unread_count: number }> {
    return this.ctx.db.transaction(async (tx) => {
      const rows = await tx.query(sql, [userId, id]);
      if (rows.length === 0) throw errors.notFound('Notification');
      const [count] = await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM notifications n WHERE n.user_id = $1 AND ${UNREAD}`, [userId]);
      const unread = count?.n ?? 0;
      this.ctx.events.append(tx, [roomName('user', userId)], 'notification_read', null, { ids: [id], archived, unread_count: unread });
      return { unread_count: unread };
    });
  }
}

function toNotification(row: Row): Notification {
  return {
    id: row.id,
    type: row.type,
    title: row.title,
    body: row.body,
    workspace_id: row.workspace_id,
    table_id: row.table_id,
    record_id: row.record_id,
    comment_id: row.comment_id,
    approval_id: row.approval_id,
    chat_room_id: row.chat_room_id,
    chat_message_id: row.chat_message_id,
    alert_id: row.alert_id,
    actor: row.actor_id ? { id: row.actor_id, name: row.actor_name ?? '' } : null,
    urgent: row.urgent,
    read_at: row.read_at?.toISOString() ?? null,
    archived_at: row.archived_at?.toISOString() ?? null,
    created_at: row.created_at.toISOString(),
  };
}
