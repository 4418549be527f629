import type { ChatMessagePage } from '@tandem/protocol';
import type { AuthInfo } from '../auth/auth-service.ts';
import type { Queryable } from '../db/database.ts';
import { SqlParams } from '../db/sql-params.ts';
import { errors } from '../errors/app-error.ts';
import { hydrateMessages, MESSAGE_SELECT, type MessageRow } from './chat-message-rows.ts';
import { requireRoom } from './chat-room-access.ts';

/** Where a page of messages starts: the newest, before or after a message, or around one. */
export interface MessagePageQuery {
  readonly before?: string;
  readonly after?: string;
  readonly around?: string;
  /** The replies of this thread root instead of the room's own messages. */
  readonly thread?: string;
  readonly limit: number;
}

/**
 * A page of a room's messages (or a thread's replies), oldest first, by send order: the newest
 * `limit`, the `limit` before or after a message, or a window with the message in its middle
 * (so a search hit or a notification link opens in context).
 */
export async function messagePage(db: Queryable, auth: AuthInfo, roomId: string, query: MessagePageQuery): Promise<ChatMessagePage> {
  await requireRoom(db, auth.user.id, roomId);
  const cursors = [query.before, query.after, query.around].filter((c) => c !== undefined);
  if (cursors.length > 1) throw errors.invalid('Give at most one of before, after and around.');
  const anchorId = query.before ?? query.after ?? query.around;
  // The room's own messages use the partial index on top-level messages; a thread its own.
  const select = (condition: (p: SqlParams) => string, order: 'ASC' | 'DESC', limit: number) => {
    const p = new SqlParams();
    const scope = query.thread ? `c.parent_id = ${p.add(query.thread)}` : 'c.parent_id IS NULL';
    return db.query<MessageRow>(
      `${MESSAGE_SELECT} WHERE c.room_id = ${p.add(roomId)} AND ${scope} AND ${condition(p)} ORDER BY c.ordinal ${order} LIMIT ${p.add(limit)}`,
      p.values,
    );
  };
  let anchor: number | null = null;
  if (anchorId) {
    const [row] = await select((p) => `c.id = ${p.add(anchorId)}`, 'ASC', 1);
    if (!row) throw errors.invalid('The message is not in this room or thread.', { field: query.before ? 'before' : query.after ? 'after' : 'around' });
    anchor = Number(row.ordinal);
  }
  const older = (below: number | null, limit: number) => select((p) => (below === null ? 'true' : `c.ordinal < ${p.add(below)}`), 'DESC', limit + 1);
  const newer = (above: number, limit: number) => select((p) => `c.ordinal > ${p.add(above)}`, 'ASC', limit + 1);
  const limit = query.limit;
  let rows: MessageRow[];
  let hasOlder: boolean;
  let hasNewer: boolean;
  if (query.after !== undefined && anchor !== null) {
    const after = await newer(anchor, limit);
    hasNewer = after.length > limit;
    rows = after.slice(0, limit);
    hasOlder = true;
  } else if (query.around !== undefined && anchor !== null) {
    const half = Math.max(1, Math.floor(limit / 2));
    const [before, after] = [await older(anchor + 1, half), await newer(anchor, limit - half)];
    hasOlder = before.length > half;
    hasNewer = after.length > limit - half;
    rows = [...before.slice(0, half).reverse(), ...after.slice(0, limit - half)];
  } else {
    const before = await older(anchor, limit);
    hasOlder = before.length > limit;
    rows = before.slice(0, limit).reverse();
    hasNewer = anchor !== null;
  }
  return { messages: await hydrateMessages(db, rows), has_older: hasOlder, has_newer: hasNewer };
}
