import { type ChatSettings, type MarkChatRead, roomName, type SeenByUser, type UnreadCounts } from '@tandem/protocol';
import { actorOf } from '../auth/actor.ts';
import type { AuthInfo } from '../auth/auth-service.ts';
import type { AppContext } from '../context.ts';
import type { Queryable } from '../db/database.ts';
import { errors } from '../errors/app-error.ts';
import type { Access } from '../workspaces/access.ts';
import { requireMessage, requireRoom } from './chat-room-access.ts';
import { unreadCounts } from './chat-unread.ts';
import type { UnreadPusher } from './unread-pusher.ts';

/**
 * Read markers, receipts and unread counts. A member's marker only moves forward; each move is a
 * `chat_read` receipt in the room (unless the member hides receipts) and new counts in the
 * member's `user:` room. Thread replies have markers of their own.
 */
export class ChatReads {
  constructor(
    private readonly ctx: AppContext,
    private readonly access: Access,
    private readonly unread: UnreadPusher,
  ) {}

  /** Moves the caller's marker in a room, or in one thread of it, up to a message; answers the new counts. */
  async markRead(auth: AuthInfo, roomId: string, input: MarkChatRead): Promise<UnreadCounts> {
    return this.ctx.db.transaction(async (tx) => {
      const room = await requireRoom(tx, auth.user.id, roomId);
      const workspaceId = room.room.workspace_id;
      if (!room.roomRole) return unreadCounts(tx, auth.user.id, workspaceId);
      const [message] = await tx.query<{ ordinal: string; parent_id: string | null }>(
        'SELECT ordinal, parent_id FROM chat_messages WHERE id = $1 AND room_id = $2',
        [input.message_id, roomId],
      );
      if (!message) throw errors.invalid('The message is not in this room.', { field: 'message_id' });
      const threadId = input.thread_id ?? message.parent_id;
      let moved: boolean;
      if (threadId) {
        if (message.parent_id !== threadId && input.message_id !== threadId) throw errors.invalid('The message is not in this thread.', { field: 'thread_id' });
        const rows = await tx.query(
          `INSERT INTO chat_thread_reads (root_id, user_id, last_read_ordinal) VALUES ($1, $2, $3)
           ON CONFLICT (root_id, user_id) DO UPDATE SET last_read_ordinal = excluded.last_read_ordinal, last_read_at = clock_timestamp()
             WHERE chat_thread_reads.last_read_ordinal < excluded.last_read_ordinal
           RETURNING root_id`,
          [threadId, auth.user.id, message.ordinal],
        );
        moved = rows.length > 0;
      } else {
        const rows = await tx.query(
          `UPDATE chat_members SET last_read_ordinal = $3, last_read_message_id = $4, last_read_at = clock_timestamp()
           WHERE room_id = $1 AND user_id = $2 AND last_read_ordinal < $3 RETURNING user_id`,
          [roomId, auth.user.id, message.ordinal, input.message_id],
        );
        moved = rows.length > 0;
      }
      if (!moved) return unreadCounts(tx, auth.user.id, workspaceId);
      if (!(await hidesReceipts(tx, auth.user.id))) {
        this.ctx.events.append(tx, [roomName('chat', roomId)], 'chat_read', actorOf(auth), {
          user_id: auth.user.id,
          message_id: input.message_id,
          thread_id: threadId ?? null,
        });
      }
      return this.unread.pushNow(tx, workspaceId, auth.user.id);
    });
  }

  /** Members who have read up to a message: not its author, not the caller, not those hiding their receipts. */
  async seenBy(auth: AuthInfo, messageId: string): Promise<SeenByUser[]> {
    const { row: message } = await requireMessage(this.ctx.db, auth.user.id, messageId);
    const rows = message.parent_id
      ? await this.ctx.db.query<{ id: string; name: string; read_at: Date }>(
          `SELECT u.id, u.name, t.last_read_at AS read_at FROM chat_thread_reads t JOIN users u ON u.id = t.user_id
           JOIN chat_members m ON m.room_id = $4 AND m.user_id = t.user_id LEFT JOIN chat_settings s ON s.user_id = t.user_id
           WHERE t.root_id = $1 AND t.last_read_ordinal >= $2 AND t.user_id IS DISTINCT FROM $3::uuid AND t.user_id <> $5
             AND NOT coalesce(s.hide_read_receipts, false) ORDER BY t.last_read_at`,
          [message.parent_id, message.ordinal, message.author_id, message.room_id, auth.user.id],
        )
      : await this.ctx.db.query<{ id: string; name: string; read_at: Date }>(
          `SELECT u.id, u.name, m.last_read_at AS read_at FROM chat_members m JOIN users u ON u.id = m.user_id
           LEFT JOIN chat_settings s ON s.user_id = m.user_id
           WHERE m.room_id = $1 AND m.last_read_ordinal >= $2 AND m.user_id IS DISTINCT FROM $3::uuid AND m.user_id <> $4
             AND NOT coalesce(s.hide_read_receipts, false) ORDER BY m.last_read_at`,
          [message.room_id, message.ordinal, message.author_id, auth.user.id],
        );
    return rows.map((r) => ({ id: r.id, name: r.name, read_at: r.read_at.toISOString() }));
  }

  /** The caller's unread counts in a workspace. */
  async counts(auth: AuthInfo, workspaceId: string): Promise<UnreadCounts> {
    await this.access.require(auth, 'workspace', workspaceId, 'viewer');
    return unreadCounts(this.ctx.db, auth.user.id, workspaceId);
  }

  /** The caller's chat settings. */
  async settings(auth: AuthInfo): Promise<ChatSettings> {
    return { hide_read_receipts: await hidesReceipts(this.ctx.db, auth.user.id) };
  }

  /** Hides or shows the caller's read receipts. */
  async updateSettings(auth: AuthInfo, settings: ChatSettings): Promise<ChatSettings> {
    await this.ctx.db.query(
      `INSERT INTO chat_settings (user_id, hide_read_receipts) VALUES ($1, $2)
       ON CONFLICT (user_id) DO UPDATE SET hide_read_receipts = excluded.hide_read_receipts`,
      [auth.user.id, settings.hide_read_receipts],
    );
    return settings;
  }
}

async function hidesReceipts(db: Queryable, userId: string): Promise<boolean> {
  const [row] = await db.query<{ hide_read_receipts: boolean }>('SELECT hide_read_receipts FROM chat_settings WHERE user_id = $1', [userId]);
  return row?.hide_read_receipts ?? false;
}
