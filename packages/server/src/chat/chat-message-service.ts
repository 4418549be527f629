import { randomUUID } from 'node:crypto';
import { type ChatMessage, type ChatReaction, roomName, type SendChatMessage } from '@tandem/protocol';
import { actorOf } from '../auth/actor.ts';
import type { AuthInfo } from '../auth/auth-service.ts';
import { renderInWorkspace } from '../comments/workspace-markdown.ts';
import type { AppContext } from '../context.ts';
import type { Queryable, Transaction } from '../db/database.ts';
import { errors } from '../errors/app-error.ts';
import { hydrateMessages, MESSAGE_SELECT, type MessageRow, toMessage } from './chat-message-rows.ts';
import { notifyChatMessage } from './chat-notifications.ts';
import { assertCanPost, requireMessage, requireRoom } from './chat-room-access.ts';
import type { UnreadPusher } from './unread-pusher.ts';

/** What chat needs of the file store: that files named in a message are the sender's own uploads in the room's workspace. */
export interface AttachableFiles {
  requireOwnFiles(db: Queryable, userId: string, workspaceId: string, fileIds: readonly string[]): Promise<unknown>;
}

/** Most different emoji on one message. */
const MAX_EMOJI_PER_MESSAGE = 50;

/** A sent message and whether this call created it (false: a retry with a known `client_id`). */
export interface SendResult {
  readonly message: ChatMessage;
  readonly created: boolean;
}

/**
 * Sending, editing, deleting and reacting to chat messages. Every change is a durable event in
 * `chat:{id}` appended in the writing transaction, so other members see it live and on resume.
 */
export class ChatMessageService {
  constructor(
    private readonly ctx: AppContext,
    private readonly files: AttachableFiles,
    private readonly unread: UnreadPusher,
  ) {}

  /**
   * Sends a message (or a thread reply with `parent_id`). With a `client_id`, a send the server
   * already stored answers that message instead of storing a second one.
   */
  async send(auth: AuthInfo, roomId: string, input: SendChatMessage): Promise<SendResult> {
    const result = await this.ctx.db.transaction(async (tx) => {
      const room = await requireRoom(tx, auth.user.id, roomId);
      assertCanPost(room);
      const parent = input.parent_id ? await this.#threadRoot(tx, roomId, input.parent_id) : null;
      const fileIds = [...new Set(input.file_ids ?? [])];
      if (fileIds.length) await this.files.requireOwnFiles(tx, auth.user.id, room.room.workspace_id, fileIds);
      const { html, mentionedIds } = await renderInWorkspace(tx, room.room.workspace_id, input.body);
      const id = randomUUID();
      const [row] = await tx.query<MessageRow>(
        `WITH inserted AS (
           INSERT INTO chat_messages (id, room_id, workspace_id, author_id, client_id, parent_id, body, body_html, mentions)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb)
           ON CONFLICT (room_id, author_id, client_id) DO NOTHING RETURNING *)
         ${MESSAGE_SELECT.replace('FROM chat_messages c', 'FROM inserted c')}`,
        [id, roomId, room.room.workspace_id, auth.user.id, input.client_id ?? null, parent?.id ?? null, input.body, html, JSON.stringify(mentionedIds)],
      );
      if (!row) {
        // A retry of a send already stored (its client_id is taken): answer the first one.
        const known = await this.#byClientId(tx, roomId, auth.user.id, input.client_id ?? '');
        if (!known) throw new Error('chat send conflicted without a stored message');
        return { message: known, created: false, memberIds: [] as string[] };
      }
      for (const [position, fileId] of fileIds.entries()) {
        await tx.query('INSERT INTO chat_message_files (message_id, file_id, position) VALUES ($1, $2, $3)', [id, fileId, position]);
      }
      const [message] = fileIds.length ? await hydrateMessages(tx, [row]) : [toMessage(row, [], [])];
      if (!message) throw new Error('chat send stored nothing');
      const events = [roomName('chat', roomId)];
      this.ctx.events.append(tx, events, 'chat_message_created', actorOf(auth), message);
      if (parent) {
        const updatedRoot = await this.#bumpThread(tx, parent.id, auth.user.id, message.created_at);
        this.ctx.events.append(tx, events, 'chat_message_updated', actorOf(auth), updatedRoot);
      } else {
        tx.defer('UPDATE chat_rooms SET last_message_at = $2, last_message_id = $3 WHERE id = $1', [roomId, message.created_at, id]);
        // Whoever writes has read everything up to what they wrote.
        tx.defer(
          `UPDATE chat_members SET last_read_ordinal = $3, last_read_message_id = $4, last_read_at = clock_timestamp()
           WHERE room_id = $1 AND user_id = $2 AND last_read_ordinal < $3`,
          [roomId, auth.user.id, row.ordinal, id],
        );
      }
      const memberIds = (await tx.query<{ user_id: string }>('SELECT user_id FROM chat_members WHERE room_id = $1', [roomId])).map((m) => m.user_id);
      await notifyChatMessage(tx, this.ctx.events, { auth, room, message, parent, memberIds, mentionedIds });
      return { message, created: true, memberIds };
    });
    if (result.created) this.unread.schedule(result.message.workspace_id, result.memberIds);
    return { message: result.message, created: result.created };
  }

  /** Changes the text of one of the caller's own messages; the earlier text is kept for admins, newly mentioned members are notified. */
  async edit(auth: AuthInfo, messageId: string, body: string): Promise<ChatMessage> {
    return this.ctx.db.transaction(async (tx) => {
      const { row, room } = await requireMessage(tx, auth.user.id, messageId);
      if (row.author_id !== auth.user.id) throw errors.forbidden('Only the author can edit a message.');
      if (row.deleted_at) throw errors.conflict('This message was deleted.');
      if (room.room.archived) throw errors.conflict('This room is archived.');
      const { html, mentionedIds } = await renderInWorkspace(tx, row.workspace_id, body);
      await tx.query('INSERT INTO chat_message_versions (message_id, body) VALUES ($1, $2)', [messageId, row.body]);
      await tx.query(`UPDATE chat_messages SET body = $2, body_html = $3, mentions = $4::jsonb, edited_at = clock_timestamp() WHERE id = $1`, [
        messageId,
        body,
        html,
        JSON.stringify(mentionedIds),
      ]);
      const message = await this.#load(tx, messageId);
      this.ctx.events.append(tx, [roomName('chat', row.room_id)], 'chat_message_updated', actorOf(auth), message);
      const added = mentionedIds.filter((id) => !row.mentions.includes(id));
      if (added.length) {
        const memberIds = (await tx.query<{ user_id: string }>('SELECT user_id FROM chat_members WHERE room_id = $1', [row.room_id])).map((m) => m.user_id);
        await notifyChatMessage(tx, this.ctx.events, { auth, room, message, parent: null, memberIds, mentionedIds: added, mentionsOnly: true });
      }
      return message;
    });
  }

  /** Deletes a message (its author, a room admin or a workspace admin): a tombstone stays in place. */
  async remove(auth: AuthInfo, messageId: string): Promise<ChatMessage> {
    return this.ctx.db.transaction(async (tx) => {
      const { row, room } = await requireMessage(tx, auth.user.id, messageId);
      if (row.author_id !== auth.user.id && !room.isAdmin) throw errors.forbidden('Only the author or an admin can delete a message.');
      if (row.deleted_at) return this.#load(tx, messageId);
      await tx.query(`UPDATE chat_messages SET deleted_at = clock_timestamp(), body = '', body_html = '', mentions = '[]' WHERE id = $1`, [messageId]);
      await tx.query('DELETE FROM chat_reactions WHERE message_id = $1', [messageId]);
      const message = await this.#load(tx, messageId);
      this.ctx.events.append(tx, [roomName('chat', row.room_id)], 'chat_message_deleted', actorOf(auth), message);
      return message;
    });
  }

  /** Adds the caller's reaction with `emoji`, or removes it when they had it. */
  async toggleReaction(auth: AuthInfo, messageId: string, emoji: string): Promise<{ message: ChatMessage; added: boolean }> {
    return this.ctx.db.transaction(async (tx) => {
      const { row, room } = await requireMessage(tx, auth.user.id, messageId);
      if (row.deleted_at) throw errors.conflict('This message was deleted.');
      if (room.room.archived) throw errors.conflict('This room is archived.');
      const removed = await tx.query('DELETE FROM chat_reactions WHERE message_id = $1 AND user_id = $2 AND emoji = $3 RETURNING emoji', [
        messageId,
        auth.user.id,
        emoji,
      ]);
      if (removed.length === 0) {
        const [count] = await tx.query<{ n: number }>('SELECT count(DISTINCT emoji)::int AS n FROM chat_reactions WHERE message_id = $1 AND emoji <> $2', [
          messageId,
          emoji,
        ]);
        if ((count?.n ?? 0) >= MAX_EMOJI_PER_MESSAGE) throw errors.invalid(`A message takes at most ${MAX_EMOJI_PER_MESSAGE} different reactions.`);
        await tx.query('INSERT INTO chat_reactions (message_id, user_id, emoji) VALUES ($1, $2, $3)', [messageId, auth.user.id, emoji]);
      }
      const message = await this.#load(tx, messageId);
      const added = removed.length === 0;
      const data = { message_id: messageId, emoji, user_id: auth.user.id, reactions: message.reactions as ChatReaction[] };
      this.ctx.events.append(tx, [roomName('chat', row.room_id)], added ? 'chat_reaction_added' : 'chat_reaction_removed', actorOf(auth), data);
      return { message, added };
    });
  }

  /** Earlier texts of an edited message, oldest first (workspace admins only). */
  async history(auth: AuthInfo, messageId: string): Promise<{ body: string; edited_at: string }[]> {
    const { room } = await requireMessage(this.ctx.db, auth.user.id, messageId);
    if (room.workspaceRole !== 'admin' && room.workspaceRole !== 'owner') throw errors.forbidden('Only workspace admins can see edit history.');
    const rows = await this.ctx.db.query<{ body: string; edited_at: Date }>(
      'SELECT body, edited_at FROM chat_message_versions WHERE message_id = $1 ORDER BY edited_at',
      [messageId],
    );
    return rows.map((r) => ({ body: r.body, edited_at: r.edited_at.toISOString() }));
  }

  /** One message of a room the caller can read. */
  async get(auth: AuthInfo, messageId: string): Promise<ChatMessage> {
    await requireMessage(this.ctx.db, auth.user.id, messageId);
    return this.#load(this.ctx.db, messageId);
  }

  async #load(db: Queryable, messageId: string): Promise<ChatMessage> {
    const [message] = await hydrateMessages(db, await db.query<MessageRow>(`${MESSAGE_SELECT} WHERE c.id = $1`, [messageId]));
    if (!message) throw errors.notFound('Message');
    return message;
  }

  async #byClientId(db: Queryable, roomId: string, authorId: string, clientId: string): Promise<ChatMessage | null> {
    const rows = await db.query<MessageRow>(`${MESSAGE_SELECT} WHERE c.room_id = $1 AND c.author_id = $2 AND c.client_id = $3`, [roomId, authorId, clientId]);
    return (await hydrateMessages(db, rows))[0] ?? null;
  }

  /** The root of the thread a reply to `parentId` goes into (a reply to a reply joins its root's thread). */
  async #threadRoot(db: Queryable, roomId: string, parentId: string): Promise<MessageRow> {
    const [parent] = await db.query<MessageRow>(`${MESSAGE_SELECT} WHERE c.id = $1 AND c.room_id = $2`, [parentId, roomId]);
    if (!parent) throw errors.invalid('The message replied to is not in this room.', { field: 'parent_id' });
    if (!parent.parent_id) return parent;
    const [root] = await db.query<MessageRow>(`${MESSAGE_SELECT} WHERE c.id = $1`, [parent.parent_id]);
    if (!root) throw errors.invalid('The thread replied to is gone.', { field: 'parent_id' });
    return root;
  }

  async #bumpThread(tx: Transaction, rootId: string, userId: string, at: string): Promise<ChatMessage> {
    await tx.query(
      `UPDATE chat_messages SET reply_count = reply_count + 1, last_reply_at = $3,
         thread_participants = CASE WHEN thread_participants @> to_jsonb(ARRAY[$2::text]) THEN thread_participants
                                    ELSE thread_participants || to_jsonb(ARRAY[$2::text]) END
       WHERE id = $1`,
      [rootId, userId, at],
    );
    return this.#load(tx, rootId);
  }
}
