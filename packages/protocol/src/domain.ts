import { z } from 'zod';

/** Workspace roles, from most to least powerful. */
export const ROLES = ['owner', 'admin', 'editor', 'commenter', 'viewer'] as const;
/** A member's role in a workspace. */
export type Role = (typeof ROLES)[number];
export const roleSchema = z.enum(ROLES);

/** What a role may do; each role may do everything the roles below it may. */
export const ROLE_RANK: Readonly<Record<Role, number>> = { owner: 5, admin: 4, editor: 3, commenter: 2, viewer: 1 };

/** True when `role` is at least as powerful as `required`. */
export function roleAtLeast(role: Role, required: Role): boolean {
  return ROLE_RANK[role] >= ROLE_RANK[required];
}

/** Field types a table column can have. */
export const FIELD_TYPES = [
  'text',
  'long_text',
  'number',
  'checkbox',
  'date',
  'single_select',
  'multi_select',
  'user',
  'link',
  'attachment',
  'rich_text',
] as const;
/** A field's type. */
export type FieldType = (typeof FIELD_TYPES)[number];
export const fieldTypeSchema = z.enum(FIELD_TYPES);

/** Presence statuses a user can show. */
export const PRESENCE_STATUSES = ['online', 'away', 'busy', 'offline'] as const;
export type PresenceStatus = (typeof PRESENCE_STATUSES)[number];

/** What a user is doing in a room. */
export const PRESENCE_ACTIONS = ['viewing', 'editing'] as const;
export type PresenceAction = (typeof PRESENCE_ACTIONS)[number];

/** Room name prefixes; a room is `{kind}:{uuid}` or the single `system` room. */
export const ROOM_KINDS = ['workspace', 'table', 'record', 'chat', 'user', 'doc', 'analytics'] as const;
export type RoomKind = (typeof ROOM_KINDS)[number] | 'system';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A parsed room name. */
export interface RoomRef {
  readonly kind: RoomKind;
  readonly id: string | null;
}

/** Parses `table:{uuid}` and friends; returns null for anything else. */
export function parseRoom(room: string): RoomRef | null {
  if (room === 'system') return { kind: 'system', id: null };
  const i = room.indexOf(':');
  if (i < 0) return null;
  const kind = room.slice(0, i);
  const id = room.slice(i + 1);
  if (!(ROOM_KINDS as readonly string[]).includes(kind) || !UUID_RE.test(id)) return null;
  return { kind: kind as RoomKind, id: id.toLowerCase() };
}

/** Builds a room name. */
export function roomName(kind: Exclude<RoomKind, 'system'>, id: string): string {
  return `${kind}:${id}`;
}
