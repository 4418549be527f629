import { type ChatRole, type ChatRoomKind, type Role, roleAtLeast } from '@tandem/protocol';
import type { Queryable } from '../db/database.ts';
import { errors } from '../errors/app-error.ts';
import { MESSAGE_SELECT, type MessageRow } from './chat-message-rows.ts';

/** A room row with the caller's workspace role and room membership. */
export interface RoomAccessRow {
  id: string;
  workspace_id: string;
  kind: ChatRoomKind;
  record_id: string | null;
  announcement_only: boolean;
  archived: boolean;
  workspace_role: Role | null;
  room_role: ChatRole | null;
}

/** What the caller may do in a room. */
export interface RoomAccess {
  readonly room: RoomAccessRow;
  readonly workspaceRole: Role;
  /** The caller's room role; null when reading without membership (channel, record room). */
  readonly roomRole: ChatRole | null;
  /** Room admin or workspace admin. */
  readonly isAdmin: boolean;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Who may read a chat room: workspace members who are members of the room; for a channel, any
 * workspace member; for a record room, anyone who can read the record (every workspace member: the room goes with its record). Everyone else gets
 * `not_found`, as if the room did not exist. REST reads, `subscribe`, SSE and typing ask here.
 */
export async function roomAccess(db: Queryable, userId: string, roomId: string): Promise<RoomAccess | null> {
  if (!UUID_RE.test(roomId)) return null;
  const [room] = await db.query<RoomAccessRow>(
    `SELECT r.id, r.workspace_id, r.kind, r.record_id, r.announcement_only, r.archived, w.role AS workspace_role, m.role AS room_role
     FROM chat_rooms r LEFT JOIN members w ON w.workspace_id = r.workspace_id AND w.user_id = $2
     LEFT JOIN chat_members m ON m.room_id = r.id AND m.user_id = $2 WHERE r.id = $1`,
    [roomId, userId],
  );
  if (!room?.workspace_role) return null;
  if ((room.kind === 'dm' || room.kind === 'group') && !room.room_role) return null;
  return {
    room,
    workspaceRole: room.workspace_role,
    roomRole: room.room_role,
    isAdmin: room.room_role === 'admin' || roleAtLeast(room.workspace_role, 'admin'),
  };
}

/** {@link roomAccess} that throws `not_found` instead of answering null. */
export async function requireRoom(db: Queryable, userId: string, roomId: string): Promise<RoomAccess> {
  const found = await roomAccess(db, userId, roomId);
  if (!found) throw errors.notFound('Chat room');
  return found;
}

/**
 * A message with its room's access for the caller; `not_found` for a missing message and for one
 * in a room the caller cannot read alike, so the answer tells nothing about other rooms.
 */
export async function requireMessage(db: Queryable, userId: string, messageId: string): Promise<{ row: MessageRow; room: RoomAccess }> {
  const [row] = await db.query<MessageRow>(`${MESSAGE_SELECT} WHERE c.id = $1`, [messageId]);
  const room = row ? await roomAccess(db, userId, row.room_id) : null;
  if (!row || !room) throw errors.notFound('Message');
  return { row, room };
}

/** Throws unless the caller may post in the room: archived rooms take nothing, announcement-only rooms only their admins' posts. */
export function assertCanPost(room: RoomAccess): void {
  if (room.room.archived) throw errors.conflict('This room is archived.');
  if (room.room.announcement_only && !room.isAdmin) throw errors.forbidden('Only the admins of this announcement channel can post.');
  if (room.room.kind === 'channel' && !room.roomRole) throw errors.forbidden('Join the channel to post.');
}
