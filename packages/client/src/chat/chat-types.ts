/**
 * Chat wire types as the SDK reads them. They mirror docs/api.md (chat and files); kept local and
 * narrow so the SDK only depends on the fields it uses. Replace with the protocol's exports once
 * `@tandem/protocol` declares them.
 */

/** Kinds of chat room. */
export type ChatRoomKind = 'dm' | 'group' | 'channel' | 'record';

/** The caller's membership of a room. */
export interface ChatMembership {
  readonly role: 'admin' | 'member';
  readonly joined_at: string;
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
  readonly record_id: string | null;
  readonly table_id: string | null;
  readonly announcement_only: boolean;
  readonly archived: boolean;
  readonly created_by: string | null;
  readonly created_at: string;
  readonly last_message_at: string | null;
  readonly last_message: ChatMessage | null;
  readonly member_count: number;
  readonly membership: ChatMembership | null;
  readonly unread: number;
  readonly mention_unread: number;
  readonly dm_peer: { readonly id: string; readonly name: string } | null;
}

/** A member of a room. */
export interface ChatMember {
  readonly user_id: string;
  readonly name: string;
  readonly email: string;
  readonly role: 'admin' | 'member';
  readonly joined_at: string;
}

/** A file attached to a message. */
export interface ChatAttachment {
  readonly file_id: string;
  readonly name: string;
  readonly mime: string;
  readonly size: number;
  readonly width: number | null;
  readonly height: number | null;
  readonly url: string;
  readonly thumbnail_url: string | null;
}

/** One emoji on a message: how many reacted and who. */
export interface ChatReaction {
  readonly emoji: string;
  readonly count: number;
  readonly user_ids: readonly string[];
}

/** The author of a message. */
export interface ChatAuthor {
  readonly id: string;
  readonly name: string;
}

/** A chat message (a tombstone once deleted: `deleted_at` set, `body_html` empty). */
export interface ChatMessage {
  readonly id: string;
  readonly room_id: string;
  readonly workspace_id: string;
  readonly author: ChatAuthor | null;
  readonly client_id: string | null;
  readonly body: string;
  readonly body_html: string;
  readonly mentions: readonly string[];
  /** The thread root this message replies to, or null for a message in the room itself. */
  readonly parent_id: string | null;
  readonly reply_count: number;
  readonly last_reply_at: string | null;
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
  /** Unread replies per thread root. */
  readonly threads: Readonly<Record<string, number>>;
}

/** A user's unread counts over a workspace. */
export interface UnreadCounts {
  readonly total: number;
  readonly mentions: number;
  readonly rooms: Readonly<Record<string, RoomUnread>>;
}

/** A search hit: the message, its room and a snippet with `<mark>` around the matches. */
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

/** Who has read up to a message. */
export interface SeenByUser {
  readonly id: string;
  readonly name: string;
  readonly read_at: string;
}

/** The durable chat events of `chat:{id}` and `user:{id}` the SDK follows. */
export const CHAT_EVENTS = {
  messageCreated: 'chat_message_created',
  messageUpdated: 'chat_message_updated',
  messageDeleted: 'chat_message_deleted',
  reactionAdded: 'chat_reaction_added',
  reactionRemoved: 'chat_reaction_removed',
  read: 'chat_read',
  roomUpdated: 'chat_room_updated',
  memberJoined: 'chat_member_joined',
  memberLeft: 'chat_member_left',
  unread: 'chat_unread',
  roomAdded: 'chat_room_added',
} as const;
