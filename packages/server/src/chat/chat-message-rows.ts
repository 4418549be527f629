import type { ChatAttachment, ChatMessage, ChatReaction } from '@tandem/protocol';
import type { Queryable } from '../db/database.ts';
import { fileUrl, thumbnailUrl } from '../files/file-service.ts';

/** A `chat_messages` row joined with its author's name. */
export interface MessageRow {
  id: string;
  ordinal: string;
  room_id: string;
  workspace_id: string;
  author_id: string | null;
  author_name: string | null;
  client_id: string | null;
  parent_id: string | null;
  body: string;
  body_html: string;
  mentions: string[];
  reply_count: number;
  last_reply_at: Date | null;
  thread_participants: string[];
  edited_at: Date | null;
  deleted_at: Date | null;
  created_at: Date;
}

/** Columns of a message row; `FROM chat_messages c` can be swapped for a CTE of the same shape. */
export const MESSAGE_SELECT = `SELECT c.id, c.ordinal, c.room_id, c.workspace_id, c.author_id, u.name AS author_name, c.client_id, c.parent_id,
  c.body, c.body_html, c.mentions, c.reply_count, c.last_reply_at, c.thread_participants, c.edited_at, c.deleted_at, c.created_at
  FROM chat_messages c LEFT JOIN users u ON u.id = c.author_id`;

/** Turns rows into messages with their reactions and attachments (two queries for any number of rows). */
export async function hydrateMessages(db: Queryable, rows: readonly MessageRow[]): Promise<ChatMessage[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const reactions = await db.query<{ message_id: string; emoji: string; user_ids: string[] }>(
    `SELECT message_id, emoji, array_agg(user_id::text ORDER BY created_at) AS user_ids FROM chat_reactions
     WHERE message_id = ANY($1::uuid[]) GROUP BY message_id, emoji ORDER BY message_id, min(created_at)`,
    [ids],
  );
  const files = await db.query<{
    message_id: string;
    id: string;
    name: string;
    mime: string;
    size: string;
    width: number | null;
    height: number | null;
    thumbnail_key: string | null;
  }>(
    `SELECT mf.message_id, f.id, f.name, f.mime, f.size, f.width, f.height, f.thumbnail_key FROM chat_message_files mf JOIN files f ON f.id = mf.file_id
     WHERE mf.message_id = ANY($1::uuid[]) ORDER BY mf.message_id, mf.position`,
    [ids],
  );
  const reactionsOf = new Map<string, ChatReaction[]>();
  for (const r of reactions) {
    const list = reactionsOf.get(r.message_id) ?? [];
    list.push({ emoji: r.emoji, count: r.user_ids.length, user_ids: r.user_ids });
    reactionsOf.set(r.message_id, list);
  }
  const filesOf = new Map<string, ChatAttachment[]>();
  for (const f of files) {
    const list = filesOf.get(f.message_id) ?? [];
    list.push({
      file_id: f.id,
      name: f.name,
      mime: f.mime,
      size: Number(f.size),
      width: f.width,
      height: f.height,
      url: fileUrl(f.id),
      thumbnail_url: thumbnailUrl(f),
    });
    filesOf.set(f.message_id, list);
  }
  return rows.map((row) => toMessage(row, row.deleted_at ? [] : (reactionsOf.get(row.id) ?? []), row.deleted_at ? [] : (filesOf.get(row.id) ?? [])));
}

/** A message from its row, reactions and attachments. */
export function toMessage(row: MessageRow, reactions: ChatReaction[], attachments: ChatAttachment[]): ChatMessage {
  return {
    id: row.id,
    room_id: row.room_id,
    workspace_id: row.workspace_id,
    author: row.author_id ? { id: row.author_id, name: row.author_name ?? '' } : null,
    client_id: row.client_id,
    body: row.body,
    body_html: row.body_html,
    mentions: row.mentions,
    parent_id: row.parent_id,
    reply_count: row.reply_count,
    last_reply_at: row.last_reply_at?.toISOString() ?? null,
    thread_participants: row.thread_participants,
    reactions,
    attachments,
    edited_at: row.edited_at?.toISOString() ?? null,
    deleted_at: row.deleted_at?.toISOString() ?? null,
    created_at: row.created_at.toISOString(),
  };
}
