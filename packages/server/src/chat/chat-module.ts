import { parseRoom } from '@tandem/protocol';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.ts';
import { errors } from '../errors/app-error.ts';
import type { GatewayApi } from '../gateway-api.ts';
import type { Access } from '../workspaces/access.ts';
import { type AttachableFiles, ChatMessageService } from './chat-message-service.ts';
import { ChatReads } from './chat-reads.ts';
import { roomAccess } from './chat-room-access.ts';
import { ChatRoomService } from './chat-room-service.ts';
import { chatRoutes } from './chat-routes.ts';
import { ChatTypingSignal, TYPING_SIGNAL_MS } from './chat-typing.ts';
import { UnreadPusher } from './unread-pusher.ts';

/** Coalescing window of the unread counts pushed after new messages: each member gets one count per window, whatever the traffic. */
export const UNREAD_PUSH_MS = 3_000;

/** What chat needs of the file store: checking attachments, and telling it who may download them. */
export interface ChatFiles extends AttachableFiles {
  /** Adds a check that lets a user download a file someone else uploaded. */
  registerHolder(check: (userId: string, fileId: string) => Promise<boolean>): void;
}

/** The chat domain wired into a server. */
export interface Chat {
  /** Routes for the `/api/v1` scope. */
  readonly routes: (api: FastifyInstance) => Promise<void>;
  /** Sends pending unread counts; call before the database closes. */
  close(): Promise<void>;
}

/**
 * Wires chat into a server: `chat:{id}` rooms are authorised by the room's membership rules (the
 * same check REST reads use), files attached to a message can be downloaded by whoever can read
 * its room, and the REST routes., the WebSocket `typing` message for chat rooms, and the REST routes.
 */
export function installChat(ctx: AppContext, access: Access, gateway: GatewayApi, files: ChatFiles): Chat {
  const unread = new UnreadPusher(ctx, UNREAD_PUSH_MS);
  const rooms = new ChatRoomService(ctx, access);
  const messages = new ChatMessageService(ctx, files, unread);
  const reads = new ChatReads(ctx, access, unread);
  const typing = new ChatTypingSignal(ctx.db, gateway.signals);

  const canRead = async (userId: string, id: string) => (await roomAccess(ctx.db, userId, id)) !== null;
  gateway.registerRoomCheck('chat', (userId, _kind, id) => canRead(userId, id));
  // A chat room's readers may signal typing without subscribing (a composer in a room list, a
  // thread panel); other rooms keep the gateway's rule: subscribers only.
  gateway.registerHandler('typing', async (message, context) => {
    const { room } = message;
    const ref = parseRoom(room);
    if (ref?.kind === 'chat') {
      if (!(await canRead(context.caller.userId, ref.id ?? ''))) throw errors.notFound('Chat room');
    } else context.requireSubscribed(room);
    const { user } = context.caller.auth;
    const thread = message.thread_id ? { thread_id: message.thread_id } : {};
    const signal = { type: 'typing' as const, room, user_id: user.id, name: user.name, ...thread };
    // Typing in a thread and in the room below it are throttled apart: both can show at once.
    return { relayed: context.relayAtMost(`typing:${room}:${message.thread_id ?? ''}`, room, signal, TYPING_SIGNAL_MS) };
  });
  files.registerHolder(async (userId, fileId) => {
    const holders = await ctx.db.query<{ room_id: string }>(
      `SELECT DISTINCT c.room_id FROM chat_message_files mf JOIN chat_messages c ON c.id = mf.message_id
       WHERE mf.file_id = $1 AND c.deleted_at IS NULL LIMIT 20`,
      [fileId],
    );
    for (const { room_id } of holders) if (await roomAccess(ctx.db, userId, room_id)) return true;
    return false;
  });

  return {
    routes: async (api) => {
      await api.register(chatRoutes({ ctx, access, rooms, messages, reads, typing }));
    },
    close: () => unread.close(),
  };
}
