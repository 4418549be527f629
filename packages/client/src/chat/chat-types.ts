/** Chat wire types, from the protocol (re-exported so SDK users need one import). */
export type {
  ChatAttachment,
  ChatMember,
  ChatMembership,
  ChatMessage,
  ChatMessagePage,
  ChatReaction,
  ChatRoom,
  ChatRoomKind,
  ChatSearchHit,
  ChatSettings,
  RoomUnread,
  SeenByUser,
  StoredFile,
  UnreadCounts,
} from '@tandem/protocol';

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
