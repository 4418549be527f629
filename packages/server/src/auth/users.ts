import type { UserInfo } from '@tandem/protocol';
import type { Queryable } from '../db/database.ts';

/** A user as shown to other users. */
export type PublicUser = UserInfo;

const PALETTE = ['#e11d48', '#d97706', '#059669', '#0284c7', '#7c3aed', '#db2777', '#0d9488', '#4f46e5', '#ca8a04', '#16a34a'];

/** A stable colour for a user's avatar, cursor and locks. */
export function colorFor(seed: string): string {
  let h = 0;
  for (const ch of seed) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return PALETTE[h % PALETTE.length] ?? '#4f46e5';
}

/** Loads users by id. */
export async function findUsers(db: Queryable, ids: readonly string[]): Promise<PublicUser[]> {
  if (ids.length === 0) return [];
  return db.query<PublicUser>('SELECT id, email, name, color FROM users WHERE id = ANY($1::uuid[])', [ids]);
}
