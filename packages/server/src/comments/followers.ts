import type { Queryable } from '../db/database.ts';

/**
 * Makes users follow a record unless they chose otherwise: commenting and being mentioned follow
 * automatically, but never undo an explicit unfollow.
 */
export async function autoFollow(db: Queryable, recordId: string, userIds: readonly string[]): Promise<void> {
  for (const userId of new Set(userIds)) {
    await db.query('INSERT INTO record_followers (record_id, user_id, following) VALUES ($1, $2, true) ON CONFLICT DO NOTHING', [recordId, userId]);
  }
}

/** Records an explicit follow or unfollow. */
export async function setFollowing(db: Queryable, recordId: string, userId: string, following: boolean): Promise<void> {
  await db.query(
    `INSERT INTO record_followers (record_id, user_id, following) VALUES ($1, $2, $3)
     ON CONFLICT (record_id, user_id) DO UPDATE SET following = EXCLUDED.following, updated_at = now()`,
    [recordId, userId, following],
  );
}

/**
 * Who follows a record: everyone with a follow row, plus the record's creator unless they
 * unfollowed, restricted to current workspace members (a removed member hears nothing).
 */
export async function followersOf(db: Queryable, recordId: string): Promise<string[]> {
  const rows = await db.query<{ user_id: string }>(
    `SELECT f.user_id FROM (
       SELECT user_id FROM record_followers WHERE record_id = $1 AND following
       UNION
       SELECT r.created_by FROM records r WHERE r.id = $1 AND r.created_by IS NOT NULL
         AND NOT EXISTS (SELECT 1 FROM record_followers x WHERE x.record_id = r.id AND x.user_id = r.created_by AND NOT x.following)
     ) f
     JOIN records r ON r.id = $1 JOIN tables t ON t.id = r.table_id
     JOIN members m ON m.workspace_id = t.workspace_id AND m.user_id = f.user_id
     ORDER BY f.user_id`,
    [recordId],
  );
  return rows.map((r) => r.user_id);
}
