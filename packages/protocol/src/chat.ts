import { z } from 'zod';
import type { Actor } from './messages.ts';

/**
 * Wire shapes of chat and files. Request bodies are zod schemas (the server validates them, the SDK
 * may too) with their types inferred; response shapes are readonly interfaces, as in
 * `collaboration.ts`, since nothing parses them at run time.
 */

/** Kinds of chat room: a direct message between two members, a private group, a workspace channel, or a record's discussion. */
export const CHAT_ROOM_KINDS = ['dm', 'group', 'channel', 'record'] as const;
/** A chat room kind. */
export type ChatRoomKind = (typeof CHAT_ROOM_KINDS)[number];

/** Roles inside one room (independent of the workspace role). */
export const CHAT_ROLES = ['admin', 'member'] as const;
/** A room role. */
export type ChatRole = (typeof CHAT_ROLES)[number];

/** The caller's membership of a room. */
export interface ChatMembership {
  readonly role: ChatRole;
  readonly joined_at: string;
  /** The newest room message (not thread reply) the caller has read; null before the first read. */
  readonly last_read_message_id: string | null;
  readonly muted: boolean;
}

/** A chat room with the caller's view of it (membership, unread counts, DM peer). */
export interface ChatRoom {
  readonly id: string;
  readonly workspace_id: string;
  readonly kind: ChatRoomKind;
  /** Null for a DM: show `dm_peer.name`. */
  readonly name: string | null;
  readonly topic: string | null;
  /** The record a `record` room discusses. */
  readonly record_id: string | null;
  readonly table_id: string | null;
  /** Only room admins may post. */
  readonly announcement_only: boolean;
  readonly archived: boolean;
  readonly created_by: string | null;
  readonly created_at: string;
  readonly last_message_at: string | null;
  readonly last_message: ChatMessage | null;
  readonly member_count: number;
  /** The caller's membership; null when the caller reads without being a member (channel, record room). */
  readonly membership: ChatMembership | null;
  /** Unread room messages of the caller (0 without membership). */
  readonly unread: number;
  /** Unread messages mentioning the caller. */
  readonly mention_unread: number;
  /** The other member of a DM. */
  readonly dm_peer: { readonly id: string; readonly name: string } | null;
}

/** A member of a room. */
export interface ChatMember {
  readonly user_id: string;
  readonly name: string;
  readonly email: string;
  readonly role: ChatRole;
  readonly joined_at: string;
}

/** A file attached to a message. */
export interface ChatAttachment {
  readonly file_id: string;
  readonly name: string;
  /** Sniffed from the bytes, never taken from the uploader. */
  readonly mime: string;
  readonly size: number;
  readonly width: number | null;
  readonly height: number | null;
  /** Download URL (`/api/v1/files/{id}`). */
  readonly url: string;
  /** For images: a WebP of at most 320 px (`/api/v1/files/{id}/thumbnail`), or the image itself when it is no larger; null otherwise. */
  readonly thumbnail_url: string | null;
}

/** One emoji on a message: how many reacted and who. */
export interface ChatReaction {
  readonly emoji: string;
  readonly count: number;
  readonly user_ids: readonly string[];
}

/** A chat message; once deleted a tombstone stays in place (`deleted_at` set, `body` and `body_html` empty). */
export interface ChatMessage {
  readonly id: string;
  readonly room_id: string;
  readonly workspace_id: string;
  readonly author: Actor | null;
  /** The sender's idempotency key. */
  readonly client_id: string | null;
  /** Markdown as written. */
  readonly body: string;
  /** Sanitised HTML of `body` (the comment renderer); '' when deleted. */
  readonly body_html: string;
  /** Ids of the members mentioned. */
  readonly mentions: readonly string[];
  /** The thread root this message replies to; null for a message in the room itself. */
  readonly parent_id: string | null;
  /** On a thread root: its replies. */
  readonly reply_count: number;
  readonly last_reply_at: string | null;
  /** On a thread root: who replied (user ids, first reply first). */
  readonly thread_participants: readonly string[];
  readonly reactions: readonly ChatReaction[];
  readonly attachments: readonly ChatAttachment[];
  readonly edited_at: string | null;
  readonly deleted_at: string | null;
  readonly created_at: string;
}

/** Unread counts of one room. */
export interface RoomUnread {
  readonly unread: number;
  readonly mentions: number;
  /** Unread replies per thread root the caller takes part in (authored the root or replied). */
  readonly threads: Readonly<Record<string, number>>;
}

/** A user's unread counts over a workspace (room messages; thread replies are counted per thread only). */
export interface UnreadCounts {
  readonly total: number;
  readonly mentions: number;
  readonly rooms: Readonly<Record<string, RoomUnread>>;
}

/** A search hit: the message, its room (a DM named after the other member) and a snippet with `<mark>` around the matches (the rest HTML-escaped). */
export interface ChatSearchHit {
  readonly message: ChatMessage;
  readonly room: { readonly id: string; readonly name: string | null; readonly kind: ChatRoomKind };
  readonly snippet_html: string;
  readonly rank: number;
}

/** A stored file as `POST /files` answers. */
export interface StoredFile {
  readonly id: string;
  readonly workspace_id: string;
  readonly name: string;
  readonly mime: string;
  readonly size: number;
  readonly width: number | null;
  readonly height: number | null;
  readonly created_at: string;
  readonly url: string;
  readonly thumbnail_url: string | null;
}

/** A page of messages, oldest first. */
export interface ChatMessagePage {
  readonly messages: readonly ChatMessage[];
  readonly has_older: boolean;
  readonly has_newer: boolean;
}

/** Someone who has read up to a message. */
export interface SeenByUser {
  readonly id: string;
  readonly name: string;
  readonly read_at: string;
}

/** A user's chat settings. */
export interface ChatSettings {
  /** Others see no read receipts of this user (no `chat_read`, absent from "Seen by"). */
  readonly hide_read_receipts: boolean;
}

const uuid = z.uuid();
const roomName = z.string().trim().min(1).max(100);
const topic = z.string().trim().max(500);

/** Body of `POST /chat/rooms`, by kind. */
export const createChatRoomSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('dm'), workspace_id: uuid, user_id: uuid }).strict(),
  z
    .object({
      kind: z.enum(['group', 'channel']),
      workspace_id: uuid,
      name: roomName,
      topic: topic.optional(),
      member_ids: z.array(uuid).max(500).optional(),
      announcement_only: z.boolean().optional(),
    })
    .strict(),
  z.object({ kind: z.literal('record'), record_id: uuid, workspace_id: uuid.optional() }).strict(),
]);
/** A room to create (or, for dm and record, to get). */
export type CreateChatRoom = z.infer<typeof createChatRoomSchema>;

/** Body of `PATCH /chat/rooms/{id}`. */
export const updateChatRoomSchema = z
  .object({ name: roomName, topic: topic.nullable(), announcement_only: z.boolean(), archived: z.boolean() })
  .partial()
  .strict();
/** A room change. */
export type UpdateChatRoom = z.infer<typeof updateChatRoomSchema>;

/** Body of `POST /chat/rooms/{id}/members`. */
export const addChatMembersSchema = z.object({ user_ids: z.array(uuid).min(1).max(500) }).strict();
/** Members to add. */
export type AddChatMembers = z.infer<typeof addChatMembersSchema>;

/** Longest message body, in characters. */
export const CHAT_MESSAGE_MAX_CHARS = 20_000;

/** Body of `POST /chat/rooms/{id}/messages`. */
export const sendChatMessageSchema = z
  .object({
    body: z.string().max(CHAT_MESSAGE_MAX_CHARS),
    /** Idempotency key: a retried send with the same key answers the first message. */
    client_id: z.string().min(1).max(100).optional(),
    parent_id: uuid.optional(),
    file_ids: z.array(uuid).max(10).optional(),
  })
  .strict()
  .refine((m) => m.body.trim() !== '' || (m.file_ids?.length ?? 0) > 0, { message: 'A message needs a body or a file.', path: ['body'] });
/** A message to send. */
export type SendChatMessage = z.infer<typeof sendChatMessageSchema>;

/** Body of `PATCH /chat/messages/{id}`. */
export const editChatMessageSchema = z.object({ body: z.string().trim().min(1).max(CHAT_MESSAGE_MAX_CHARS) }).strict();
/** A message edit. */
export type EditChatMessage = z.infer<typeof editChatMessageSchema>;

/** Body of `POST /chat/messages/{id}/reactions`. */
export const toggleReactionSchema = z.object({ emoji: z.string().trim().min(1).max(64) }).strict();
/** A reaction toggle. */
export type ToggleReaction = z.infer<typeof toggleReactionSchema>;

/** Body of `POST /chat/rooms/{id}/read`: read up to `message_id` (in the thread `thread_id`, when given). */
export const markChatReadSchema = z.object({ message_id: uuid, thread_id: uuid.optional() }).strict();
/** A read marker move. */
export type MarkChatRead = z.infer<typeof markChatReadSchema>;

/** Body of `PUT /chat/settings`. */
export const chatSettingsSchema = z.object({ hide_read_receipts: z.boolean() }).strict();

/** Body of `POST /chat/typing`. */
export const chatTypingSchema = z.object({ room: z.string().min(1).max(200), thread_id: uuid.optional() }).strict();

/** `chat_reaction_added` / `chat_reaction_removed` in `chat:{id}`. */
export interface ChatReactionEventData {
  readonly message_id: string;
  readonly emoji: string;
  readonly user_id: string;
  /** Every reaction of the message after the change. */
  readonly reactions: readonly ChatReaction[];
}

/** `chat_read` in `chat:{id}`: a member's receipt (not sent for members hiding receipts). */
export interface ChatReadEventData {
  readonly user_id: string;
  readonly message_id: string;
  readonly thread_id: string | null;
}

/** `chat_member_joined` in `chat:{id}`. */
export interface ChatMemberJoinedData {
  readonly room_id: string;
  readonly member: ChatMember;
}

/** `chat_member_left` in `chat:{id}`. */
export interface ChatMemberLeftData {
  readonly room_id: string;
  readonly user_id: string;
}
