import type { ChatMessage, ChatRoom } from '@tandem/client';
import { useChatMessages, useChatRooms, useTandemClient, useTyping, useUnreadCounts } from '@tandem/react';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { Me, WorkspaceSummary } from '../api/types.ts';
import { Link } from '../router/link.tsx';
import { navigate } from '../router/router.ts';
import { EmptyState, LoadingState } from '../ui/states.tsx';
import { useMembers } from '../workspaces/workspace-queries.ts';
import { ChatComposer } from './chat-composer.tsx';
import { ChatSearch } from './chat-search.tsx';
import { MessageList } from './message-list.tsx';
import { chatHref, roomTitle } from './room-title.ts';
import { SeenBy } from './seen-by.tsx';
import { TypingLine } from './typing-line.tsx';
import './chat.css';

/** The chat page: the user's rooms on the left, the open room (and its thread panel) on the right. */
export function ChatPage({ workspace, me, roomId, messageId }: { workspace: WorkspaceSummary; me: Me; roomId: string | null; messageId: string | null }) {
  const rooms = useChatRooms(workspace.id);
  const members = useMembers(workspace.id).data ?? [];
  const room = rooms.rooms.find((r) => r.id === roomId) ?? null;
  return (
    <div className="chat-layout">
      <aside className="chat-sidebar" aria-label="Conversations">
        <NewMessage workspaceId={workspace.id} meId={me.user.id} members={members} />
        <ChatSearch workspaceId={workspace.id} />
        {rooms.loading ? (
          <LoadingState label="Loading conversations" />
        ) : (
          <ul className="chat-room-list">
            {rooms.rooms.map((r) => (
              <li key={r.id}>
                <Link href={chatHref(workspace.id, r.id)} aria-current={r.id === roomId ? 'page' : undefined} className="chat-room-link">
                  <span className="chat-room-name">{roomTitle(r)}</span>
                  {r.unread > 0 && (
                    <span className="badge chat-unread">
                      {r.unread}
                      <span className="visually-hidden"> unread</span>
                    </span>
                  )}
                </Link>
              </li>
            ))}
          </ul>
        )}
      </aside>
      {roomId ? (
        <RoomView key={roomId} workspaceId={workspace.id} roomId={roomId} room={room} me={me} members={members} messageId={messageId} />
      ) : (
        <EmptyState title="Pick a conversation">Or start a new one.</EmptyState>
      )}
    </div>
  );
}

/** "New message": a DM with a member, or a new channel. */
function NewMessage({ workspaceId, meId, members }: { workspaceId: string; meId: string; members: readonly { user_id: string; name: string }[] }) {
  const client = useTandemClient();
  const [channel, setChannel] = useState('');
  const open = async (room: Promise<ChatRoom>) => navigate(chatHref(workspaceId, (await room).id));
  return (
    <details className="chat-new">
      <summary className="btn btn-primary btn-small">New message</summary>
      <ul className="chat-people" aria-label="People">
        {members
          .filter((m) => m.user_id !== meId)
          .map((m) => (
            <li key={m.user_id}>
              <button
                type="button"
                className="btn btn-ghost btn-small"
                onClick={() => void open(client.chat.createRoom(workspaceId, { kind: 'dm', user_id: m.user_id }))}
              >
                {m.name}
              </button>
            </li>
          ))}
      </ul>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (channel.trim()) void open(client.chat.createRoom(workspaceId, { kind: 'channel', name: channel.trim() }));
        }}
      >
        <input aria-label="New channel name" placeholder="new-channel" value={channel} onChange={(e) => setChannel(e.target.value)} />
        <button type="submit" className="btn btn-small">
          Create channel
        </button>
      </form>
    </details>
  );
}

/** One open room: messages, typing line, composer, "Seen by" and the thread panel. */
function RoomView({
  workspaceId,
  roomId,
  room,
  me,
  members,
  messageId,
}: {
  workspaceId: string;
  roomId: string;
  room: ChatRoom | null;
  me: Me;
  members: readonly import('../api/types.ts').Member[];
  messageId: string | null;
}) {
  const list = useChatMessages(roomId, messageId ? { around: messageId } : {});
  const typing = useTyping(roomId);
  const unread = useUnreadCounts(workspaceId);
  const [thread, setThread] = useState<ChatMessage | null>(null);
  const [dropped, setDropped] = useState<File[]>([]);
  const lastRead = useRef<string | null>(null);
  const byId = useMemo(() => new Map(members.map((m) => [m.user_id, m])), [members]);
  const colorOf = (id: string) => byId.get(id)?.color ?? '#64748b';
  const nameOf = (id: string) => byId.get(id)?.name ?? 'Someone';
  const last = list.messages.at(-1);

  useEffect(() => {
    if (!last || list.hasNewer || lastRead.current === last.id) return;
    lastRead.current = last.id;
    void unread.markRead(roomId, last.id).catch(() => undefined);
  }, [last, list.hasNewer, roomId, unread]);

  const lastMine = [...list.messages].reverse().find((m) => m.author?.id === me.user.id && !m.deleted_at);
  const title = room ? roomTitle(room) : 'Conversation';
  return (
    <section
      className="chat-room"
      aria-label={title}
      onDragOver={(e) => e.preventDefault()}
      onDrop={(e) => {
        e.preventDefault();
        setDropped([...e.dataTransfer.files]);
      }}
    >
      <header className="chat-room-head">
        <h1>{title}</h1>
        {room?.topic && <p className="muted">{room.topic}</p>}
      </header>
      <div className="chat-room-body">
        <div className="chat-room-main">
          {list.loading ? (
            <LoadingState label="Loading messages" />
          ) : (
            <MessageList
              list={list}
              meId={me.user.id}
              colorOf={colorOf}
              nameOf={nameOf}
              onOpenThread={setThread}
              label={`Messages in ${title}`}
              footer={lastMine && lastMine.id === last?.id ? <SeenBy roomId={roomId} messageId={lastMine.id} colorOf={colorOf} /> : null}
            />
          )}
          <TypingLine typers={typing.typers.filter((t) => t.thread_id === null)} />
          <ChatComposer
            workspaceId={workspaceId}
            members={members}
            placeholder={`Message ${title}`}
            droppedFiles={dropped}
            onTyping={() => typing.notifyTyping()}
            onSend={(body, fileIds) => {
              typing.reset();
              void list.send(body, { fileIds }).catch(() => undefined);
            }}
          />
        </div>
        {thread && (
          <ThreadPanel
            workspaceId={workspaceId}
            roomId={roomId}
            root={thread}
            me={me}
            members={members}
            colorOf={colorOf}
            nameOf={nameOf}
            onClose={() => setThread(null)}
          />
        )}
      </div>
    </section>
  );
}

/** The replies of one thread beside the room. */
function ThreadPanel({
  workspaceId,
  roomId,
  root,
  me,
  members,
  colorOf,
  nameOf,
  onClose,
}: {
  workspaceId: string;
  roomId: string;
  root: ChatMessage;
  me: Me;
  members: readonly import('../api/types.ts').Member[];
  colorOf: (id: string) => string;
  nameOf: (id: string) => string;
  onClose: () => void;
}) {
  const replies = useChatMessages(roomId, { threadId: root.id });
  const typing = useTyping(roomId);
  return (
    <aside className="chat-thread" aria-label="Thread">
      <header className="chat-thread-head">
        <h2>Thread</h2>
        <button type="button" className="btn btn-ghost btn-small" aria-label="Close thread" onClick={onClose}>
          ×
        </button>
      </header>
      <div className="chat-thread-root">
        <strong>{root.author?.name}</strong>
        <div className="chat-html" dangerouslySetInnerHTML={{ __html: root.body_html }} />
      </div>
      <MessageList list={replies} meId={me.user.id} colorOf={colorOf} nameOf={nameOf} label="Replies" />
      <TypingLine typers={typing.typers.filter((t) => t.thread_id === root.id)} />
      <ChatComposer
        workspaceId={workspaceId}
        members={members}
        placeholder="Reply in thread"
        onTyping={() => typing.notifyTyping(root.id)}
        onSend={(body, fileIds) => {
          typing.reset(root.id);
          void replies.send(body, { fileIds }).catch(() => undefined);
        }}
      />
    </aside>
  );
}
