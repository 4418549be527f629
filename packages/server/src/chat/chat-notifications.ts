import type { ChatMessage } from '@tandem/protocol';
import { actorOf } from '../auth/actor.ts';
import type { AuthInfo } from '../auth/auth-service.ts';
import { plainExcerpt } from '../comments/comment-markdown.ts';
import type { Transaction } from '../db/database.ts';
import type { EventLog } from '../events/event-log.ts';
import { notify } from '../notifications/notification-writer.ts';
import type { MessageRow } from './chat-message-rows.ts';
import type { RoomAccess } from './chat-room-access.ts';

/** Longest excerpt of a message in a notification. */
const EXCERPT = 200;

/** What a new or edited message tells whom. */
export interface ChatNotice {
  readonly auth: AuthInfo;
  readonly room: RoomAccess;
  readonly message: ChatMessage;
  /** The thread root, for a reply. */
  readonly parent: MessageRow | null;
  /** Members of the room. */
  readonly memberIds: readonly string[];
  /** Members the message mentions (resolved against the workspace). */
  readonly mentionedIds: readonly string[];
  /** Only mentions notify (an edit); a DM's peer is not told again. */
  readonly mentionsOnly?: boolean;
}

/**
 * Notifies about a chat message under each recipient's preferences, quiet hours and digest:
 * `chat_mention` to the mentioned who can read the room (members of a DM or group; anyone in the
 * workspace for a channel or record room), and `chat_dm` to the other member of a direct message
 * when the message does not mention them already. The author is never notified.
 */
export async function notifyChatMessage(tx: Transaction, events: EventLog, notice: ChatNotice): Promise<void> {
  const { auth, room, message } = notice;
  const kind = room.room.kind;
  const readers = kind === 'dm' || kind === 'group' ? new Set(notice.memberIds) : null;
  const mentioned = notice.mentionedIds.filter((id) => id !== auth.user.id && (!readers || readers.has(id)));
  const where = kind === 'dm' ? 'a direct message' : 'chat';
  const common = {
    actor: actorOf(auth),
    body: plainExcerpt(message.body_html, EXCERPT),
    workspaceId: message.workspace_id,
    chatRoomId: message.room_id,
    chatMessageId: message.id,
  };
  if (mentioned.length) {
    await notify(tx, events, { ...common, type: 'chat_mention', recipients: mentioned, title: `${auth.user.name} mentioned you in ${where}` });
  }
  if (kind === 'dm' && !notice.mentionsOnly) {
    const peers = notice.memberIds.filter((id) => id !== auth.user.id && !mentioned.includes(id));
    if (peers.length) await notify(tx, events, { ...common, type: 'chat_dm', recipients: peers, title: `${auth.user.name} sent you a message` });
  }
}
