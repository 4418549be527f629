import type { TandemClient } from '../tandem-client.ts';
import { ChatMessageList, type ChatMessageListOptions } from './chat-message-list.ts';
import { ChatOutbox } from './chat-outbox.ts';
import { ChatRoomList } from './chat-room-list.ts';
import type { ChatMember, ChatMessage, ChatRoom, ChatSearchHit, SeenByUser, StoredFile, UnreadCounts } from './chat-types.ts';
import { ChatTyping } from './chat-typing.ts';
import { ChatUnread } from './chat-unread.ts';
import { type UploadOptions, uploadFile } from './file-upload.ts';

/** What {@link ChatApi.createRoom} takes. */
export type CreateChatRoom =
  | { readonly kind: 'dm'; readonly user_id: string }
  | {
      readonly kind: 'group' | 'channel';
      readonly name: string;
      readonly topic?: string;
      readonly member_ids?: readonly string[];
      readonly announcement_only?: boolean;
    };

/** Options of {@link ChatApi.send}. */
export interface SendOptions {
  /** Reply in the thread of this root message. */
  readonly parentId?: string;
  /** Files uploaded with {@link ChatApi.upload}. */
  readonly fileIds?: readonly string[];
  /** Default: a fresh random id. A retried send with the same id creates one message. */
  readonly clientId?: string;
}

/**
 * `client.chat`: chat rooms, messages, reactions, reads, typing, unread counts, search and file
 * uploads over the REST API, plus live stores ({@link ChatRoomList}, {@link ChatMessageList},
 * {@link ChatTyping}, {@link ChatUnread}) that follow the rooms' durable events.
 */
export class ChatApi {
  /** Sends waiting for the server (kept across reconnects, retried with their `client_id`). */
  readonly outbox: ChatOutbox;

  constructor(private readonly client: TandemClient) {
    this.outbox = new ChatOutbox(client.api);
    // Back online: what could not be sent goes out now, in order.
    client.onStatus((status) => {
      if (status === 'connected' && this.outbox.size > 0) void this.outbox.flush();
    });
  }

  /** The rooms the user belongs to, newest activity first. */
  async rooms(workspaceId: string): Promise<ChatRoom[]> {
    return (await this.client.api.get<{ rooms: ChatRoom[] }>('/chat/rooms', { workspace_id: workspaceId })).rooms;
  }

  /** Channels of the workspace the user may join. */
  async channels(workspaceId: string): Promise<ChatRoom[]> {
    return (await this.client.api.get<{ rooms: ChatRoom[] }>('/chat/channels', { workspace_id: workspaceId })).rooms;
  }

  /** Creates a group or channel, or opens the DM with a member (the same room for the same pair). */
  createRoom(workspaceId: string, room: CreateChatRoom): Promise<ChatRoom> {
    return this.client.api.post<ChatRoom>('/chat/rooms', { workspace_id: workspaceId, ...room });
  }

  /** The discussion room of a record (created on first use). */
  recordRoom(recordId: string): Promise<ChatRoom> {
    return this.client.api.get<ChatRoom>(`/chat/records/${recordId}/room`);
  }

  /** One room. */
  room(roomId: string): Promise<ChatRoom> {
    return this.client.api.get<ChatRoom>(`/chat/rooms/${roomId}`);
  }

  /** Renames, re-topics, archives or restricts a room (room or workspace admins). */
  updateRoom(
    roomId: string,
    patch: { readonly name?: string; readonly topic?: string | null; readonly announcement_only?: boolean; readonly archived?: boolean },
  ): Promise<ChatRoom> {
    return this.client.api.patch<ChatRoom>(`/chat/rooms/${roomId}`, patch);
  }

  /** The members of a room. */
  async members(roomId: string): Promise<ChatMember[]> {
    return (await this.client.api.get<{ members: ChatMember[] }>(`/chat/rooms/${roomId}/members`)).members;
  }

  /** Adds members to a group. */
  async addMembers(roomId: string, userIds: readonly string[]): Promise<void> {
    await this.client.api.post(`/chat/rooms/${roomId}/members`, { user_ids: userIds });
  }

  /** Joins a channel. */
  async join(roomId: string): Promise<void> {
    await this.addMembers(roomId, [await this.#userId()]);
  }

  /** Leaves a room (or, as an admin, removes `userId`). */
  async leave(roomId: string, userId?: string): Promise<void> {
    await this.client.api.delete(`/chat/rooms/${roomId}/members/${userId ?? (await this.#userId())}`);
  }

  /**
   * Sends a message. It shows at once as pending in every {@link ChatMessageList} of the room and
   * is sent with a `client_id`; while the server cannot be reached it waits in the outbox and is
   * retried, creating one message however often it is retried. Resolves with the stored message.
   */
  send(roomId: string, body: string, options: SendOptions = {}): Promise<ChatMessage> {
    return this.outbox.enqueue({
      client_id: options.clientId ?? randomId(),
      room_id: roomId,
      body,
      parent_id: options.parentId ?? null,
      file_ids: options.fileIds ?? [],
    });
  }

  /** Edits one of the user's messages. */
  edit(messageId: string, body: string): Promise<ChatMessage> {
    return this.client.api.patch<ChatMessage>(`/chat/messages/${messageId}`, { body });
  }

  /** Deletes a message (a tombstone stays). */
  async delete(messageId: string): Promise<void> {
    await this.client.api.delete(`/chat/messages/${messageId}`);
  }

  /** Adds the user's reaction, or removes it when they had it. */
  react(messageId: string, emoji: string): Promise<{ message: ChatMessage; added: boolean }> {
    return this.client.api.post(`/chat/messages/${messageId}/reactions`, { emoji });
  }

  /** Moves the user's read marker to a message (in a thread when `threadId` is its root). */
  async markRead(roomId: string, messageId: string, threadId?: string): Promise<UnreadCounts> {
    const answer = await this.client.api.post<{ unread: UnreadCounts }>(`/chat/rooms/${roomId}/read`, {
      message_id: messageId,
      ...(threadId ? { thread_id: threadId } : {}),
    });
    return answer.unread;
  }

  /** Members who have read up to a message (not the author, not those hiding receipts). */
  async seenBy(messageId: string): Promise<SeenByUser[]> {
    return (await this.client.api.get<{ users: SeenByUser[] }>(`/chat/messages/${messageId}/seen-by`)).users;
  }

  /** The user's unread counts in a workspace. */
  unread(workspaceId: string): Promise<UnreadCounts> {
    return this.client.api.get<UnreadCounts>('/chat/unread', { workspace_id: workspaceId });
  }

  /** Full-text search over the rooms the user can read. */
  async search(workspaceId: string, q: string, options: { readonly roomId?: string; readonly limit?: number } = {}): Promise<ChatSearchHit[]> {
    const answer = await this.client.api.get<{ hits: ChatSearchHit[] }>('/chat/search', {
      workspace_id: workspaceId,
      q,
      room: options.roomId,
      limit: options.limit,
    });
    return answer.hits;
  }

  /** Whether the user hides their read receipts. */
  async settings(): Promise<{ hide_read_receipts: boolean }> {
    return this.client.api.get('/chat/settings');
  }

  /** Hides or shows the user's read receipts. */
  async setHideReadReceipts(hide: boolean): Promise<void> {
    await this.client.api.put('/chat/settings', { hide_read_receipts: hide });
  }

  /** Uploads a file to attach to a message (progress in browsers). */
  upload(workspaceId: string, file: Blob, name: string, options: UploadOptions = {}): Promise<StoredFile> {
    return uploadFile(this.client.api, workspaceId, file, name, options);
  }

  /** A live list of the user's rooms (call `start()`). */
  roomList(workspaceId: string): ChatRoomList {
    return new ChatRoomList(this.client, workspaceId);
  }

  /** A live list of a room's messages, or a thread's replies (call `start()`). */
  messages(roomId: string, options?: ChatMessageListOptions): ChatMessageList {
    return new ChatMessageList(this.client, this.outbox, roomId, options);
  }

  /** Who types in a room, and the user's throttled typing signal (call `start()`). */
  typing(roomId: string): ChatTyping {
    return new ChatTyping(this.client, roomId);
  }

  /** Live unread counts of a workspace (call `start()`). */
  unreadCounts(workspaceId: string): ChatUnread {
    return new ChatUnread(this.client, workspaceId);
  }

  async #userId(): Promise<string> {
    return this.client.user?.id ?? (await this.client.api.get<{ user: { id: string } }>('/me')).user.id;
  }
}

function randomId(): string {
  const crypto = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  if (crypto?.randomUUID) return crypto.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}
