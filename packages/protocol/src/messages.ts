import { z } from 'zod';
import type { AnalyticsUpdate } from './analytics.ts';
import { type DocumentInfo, type DocumentVersion, MAX_DOC_MESSAGE_BASE64 } from './documents.ts';
import { PRESENCE_ACTIONS, PRESENCE_STATUSES, type PresenceAction, type PresenceStatus } from './domain.ts';
import type { ErrorCode } from './errors.ts';
import type { AlertInfo, MetricsUpdate } from './operations.ts';

/** Wire protocol version; a client sends it as `?v=` when connecting. Bumped on breaking changes. */
export const PROTOCOL_VERSION = 1;

/**
 * Query parameter with which a WebSocket client accepts batched frames (`?batch=1`): the server may
 * then put the messages it sends a connection in the same moment into one text frame, one JSON
 * object per line (`\n` between them; JSON text never holds a raw newline). Without it every
 * frame holds exactly one message.
 */
export const WS_BATCH_PARAM = 'batch';

const room = z.string().min(1).max(200);
const uuid = z.uuid();
/** Optional correlation id; a message that has one is answered by `ack` or `error` with the same id. */
const id = z.union([z.string().max(64), z.number().int()]).optional();

/**
 * Every message a client may send, declared once: the TypeScript types and the runtime
 * validator both come from this union.
 */
export const clientMessageSchema = z.discriminatedUnion('type', [
  /** Client → server: join a room, replaying durable events after `since` when given. */
  z.object({ type: z.literal('subscribe'), id, room, since: z.number().int().min(0).optional() }).strict(),
  /** Client → server: leave a room. */
  z.object({ type: z.literal('unsubscribe'), id, room }).strict(),
  /** Client → server: announce what the user does in a room. */
  z
    .object({
      type: z.literal('presence'),
      id,
      room,
      action: z.enum(PRESENCE_ACTIONS),
      status: z.enum(PRESENCE_STATUSES).optional(),
      record_id: uuid.optional(),
      field_id: uuid.optional(),
    })
    .strict(),
  /** Client → server: the user's cursor or selected cell (ephemeral, relayed to the room). */
  z.object({ type: z.literal('user_cursor'), id, room, position: z.json() }).strict(),
  /** Client → server: take a lease on a cell (record + field) or a whole row (no field). */
  z.object({ type: z.literal('cell_lock'), id, record_id: uuid, field_id: uuid.optional(), force: z.boolean().optional() }).strict(),
  /** Client → server: release a cell or row lock (`force`: an admin releases another user's lock). */
  z.object({ type: z.literal('cell_unlock'), id, record_id: uuid, field_id: uuid.optional(), force: z.boolean().optional() }).strict(),
  /** Client → server: live preview of a value being typed (not stored). */
  z.object({ type: z.literal('cell_edit'), id, record_id: uuid, field_id: uuid, value: z.json() }).strict(),
  /** Client → server: the user is typing in a room (chat or comments); `thread_id` when in a chat thread. */
  z.object({ type: z.literal('typing'), id, room, thread_id: uuid.optional() }).strict(),
  /** Client → server: application-level ping; answered by `pong`. */
  z.object({ type: z.literal('ping'), id }).strict(),
  /**
   * Client → server: a y-protocols sync message (step 1, step 2 or update; base64) for the
   * document of a `doc:{id}` room. Step 1 is answered in the `ack` (`sync`: step 2 and the
   * server's own step 1); an update is stored before its `ack`, then sent to the room.
   */
  z.object({ type: z.literal('doc_sync'), id, room, data: z.base64().max(MAX_DOC_MESSAGE_BASE64) }).strict(),
  /** Client → server: a y-protocols awareness update (base64) for a `doc:{id}` room; its `user` is set by the server. */
  z.object({ type: z.literal('doc_awareness'), id, room, data: z.base64().max(MAX_DOC_MESSAGE_BASE64) }).strict(),
]);

/** A message sent by a client. */
export type ClientMessage = z.infer<typeof clientMessageSchema>;
/** The `type` of a client message. */
export type ClientMessageType = ClientMessage['type'];

/** Who caused an event. */
export interface Actor {
  readonly id: string;
  readonly name: string;
}

/** Server → client: a stored change in a room, with a gapless per-room sequence number. */
export interface DurableEvent<T = unknown> {
  readonly type: string;
  readonly room: string;
  readonly seq: number;
  readonly ts: string;
  readonly actor: Actor | null;
  readonly data: T;
}

/** Types of durable events the server emits. */
export const DURABLE_EVENT_TYPES = [
  'record_created',
  'record_updated',
  'record_deleted',
  'table_created',
  'table_updated',
  'table_deleted',
  'field_created',
  'field_updated',
  'field_deleted',
  'view_created',
  'view_updated',
  'view_deleted',
  'member_added',
  'member_updated',
  'member_removed',
  'comment_created',
  'comment_updated',
  'comment_deleted',
  'activity_created',
  'approval_requested',
  'approval_responded',
  'notification_created',
  'notification_read',
  'chat_message_created',
  'chat_message_updated',
  'chat_message_deleted',
  'chat_reaction_added',
  'chat_reaction_removed',
  'chat_read',
  'chat_room_updated',
  'chat_member_joined',
  'chat_member_left',
  'chat_unread',
  'chat_room_added',
  'announcement',
] as const;
export type DurableEventType = (typeof DURABLE_EVENT_TYPES)[number];

/** One entry of a room's presence list. */
export interface PresenceEntry {
  readonly user_id: string;
  readonly name: string;
  readonly color: string;
  readonly action: PresenceAction;
  readonly status: PresenceStatus;
  readonly record_id?: string | null;
  readonly field_id?: string | null;
  readonly since: string;
}

/** A cell or row lease. */
export interface LockInfo {
  readonly record_id: string;
  readonly field_id: string | null;
  readonly user_id: string;
  readonly name: string;
  readonly color: string;
  readonly expires_at: string;
}

/** Messages the server sends that are not durable events. */
export type ServerSignal =
  /** Server → client: answer to a client message that carried an `id`. */
  | { readonly type: 'ack'; readonly id: string | number; readonly [key: string]: unknown }
  /** Server → client: a client message failed; nothing was changed. */
  | { readonly type: 'error'; readonly id?: string | number; readonly code: ErrorCode; readonly message: string; readonly details?: Record<string, unknown> }
  /** Server → client: answer to `ping`. */
  | { readonly type: 'pong'; readonly id?: string | number; readonly ts: string }
  /** Server → client: first frame after connecting. */
  | { readonly type: 'welcome'; readonly protocol: number; readonly connection_id: string; readonly user: Actor; readonly heartbeat_ms: number }
  /** Server → client: `since` is older than the retained history; refetch over REST, then subscribe without `since`. */
  | { readonly type: 'resync'; readonly room: string; readonly seq: number }
  /** Server → client: a subscription was removed by the server (membership revoked). */
  | { readonly type: 'unsubscribed'; readonly room: string; readonly reason: ErrorCode }
  /** Server → room: someone arrived. */
  | { readonly type: 'user_joined'; readonly room: string; readonly user: PresenceEntry }
  /** Server → room: someone's last connection left. */
  | { readonly type: 'user_left'; readonly room: string; readonly user_id: string }
  /** Server → room: someone changed action, status or selected cell. */
  | { readonly type: 'presence_update'; readonly room: string; readonly user: PresenceEntry }
  /** Server → subscriber: the room's presence list right after subscribing. */
  | { readonly type: 'presence_state'; readonly room: string; readonly users: readonly PresenceEntry[] }
  /** Server → subscriber of a table room: the table's current cell and row locks right after subscribing. */
  | { readonly type: 'lock_state'; readonly room: string; readonly locks: readonly LockInfo[] }
  /** Server → room except sender: a user's cursor moved. */
  | { readonly type: 'user_cursor'; readonly room: string; readonly user_id: string; readonly name: string; readonly color: string; readonly position: unknown }
  /** Server → table room: a cell or row was locked. */
  | { readonly type: 'cell_lock'; readonly room: string; readonly lock: LockInfo }
  /** Server → table room: a cell or row was released. */
  | { readonly type: 'cell_unlock'; readonly room: string; readonly record_id: string; readonly field_id: string | null; readonly user_id: string }
  /** Server → table room except sender: live preview of a value being typed. */
  | {
      readonly type: 'cell_edit';
      readonly room: string;
      readonly record_id: string;
      readonly field_id: string;
      readonly user_id: string;
      readonly value: unknown;
    }
  /** Server → room except sender: someone is typing. */
  | { readonly type: 'typing'; readonly room: string; readonly user_id: string; readonly name: string; readonly thread_id?: string }
  /** Server → `system` room, owners and admins only: every node's figures of the last second, and their sum. */
  | { readonly type: 'metrics_update'; readonly room: string; readonly data: MetricsUpdate }
  /** Server → `user:{id}` of each recipient and the `system` room's owners and admins: an alert fired, resolved or was acknowledged. */
  | { readonly type: 'alert'; readonly room: string; readonly data: AlertInfo }
  /** Server → `doc:{id}` room except the sender: a y-protocols sync message (an update), base64. */
  | { readonly type: 'doc_sync'; readonly room: string; readonly data: string }
  /** Server → `doc:{id}` room: a y-protocols awareness update (cursors, selections, who is here), base64. */
  | { readonly type: 'doc_awareness'; readonly room: string; readonly data: string }
  /**
   * Server → `doc:{id}` room: a version was taken (named, automatic, or of what a restore
   * replaced, then `restored_id` names the version restored); open version lists refresh.
   */
  | { readonly type: 'doc_version'; readonly room: string; readonly version: DocumentVersion; readonly restored_id: string | null }
  /** Server → `doc:{id}` room: the document was renamed, or deleted (`deleted: true`; it then takes no more messages). */
  | { readonly type: 'doc_info'; readonly room: string; readonly document: DocumentInfo; readonly deleted: boolean; readonly actor: Actor }
  /** Server → `analytics:{workspace}` room, analytics readers only: visitors now, page views per second and the newest page views. */
  | { readonly type: 'analytics_update'; readonly room: string; readonly data: AnalyticsUpdate };

/** Any message the server sends. */
export type ServerMessage = DurableEvent | ServerSignal;
