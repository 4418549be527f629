import type { RoomUnread, UnreadCounts } from '@tandem/protocol';
import type { Queryable } from '../db/database.ts';

/**
 * A user's unread counts in one workspace, computed from the read markers: room messages after the
 * member's marker (not their own, not deleted), those mentioning them, and per thread they take part
 * in (authored the root or replied) the replies after their thread marker. Muted rooms count
 * nothing towards `total`. Thread replies are counted per thread, never in the room's `unread`.
 */
export async function unreadCounts(db: Queryable, userId: string, workspaceId: string): Promise<UnreadCounts> {
  const rooms = await db.query<{ room_id: string; unread: number; mentions: number; muted: boolean }>(
    `SELECT m.room_id, m.muted, count(c.id)::int AS unread, count(c.id) FILTER (WHERE c.mentions @> to_jsonb(ARRAY[$1::text]))::int AS mentions
     FROM chat_members m JOIN chat_rooms r ON r.id = m.room_id AND r.workspace_id = $2
     LEFT JOIN chat_messages c ON c.room_id = m.room_id AND c.parent_id IS NULL AND c.ordinal > m.last_read_ordinal
       AND c.deleted_at IS NULL AND c.author_id IS DISTINCT FROM $1::uuid
     WHERE m.user_id = $1 GROUP BY m.room_id, m.muted`,
    [userId, workspaceId],
  );
  const threads = await db.query<{ room_id: string; root_id: string; unread: number }>(
    `SELECT root.room_id, root.id AS root_id, count(rep.id)::int AS unread
     FROM chat_members m JOIN chat_rooms r ON r.id = m.room_id AND r.workspace_id = $2
     JOIN chat_messages root ON root.room_id = m.room_id AND root.parent_id IS NULL AND root.reply_count > 0
       AND (root.author_id = $1 OR root.thread_participants @> to_jsonb(ARRAY[$1::text]))
     LEFT JOIN chat_thread_reads tr ON tr.root_id = root.id AND tr.user_id = $1
     JOIN chat_messages rep ON rep.parent_id = root.id AND rep.ordinal > coalesce(tr.last_read_ordinal, 0)
       AND rep.deleted_at IS NULL AND rep.author_id IS DISTINCT FROM $1::uuid
     WHERE m.user_id = $1 GROUP BY root.room_id, root.id`,
    [userId, workspaceId],
  );
  const out: Record<string, { unread: number; mentions: number; threads: Record<string, number> }> = {};
  let total = 0;
  let mentions = 0;
  for (const r of rooms) {
    out[r.room_id] = { unread: r.unread, mentions: r.mentions, threads: {} };
    if (!r.muted) total += r.unread;
    mentions += r.mentions;
  }
  for (const t of threads) {
    const room = out[t.room_id];
    if (room) room.threads[t.root_id] = t.unread;
  }
  return { total, mentions, rooms: out as Record<string, RoomUnread> };
}
