import { CHAT_ROLES, CHAT_ROOM_KINDS, chatSettingsSchema } from '@tandem/protocol';
import { z } from 'zod';
import { actorSchema, entity, id, shape, timestamp } from '../http/openapi.ts';

/** Response schemas of the chat routes (protocol `ChatRoom`, `ChatMessage` and friends). */

const attachmentSchema = entity(
  'ChatAttachment',
  {
    file_id: id,
    name: z.string(),
    mime: z.string(),
    size: z.number(),
    width: z.number().nullable(),
    height: z.number().nullable(),
    url: z.string(),
    thumbnail_url: z.string().nullable(),
  },
  'A file attached to a chat message.',
);

/** A chat message. */
export const chatMessageSchema = entity(
  'ChatMessage',
  {
    id,
    room_id: id,
    workspace_id: id,
    author: actorSchema.nullable(),
    client_id: z.string().nullable(),
    body: z.string(),
    body_html: z.string(),
    mentions: z.array(id),
    parent_id: id.nullable(),
    reply_count: z.number().int(),
    last_reply_at: timestamp.nullable(),
    thread_participants: z.array(id),
    reactions: z.array(shape({ emoji: z.string(), count: z.number().int(), user_ids: z.array(id) })),
    attachments: z.array(attachmentSchema),
    edited_at: timestamp.nullable(),
    deleted_at: timestamp.nullable(),
    created_at: timestamp,
  },
  'A chat message; a deleted one keeps its place with an empty body.',
);

/** A chat room, with the caller's membership and unread counts. */
export const chatRoomSchema = entity(
  'ChatRoom',
  {
    id,
    workspace_id: id,
    kind: z.enum(CHAT_ROOM_KINDS),
    name: z.string().nullable(),
    topic: z.string().nullable(),
    record_id: id.nullable(),
    table_id: id.nullable(),
    announcement_only: z.boolean(),
    archived: z.boolean(),
    created_by: id.nullable(),
    created_at: timestamp,
    last_message_at: timestamp.nullable(),
    last_message: chatMessageSchema.nullable(),
    member_count: z.number().int(),
    membership: shape({ role: z.enum(CHAT_ROLES), joined_at: timestamp, last_read_message_id: id.nullable(), muted: z.boolean() }).nullable(),
    unread: z.number().int(),
    mention_unread: z.number().int(),
    dm_peer: shape({ id, name: z.string() }).nullable(),
  },
  'A chat room: a DM, a group, a channel or the room of a record.',
);

/** A list of rooms. */
export const chatRoomListSchema = shape({ rooms: z.array(chatRoomSchema) });

/** Members of a room. */
export const chatMemberListSchema = shape({
  members: z.array(shape({ user_id: id, name: z.string(), email: z.string(), role: z.enum(CHAT_ROLES), joined_at: timestamp })),
});

/** A page of messages, oldest first. */
export const chatMessagePageSchema = shape({ messages: z.array(chatMessageSchema), has_older: z.boolean(), has_newer: z.boolean() });

/** Unread counts of the caller in a workspace. */
export const unreadCountsSchema = entity(
  'UnreadCounts',
  {
    total: z.number().int(),
    mentions: z.number().int(),
    rooms: z.record(z.string(), shape({ unread: z.number().int(), mentions: z.number().int(), threads: z.record(z.string(), z.number()) })),
  },
  'Unread messages and mentions, in total and per room (and per thread).',
);

/** Search results, best first. */
export const chatSearchSchema = shape({
  hits: z.array(
    shape({
      message: chatMessageSchema,
      room: shape({ id, name: z.string().nullable(), kind: z.enum(CHAT_ROOM_KINDS) }),
      snippet_html: z.string(),
      rank: z.number(),
    }),
  ),
});

/** A user's chat settings. */
export const chatSettingsResponse = chatSettingsSchema;
