import type { UnreadCounts } from '@tandem/protocol';
import type { Queryable } from '../db/database.ts';

/**
 * A user's unread counts in one workspace, computed from the read markers: room messages after the
 * member's marker (not their own, not deleted), those mentioning them, and per thread they take part
 * in (authored the root or replied) the replies after their thread marker. Muted rooms count
 * nothing towards `total`. Thread replies are counted per thread, never in the room's `unread`.
 */
export async function unreadCounts(db: Queryable, userId: string, workspaceId: string): Promise<UnreadCounts> {
  const counts = await unreadCountsOf(db, workspaceId, [userId]);
  return counts.get(userId) ?? { total: 0, mentions: 0, rooms: {} };
}

/**
 * {@link unreadCounts} for several users of one workspace in two statements (not two per user), so
 * pushing a busy room's members their badges holds the database as briefly as one user's would.
 */
export async function unreadCountsOf(db: Queryable, workspaceId: string, userIds: readonly string[]): Promise<Map<string, UnreadCounts>> {
  const rooms = await db.query<{ user_id: string; room_id: string; unread: number; mentions: number; muted: boolean }>(
    `SELECT m.user_id, m.room_id, m.muted, count(c.id)::int AS unread,
       count(c.id) FILTER (WHERE c.mentions @> to_jsonb(ARRAY[m.user_id::text]))::int AS mentions
     FROM chat_members m JOIN chat_rooms r ON r.id = m.room_id AND r.workspace_id = $2
     LEFT JOIN chat_messages c ON c.room_id = m.room_id AND c.parent_id IS NULL AND c.ordinal > m.last_read_ordinal
       AND c.deleted_at IS NULL AND c.author_id IS DISTINCT FROM m.user_id
     WHERE m.user_id = ANY($1::uuid[]) GROUP BY m.user_id, m.room_id, m.muted`,
    [userIds, workspaceId],
  );
  const threads = await db.query<{ user_id: string; room_id: string; root_id: string; unread: number }>(
    `SELECT m.user_id, root.room_id, root.id AS root_id, count(rep.id)::int AS unread
     FROM chat_members m JOIN chat_rooms r ON r.id = m.room_id AND r.workspace_id = $2
     JOIN chat_messages root ON root.room_id = m.room_id AND root.parent_id IS NULL AND root.reply_count > 0
       AND (root.author_id = m.user_id OR root.thread_participants @> to_jsonb(ARRAY[m.user_id::text]))
     LEFT JOIN chat_thread_reads tr ON tr.root_id = root.id AND tr.user_id = m.user_id
     JOIN chat_messages rep ON rep.parent_id = root.id AND rep.ordinal > coalesce(tr.last_read_ordinal, 0)
       AND rep.deleted_at IS NULL AND rep.author_id IS DISTINCT FROM m.user_id
     WHERE m.user_id = ANY($1::uuid[]) GROUP BY m.user_id, root.room_id, root.id`,
    [userIds, workspaceId],
  );
  const out = new Map<
    string,
    { total: number; mentions: number; rooms: Record<string, { unread: number; mentions: number; threads: Record<string, number> }> }
  >();
  for (const userId of userIds) out.set(userId, { total: 0, mentions: 0, rooms: {} });
  for (const r of rooms) {
    const user = out.get(r.user_id);
    if (!user) continue;
    user.rooms[r.room_id] = { unread: r.unread, mentions: r.mentions, threads: {} };
    if (!r.muted) user.total += r.unread;
    user.mentions += r.mentions;
  }
  for (const t of threads) {
    const room = out.get(t.user_id)?.rooms[t.room_id];
    if (room) room.threads[t.root_id] = t.unread;
  }
  return out;
}
