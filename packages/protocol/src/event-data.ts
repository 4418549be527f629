import type { MemberInfo } from './accounts.ts';
import type { ChatMemberJoinedData, ChatMemberLeftData, ChatMessage, ChatReactionEventData, ChatReadEventData, ChatRoom, UnreadCounts } from './chat.ts';
import type { ActivityEntry, Approval, Comment } from './collaboration.ts';
import type { DurableEvent, DurableEventType } from './messages.ts';
import type { NotificationInfo } from './notifications.ts';
import type { FieldInfo, RecordInfo, RecordUpdatedData, TableInfo, ViewInfo } from './tables.ts';

/** A table with its fields and views, as `GET /tables/{id}` answers and `table_created` carries it. */
export interface TableDetail extends TableInfo {
  readonly fields: readonly FieldInfo[];
  readonly views: readonly ViewInfo[];
}

/** What a `*_deleted` event of a schema object says about what is gone. */
export interface DeletedSchemaObject {
  readonly id: string;
  readonly name: string;
}

/** What a `comment_deleted` event says: where the tombstone sits. */
export interface DeletedComment {
  readonly id: string;
  readonly record_id: string | null;
  readonly activity_id: string | null;
  readonly thread_id: string;
  readonly parent_id: string | null;
}

/** What `notification_read` says in `user:{id}`: which notifications changed, and the new unread count. */
export interface NotificationReadData {
  /** Every notification was marked read. */
  readonly all?: true;
  readonly ids?: readonly string[];
  readonly archived?: boolean;
  readonly unread_count: number;
}

/**
 * The `data` of every durable event, by type: the server's `EventLog.append` and the SDK's
 * `room.on(type, …)` both read it, so a change to a wire type fails the type check of the server,
 * the SDK and the app alike. A domain that adds an event type adds its name to
 * `DURABLE_EVENT_TYPES` and its data here (the check below refuses one without the other).
 */
export interface DurableEventData {
  readonly record_created: RecordInfo;
  readonly record_updated: RecordUpdatedData;
  /** The record as it was. */
  readonly record_deleted: RecordInfo;
  readonly table_created: TableDetail;
  readonly table_updated: TableInfo;
  readonly table_deleted: DeletedSchemaObject & { readonly workspace_id: string };
  readonly field_created: FieldInfo;
  /** `records_changed`: how many records a type conversion rewrote. */
  readonly field_updated: FieldInfo & { readonly records_changed: number };
  readonly field_deleted: DeletedSchemaObject & { readonly table_id: string };
  readonly view_created: ViewInfo;
  readonly view_updated: ViewInfo;
  readonly view_deleted: DeletedSchemaObject & { readonly table_id: string };
  readonly member_added: MemberInfo;
  readonly member_updated: MemberInfo;
  readonly member_removed: { readonly user_id: string };
  readonly comment_created: Comment;
  readonly comment_updated: Comment;
  readonly comment_deleted: DeletedComment;
  readonly activity_created: ActivityEntry;
  readonly approval_requested: Approval;
  readonly approval_responded: Approval;
  readonly notification_created: NotificationInfo;
  readonly notification_read: NotificationReadData;
  readonly chat_message_created: ChatMessage;
  readonly chat_message_updated: ChatMessage;
  /** The tombstone. */
  readonly chat_message_deleted: ChatMessage;
  readonly chat_reaction_added: ChatReactionEventData;
  readonly chat_reaction_removed: ChatReactionEventData;
  readonly chat_read: ChatReadEventData;
  /** The room without per-caller fields (membership null, unread 0). */
  readonly chat_room_updated: ChatRoom;
  readonly chat_member_joined: ChatMemberJoinedData;
  readonly chat_member_left: ChatMemberLeftData;
  /** In `user:{id}`: that user's new counts in one workspace. */
  readonly chat_unread: { readonly workspace_id: string; readonly unread: UnreadCounts };
  /** In `user:{id}`: a room the user was added to. */
  readonly chat_room_added: { readonly room: ChatRoom };
  /** An operator's message to everyone in `system`; its fields are the operator's. */
  readonly announcement: Readonly<Record<string, unknown>>;
}

/** A durable event whose `data` is typed by its `type`. */
export type TypedDurableEvent<K extends DurableEventType = DurableEventType> = {
  readonly [T in K]: DurableEvent<DurableEventData[T]> & { readonly type: T };
}[K];

// Compile-time check that the list of event types and the data map name the same types.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const _eventTypesMatchData: Same<DurableEventType, keyof DurableEventData> = true;
void _eventTypesMatchData;
