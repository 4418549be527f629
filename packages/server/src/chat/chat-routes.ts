import {
  addChatMembersSchema,
  chatSettingsSchema,
  chatTypingSchema,
  createChatRoomSchema,
  editChatMessageSchema,
  markChatReadSchema,
  sendChatMessageSchema,
  toggleReactionSchema,
  updateChatRoomSchema,
} from '@tandem/protocol';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { requireAuth } from '../http/authenticate.ts';
import { described, id, noContent, shape, timestamp } from '../http/openapi.ts';
import type { Access } from '../workspaces/access.ts';
import { messagePage } from './chat-message-pages.ts';
import type { ChatMessageService } from './chat-message-service.ts';
import type { ChatReads } from './chat-reads.ts';
import type { ChatRoomService } from './chat-room-service.ts';
import {
  chatMemberListSchema,
  chatMessagePageSchema,
  chatMessageSchema,
  chatRoomListSchema,
  chatRoomSchema,
  chatSearchSchema,
  chatSettingsResponse,
  unreadCountsSchema,
} from './chat-schemas.ts';
import { searchMessages } from './chat-search.ts';
import type { ChatTypingSignal } from './chat-typing.ts';

const idParams = z.object({ id: z.uuid() });
const workspaceQuery = z.object({ workspace_id: z.uuid() });
const pageQuery = z
  .object({
    before: z.uuid().optional(),
    after: z.uuid().optional(),
    around: z.uuid().optional(),
    thread: z.uuid().optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();

/** The services the chat routes call. */
export interface ChatRouteDeps {
  readonly ctx: AppContext;
  readonly access: Access;
  readonly rooms: ChatRoomService;
  readonly messages: ChatMessageService;
  readonly reads: ChatReads;
  readonly typing: ChatTypingSignal;
}

/** Chat rooms, members, messages, reactions, reads, unread counts, search, settings and typing under `/chat`. */
export function chatRoutes({ ctx, access, rooms, messages, reads, typing }: ChatRouteDeps) {
  return async (fastify: FastifyInstance) => {
    const app = fastify.withTypeProvider<ZodTypeProvider>();
    const tags = ['chat'];

    app.get(
      '/chat/rooms',
      {
        schema: { tags, summary: 'Rooms the caller is a member of, newest activity first', response: { 200: chatRoomListSchema }, querystring: workspaceQuery },
      },
      async (request) => ({
        rooms: await rooms.listMine(requireAuth(request), request.query.workspace_id),
      }),
    );
    app.get(
      '/chat/channels',
      { schema: { tags, summary: "The workspace's channels (anyone may join)", response: { 200: chatRoomListSchema }, querystring: workspaceQuery } },
      async (request) => ({
        rooms: await rooms.listChannels(requireAuth(request), request.query.workspace_id),
      }),
    );
    app.post(
      '/chat/rooms',
      {
        schema: {
          tags,
          summary: 'Create a group or channel; get or create the DM with a member or the room of a record',
          response: { 200: described(chatRoomSchema, 'The DM or record room that already existed'), 201: chatRoomSchema },
          body: createChatRoomSchema,
        },
      },
      async (request, reply) => {
        const { room, created } = await rooms.create(requireAuth(request), request.body);
        return reply.status(created ? 201 : 200).send(room);
      },
    );
    app.get(
      '/chat/records/:id/room',
      { schema: { tags, summary: "A record's discussion room (created on first use)", response: { 200: chatRoomSchema }, params: idParams } },
      async (request) => {
        return (await rooms.recordRoom(requireAuth(request), request.params.id)).room;
      },
    );
    app.get('/chat/rooms/:id', { schema: { tags, summary: 'One room', response: { 200: chatRoomSchema }, params: idParams } }, async (request) =>
      rooms.get(requireAuth(request), request.params.id),
    );
    app.patch(
      '/chat/rooms/:id',
      {
        schema: {
          tags,
          summary: 'Rename, re-topic, archive or make announcement-only (room or workspace admins)',
          response: { 200: chatRoomSchema },
          params: idParams,
          body: updateChatRoomSchema,
        },
      },
      async (request) => rooms.update(requireAuth(request), request.params.id, request.body),
    );
    app.delete(
      '/chat/rooms/:id',
      { schema: { tags, summary: 'Delete a room with its messages (room or workspace admins)', response: { 204: noContent }, params: idParams } },
      async (request, reply) => {
        await rooms.remove(requireAuth(request), request.params.id);
        return reply.status(204).send();
      },
    );

    app.get(
      '/chat/rooms/:id/members',
      { schema: { tags, summary: 'Members of a room', response: { 200: chatMemberListSchema }, params: idParams } },
      async (request) => ({
        members: await rooms.members(requireAuth(request), request.params.id),
      }),
    );
    app.post(
      '/chat/rooms/:id/members',
      {
        schema: {
          tags,
          summary: 'Invite to a group, join a channel (own id), or add members (admins)',
          response: { 200: chatMemberListSchema },
          params: idParams,
          body: addChatMembersSchema,
        },
      },
      async (request) => ({ members: await rooms.addMembers(requireAuth(request), request.params.id, request.body.user_ids) }),
    );
    app.delete(
      '/chat/rooms/:id/members/:userId',
      {
        schema: {
          tags,
          summary: 'Leave a room (own id) or remove a member (admins)',
          response: { 204: noContent },
          params: z.object({ id: z.uuid(), userId: z.uuid() }),
        },
      },
      async (request, reply) => {
        await rooms.removeMember(requireAuth(request), request.params.id, request.params.userId);
        return reply.status(204).send();
      },
    );

    app.get(
      '/chat/rooms/:id/messages',
      {
        schema: {
          tags,
          summary: 'A page of messages, oldest first: newest, before, after or around a message; a thread with `thread`',
          response: { 200: chatMessagePageSchema },
          params: idParams,
          querystring: pageQuery,
        },
      },
      async (request) => messagePage(ctx.db, requireAuth(request), request.params.id, request.query),
    );
    app.post(
      '/chat/rooms/:id/messages',
      {
        schema: {
          tags,
          summary: 'Send a message (201), or answer the one sent before with the same client_id (200)',
          response: { 200: described(chatMessageSchema, 'The message sent before under the same client_id'), 201: chatMessageSchema },
          params: idParams,
          body: sendChatMessageSchema,
        },
      },
      async (request, reply) => {
        const { message, created } = await messages.send(requireAuth(request), request.params.id, request.body);
        return reply.status(created ? 201 : 200).send(message);
      },
    );
    app.get('/chat/messages/:id', { schema: { tags, summary: 'One message', response: { 200: chatMessageSchema }, params: idParams } }, async (request) =>
      messages.get(requireAuth(request), request.params.id),
    );
    app.patch(
      '/chat/messages/:id',
      {
        schema: {
          tags,
          summary: 'Edit one of your messages (marked edited; the earlier text is kept for admins)',
          response: { 200: chatMessageSchema },
          params: idParams,
          body: editChatMessageSchema,
        },
      },
      async (request) => messages.edit(requireAuth(request), request.params.id, request.body.body),
    );
    app.delete(
      '/chat/messages/:id',
      { schema: { tags, summary: 'Delete a message (author or admins): a tombstone stays', response: { 200: chatMessageSchema }, params: idParams } },
      async (request) => messages.remove(requireAuth(request), request.params.id),
    );
    app.get(
      '/chat/messages/:id/history',
      {
        schema: {
          tags,
          summary: 'Earlier texts of an edited message (workspace admins)',
          response: { 200: shape({ versions: z.array(shape({ body: z.string(), edited_at: timestamp })) }) },
          params: idParams,
        },
      },
      async (request) => ({
        versions: await messages.history(requireAuth(request), request.params.id),
      }),
    );
    app.post(
      '/chat/messages/:id/reactions',
      {
        schema: {
          tags,
          summary: "Toggle the caller's reaction",
          response: { 200: shape({ message: chatMessageSchema, added: z.boolean() }) },
          params: idParams,
          body: toggleReactionSchema,
        },
      },
      async (request) => messages.toggleReaction(requireAuth(request), request.params.id, request.body.emoji),
    );
    app.get(
      '/chat/messages/:id/seen-by',
      {
        schema: {
          tags,
          summary: 'Members who have read up to a message',
          response: { 200: shape({ users: z.array(shape({ id, name: z.string(), read_at: timestamp })) }) },
          params: idParams,
        },
      },
      async (request) => ({
        users: await reads.seenBy(requireAuth(request), request.params.id),
      }),
    );

    app.post(
      '/chat/rooms/:id/read',
      {
        schema: {
          tags,
          summary: "Move the caller's read marker (in a thread with thread_id); answers the new unread counts",
          response: { 200: shape({ unread: unreadCountsSchema }) },
          params: idParams,
          body: markChatReadSchema,
        },
      },
      async (request) => ({ unread: await reads.markRead(requireAuth(request), request.params.id, request.body) }),
    );
    app.get(
      '/chat/unread',
      { schema: { tags, summary: "The caller's unread counts in a workspace", response: { 200: unreadCountsSchema }, querystring: workspaceQuery } },
      async (request) => reads.counts(requireAuth(request), request.query.workspace_id),
    );
    app.get('/chat/settings', { schema: { tags, summary: "The caller's chat settings", response: { 200: chatSettingsResponse } } }, async (request) =>
      reads.settings(requireAuth(request)),
    );
    app.put(
      '/chat/settings',
      { schema: { tags, summary: 'Hide or show your read receipts', response: { 200: chatSettingsResponse }, body: chatSettingsSchema } },
      async (request) => reads.updateSettings(requireAuth(request), request.body),
    );

    app.get(
      '/chat/search',
      {
        schema: {
          tags,
          summary: 'Full-text search over the rooms the caller can read, ranked, with highlighted snippets',
          response: { 200: chatSearchSchema },
          querystring: z
            .object({
              workspace_id: z.uuid(),
              q: z.string().trim().min(1).max(200),
              room: z.uuid().optional(),
              limit: z.coerce.number().int().min(1).max(100).default(20),
            })
            .strict(),
        },
      },
      async (request) => {
        const { workspace_id, q, room, limit } = request.query;
        return { hits: await searchMessages(ctx.db, access, requireAuth(request), { workspaceId: workspace_id, q, roomId: room, limit }) };
      },
    );

    app.post(
      '/chat/typing',
      { schema: { tags, summary: 'Tell a chat room you are typing (ephemeral, throttled)', response: { 204: noContent }, body: chatTypingSchema } },
      async (request, reply) => {
        await typing.signal(requireAuth(request), request.body.room, request.body.thread_id);
        return reply.status(204).send();
      },
    );
  };
}
