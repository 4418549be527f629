import { randomUUID } from 'node:crypto';
import { type ChatMember, type ChatRole, type ChatRoom, type ChatRoomKind, type CreateChatRoom, roomName, type UpdateChatRoom } from '@tandem/protocol';
import { actorOf } from '../auth/actor.ts';
import type { AuthInfo } from '../auth/auth-service.ts';
import type { AppContext } from '../context.ts';
import type { Queryable, Transaction } from '../db/database.ts';
import { errors } from '../errors/app-error.ts';
import type { Access } from '../workspaces/access.ts';
import { hydrateMessages, MESSAGE_SELECT, type MessageRow } from './chat-message-rows.ts';
import { requireRoom } from './chat-room-access.ts';
import { unreadCounts } from './chat-unread.ts';

interface RoomRow {
  id: string;
  workspace_id: string;
  kind: ChatRoomKind;
  name: string | null;
  topic: string | null;
  record_id: string | null;
  table_id: string | null;
  announcement_only: boolean;
  archived: boolean;
  created_by: string | null;
  created_at: Date;
  last_message_at: Date | null;
  last_message_id: string | null;
  member_count: number;
  my_role: ChatRole | null;
  my_joined_at: Date | null;
  my_last_read: string | null;
  my_muted: boolean | null;
  peer_id: string | null;
  peer_name: string | null;
}

const ROOM_SELECT = `SELECT r.*, (SELECT count(*)::int FROM chat_members x WHERE x.room_id = r.id) AS member_count,
  me.role AS my_role, me.joined_at AS my_joined_at, me.last_read_message_id AS my_last_read, me.muted AS my_muted,
  peer.id AS peer_id, peer.name AS peer_name
  FROM chat_rooms r
  LEFT JOIN chat_members me ON me.room_id = r.id AND me.user_id = $1
  LEFT JOIN LATERAL (SELECT u.id, u.name FROM chat_members pm JOIN users u ON u.id = pm.user_id
                     WHERE r.kind = 'dm' AND pm.room_id = r.id AND pm.user_id <> $1 LIMIT 1) peer ON true`;

/** Rooms and their members: DMs (one per pair), groups, channels and record rooms. */
export class ChatRoomService {
  constructor(
    private readonly ctx: AppContext,
    private readonly access: Access,
  ) {}

  /** Rooms the caller is a member of in a workspace, newest activity first, with unread counts. */
  async listMine(auth: AuthInfo, workspaceId: string): Promise<ChatRoom[]> {
    await this.access.require(auth, 'workspace', workspaceId, 'viewer');
    const rows = await this.ctx.db.query<RoomRow>(
      `${ROOM_SELECT} WHERE r.workspace_id = $2 AND me.user_id IS NOT NULL ORDER BY coalesce(r.last_message_at, r.created_at) DESC LIMIT 1000`,
      [auth.user.id, workspaceId],
    );
    return this.#toRooms(this.ctx.db, auth.user.id, rows, workspaceId);
  }

  /** Every channel of the workspace (anyone may join). */
  async listChannels(auth: AuthInfo, workspaceId: string): Promise<ChatRoom[]> {
    await this.access.require(auth, 'workspace', workspaceId, 'viewer');
    const rows = await this.ctx.db.query<RoomRow>(
      `${ROOM_SELECT} WHERE r.workspace_id = $2 AND r.kind = 'channel' AND NOT r.archived ORDER BY r.name LIMIT 1000`,
      [auth.user.id, workspaceId],
    );
    return this.#toRooms(this.ctx.db, auth.user.id, rows, workspaceId);
  }

  /** One room the caller can read. */
  async get(auth: AuthInfo, roomId: string): Promise<ChatRoom> {
    await requireRoom(this.ctx.db, auth.user.id, roomId);
    return this.#load(this.ctx.db, auth.user.id, roomId);
  }

  /** Creates a group or channel, or gets-or-creates a DM or record room; `created` says which. */
  async create(auth: AuthInfo, input: CreateChatRoom): Promise<{ room: ChatRoom; created: boolean }> {
    if (input.kind === 'record') return this.recordRoom(auth, input.record_id);
    const workspaceId = input.workspace_id;
    await this.access.require(auth, 'workspace', workspaceId, 'viewer');
    if (input.kind === 'dm') return this.#dm(auth, workspaceId, input.user_id);
    const others = [...new Set(input.member_ids ?? [])].filter((id) => id !== auth.user.id);
    await this.#requireMembers(this.ctx.db, workspaceId, others);
    const id = randomUUID();
    const room = await this.ctx.db.transaction(async (tx) => {
      await tx.query(`INSERT INTO chat_rooms (id, workspace_id, kind, name, topic, announcement_only, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7)`, [
        id,
        workspaceId,
        input.kind,
        input.name,
        input.topic ?? null,
        input.announcement_only ?? false,
        auth.user.id,
      ]);
      await tx.query(`INSERT INTO chat_members (room_id, user_id, role) VALUES ($1, $2, 'admin')`, [id, auth.user.id]);
      for (const userId of others) await tx.query(`INSERT INTO chat_members (room_id, user_id) VALUES ($1, $2)`, [id, userId]);
      const room = await this.#load(tx, auth.user.id, id);
      for (const userId of others) this.#announceAdded(tx, auth, userId, room);
      return room;
    });
    return { room, created: true };
  }

  /** The record's room, created on first use; anyone who can read the record can read it. */
  async recordRoom(auth: AuthInfo, recordId: string): Promise<{ room: ChatRoom; created: boolean }> {
    const scope = await this.access.require(auth, 'record', recordId, 'viewer');
    const rows = await this.ctx.db.query<{ id: string; inserted: boolean }>(
      `WITH ins AS (INSERT INTO chat_rooms (id, workspace_id, kind, record_id, table_id, created_by) VALUES ($1, $2, 'record', $3, $4, $5)
                    ON CONFLICT (record_id) DO NOTHING RETURNING id)
       SELECT id, true AS inserted FROM ins UNION ALL SELECT id, false FROM chat_rooms WHERE record_id = $3`,
      [randomUUID(), scope.workspaceId, recordId, scope.tableId, auth.user.id],
    );
    const row = rows.find((r) => r.inserted) ?? rows[0];
    if (!row) throw new Error('record room upsert returned nothing');
    return { room: await this.#load(this.ctx.db, auth.user.id, row.id), created: row.inserted };
  }

  /** Changes name, topic, announcement-only or archived (room admins and workspace admins). */
  async update(auth: AuthInfo, roomId: string, patch: UpdateChatRoom): Promise<ChatRoom> {
    return this.ctx.db.transaction(async (tx) => {
      const room = await requireRoom(tx, auth.user.id, roomId);
      if (!room.isAdmin) throw errors.forbidden('Only room admins can change this room.');
      if (room.room.kind === 'dm' && (patch.name !== undefined || patch.announcement_only !== undefined)) throw errors.invalid('A direct message has no name.');
      await tx.query(
        `UPDATE chat_rooms SET name = coalesce($2, name), topic = CASE WHEN $3 THEN $4 ELSE topic END,
           announcement_only = coalesce($5, announcement_only), archived = coalesce($6, archived) WHERE id = $1`,
        [roomId, patch.name ?? null, patch.topic !== undefined, patch.topic ?? null, patch.announcement_only ?? null, patch.archived ?? null],
      );
      const updated = await this.#load(tx, auth.user.id, roomId);
      this.ctx.events.append(tx, [roomName('chat', roomId)], 'chat_room_updated', actorOf(auth), withoutCaller(updated));
      return updated;
    });
  }

  /** Deletes a group, channel or record room with its messages (room admins and workspace admins; DMs cannot be deleted). */
  async remove(auth: AuthInfo, roomId: string): Promise<void> {
    await this.ctx.db.transaction(async (tx) => {
      const room = await requireRoom(tx, auth.user.id, roomId);
      if (!room.isAdmin || room.room.kind === 'dm') throw errors.forbidden('Only room admins can delete this room.');
      const updated = await this.#load(tx, auth.user.id, roomId);
      this.ctx.events.append(tx, [roomName('chat', roomId)], 'chat_room_updated', actorOf(auth), { ...withoutCaller(updated), archived: true });
      const members = await tx.query<{ user_id: string }>('SELECT user_id FROM chat_members WHERE room_id = $1', [roomId]);
      await tx.query('DELETE FROM chat_rooms WHERE id = $1', [roomId]);
      tx.afterCommit(() =>
        this.#revoke(
          room.room.workspace_id,
          members.map((m) => m.user_id),
        ),
      );
    });
  }

  /** Members of a room the caller can read. */
  async members(auth: AuthInfo, roomId: string): Promise<ChatMember[]> {
    await requireRoom(this.ctx.db, auth.user.id, roomId);
    return this.#members(this.ctx.db, roomId);
  }

  /** Adds members: any member invites to a group; a channel or record room is joined by the caller alone (admins may add anyone). */
  async addMembers(auth: AuthInfo, roomId: string, userIds: readonly string[]): Promise<ChatMember[]> {
    return this.ctx.db.transaction(async (tx) => {
      const room = await requireRoom(tx, auth.user.id, roomId);
      const kind = room.room.kind;
      if (kind === 'dm') throw errors.invalid('A direct message has exactly two members; start a group instead.');
      const self = userIds.length === 1 && userIds[0] === auth.user.id;
      if ((kind === 'channel' || kind === 'record') && !self && !room.isAdmin) throw errors.forbidden('Join with your own id; only admins add others.');
      if (kind === 'group' && !room.roomRole) throw errors.forbidden('Only members invite to a group.');
      await this.#requireMembers(tx, room.room.workspace_id, userIds);
      const added: string[] = [];
      for (const userId of new Set(userIds)) {
        const rows = await tx.query(`INSERT INTO chat_members (room_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING user_id`, [roomId, userId]);
        if (rows.length) added.push(userId);
      }
      const members = await this.#members(tx, roomId);
      if (added.length) {
        const loaded = await this.#load(tx, auth.user.id, roomId);
        for (const userId of added) {
          const member = members.find((m) => m.user_id === userId);
          if (member) this.ctx.events.append(tx, [roomName('chat', roomId)], 'chat_member_joined', actorOf(auth), { room_id: roomId, member });
          this.#announceAdded(tx, auth, userId, loaded);
        }
      }
      return members;
    });
  }

  /** Leaves a room (own id) or removes someone (room or workspace admins). DMs cannot be left. */
  async removeMember(auth: AuthInfo, roomId: string, userId: string): Promise<void> {
    await this.ctx.db.transaction(async (tx) => {
      const room = await requireRoom(tx, auth.user.id, roomId);
      if (room.room.kind === 'dm') throw errors.invalid('A direct message cannot be left.');
      if (userId !== auth.user.id && !room.isAdmin) throw errors.forbidden('Only admins remove others.');
      const rows = await tx.query('DELETE FROM chat_members WHERE room_id = $1 AND user_id = $2 RETURNING user_id', [roomId, userId]);
      if (rows.length) {
        this.ctx.events.append(tx, [roomName('chat', roomId)], 'chat_member_left', actorOf(auth), { room_id: roomId, user_id: userId });
        tx.afterCommit(() => this.#revoke(room.room.workspace_id, [userId]));
      }
    });
  }

  async #dm(auth: AuthInfo, workspaceId: string, peerId: string): Promise<{ room: ChatRoom; created: boolean }> {
    if (peerId === auth.user.id) throw errors.invalid('A direct message needs another member.', { field: 'user_id' });
    await this.#requireMembers(this.ctx.db, workspaceId, [peerId]);
    const key = [auth.user.id, peerId].sort().join(':');
    return this.ctx.db.transaction(async (tx) => {
      // ON CONFLICT makes two simultaneous asks for the same pair end in one room.
      const inserted = await tx.query<{ id: string }>(
        `INSERT INTO chat_rooms (id, workspace_id, kind, dm_key, created_by) VALUES ($1, $2, 'dm', $3, $4)
         ON CONFLICT (workspace_id, dm_key) DO NOTHING RETURNING id`,
        [randomUUID(), workspaceId, key, auth.user.id],
      );
      const id =
        inserted[0]?.id ?? (await tx.query<{ id: string }>('SELECT id FROM chat_rooms WHERE workspace_id = $1 AND dm_key = $2', [workspaceId, key]))[0]?.id;
      if (!id) throw new Error('dm upsert found no room');
      if (inserted.length) {
        await tx.query(`INSERT INTO chat_members (room_id, user_id, role) VALUES ($1, $2, 'admin'), ($1, $3, 'admin')`, [id, auth.user.id, peerId]);
        this.#announceAdded(tx, auth, peerId, await this.#load(tx, peerId, id));
      }
      return { room: await this.#load(tx, auth.user.id, id), created: inserted.length > 0 };
    });
  }

  /** Open connections of these users re-check their rooms on every node, leaving the ones they can no longer read. */
  async #revoke(workspaceId: string, userIds: readonly string[]): Promise<void> {
    for (const userId of userIds) {
      await this.ctx.bus.publish({ kind: 'control', control: { type: 'membership_changed', workspace_id: workspaceId, user_id: userId } });
    }
  }

  #announceAdded(tx: Transaction, auth: AuthInfo, userId: string, room: ChatRoom): void {
    this.ctx.events.append(tx, [roomName('user', userId)], 'chat_room_added', actorOf(auth), { room: withoutCaller(room) });
  }

  async #requireMembers(db: Queryable, workspaceId: string, userIds: readonly string[]): Promise<void> {
    if (userIds.length === 0) return;
    const [row] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM members WHERE workspace_id = $1 AND user_id = ANY($2::uuid[])', [
      workspaceId,
      [...new Set(userIds)],
    ]);
    if ((row?.n ?? 0) !== new Set(userIds).size) throw errors.invalid('Every member must belong to the workspace.', { field: 'user_ids' });
  }

  async #members(db: Queryable, roomId: string): Promise<ChatMember[]> {
    const rows = await db.query<{ user_id: string; name: string; email: string; role: ChatRole; joined_at: Date }>(
      `SELECT m.user_id, u.name, u.email, m.role, m.joined_at FROM chat_members m JOIN users u ON u.id = m.user_id WHERE m.room_id = $1 ORDER BY m.joined_at, u.name`,
      [roomId],
    );
    return rows.map((r) => ({ ...r, joined_at: r.joined_at.toISOString() }));
  }

  async #load(db: Queryable, userId: string, roomId: string): Promise<ChatRoom> {
    const rows = await db.query<RoomRow>(`${ROOM_SELECT} WHERE r.id = $2`, [userId, roomId]);
    const [room] = await this.#toRooms(db, userId, rows, rows[0]?.workspace_id ?? '');
    if (!room) throw errors.notFound('Chat room');
    return room;
  }

  async #toRooms(db: Queryable, userId: string, rows: readonly RoomRow[], workspaceId: string): Promise<ChatRoom[]> {
    const lastIds = rows.map((r) => r.last_message_id).filter((id): id is string => id !== null);
    const last = lastIds.length ? await hydrateMessages(db, await db.query<MessageRow>(`${MESSAGE_SELECT} WHERE c.id = ANY($1::uuid[])`, [lastIds])) : [];
    const unread = rows.some((r) => r.my_role) ? await unreadCounts(db, userId, workspaceId) : null;
    return rows.map((r) => ({
      id: r.id,
      workspace_id: r.workspace_id,
      kind: r.kind,
      name: r.name,
      topic: r.topic,
      record_id: r.record_id,
      table_id: r.table_id,
      announcement_only: r.announcement_only,
      archived: r.archived,
      created_by: r.created_by,
      created_at: r.created_at.toISOString(),
      last_message_at: r.last_message_at?.toISOString() ?? null,
      last_message: last.find((m) => m.id === r.last_message_id) ?? null,
      member_count: r.member_count,
      membership:
        r.my_role && r.my_joined_at
          ? { role: r.my_role, joined_at: r.my_joined_at.toISOString(), last_read_message_id: r.my_last_read, muted: r.my_muted ?? false }
          : null,
      unread: unread?.rooms[r.id]?.unread ?? 0,
      mention_unread: unread?.rooms[r.id]?.mentions ?? 0,
      dm_peer: r.peer_id ? { id: r.peer_id, name: r.peer_name ?? '' } : null,
    }));
  }
}

/** A room as room-wide events carry it: nothing of the caller's own view. */
export function withoutCaller(room: ChatRoom): ChatRoom {
  return { ...room, membership: null, unread: 0, mention_unread: 0, dm_peer: null };
}
