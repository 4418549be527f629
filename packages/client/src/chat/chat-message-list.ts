import { roomName } from '@tandem/protocol';
import type { RoomEvent } from '../room-events.ts';
import type { TandemClient } from '../tandem-client.ts';
import { TandemError } from '../tandem-error.ts';
import type { ChatOutbox, PendingChatMessage } from './chat-outbox.ts';
import { CHAT_EVENTS, type ChatMessage, type ChatMessagePage, type ChatReaction } from './chat-types.ts';

/** Messages loaded per page. */
export const CHAT_PAGE_SIZE = 50;

/** What a {@link ChatMessageList} holds at one moment (a new object on every change). */
export interface ChatMessageListSnapshot {
  /** Stored messages, oldest first (tombstones stay in place). */
  readonly messages: readonly ChatMessage[];
  /** Messages the user sent that the server has not confirmed yet, oldest first. */
  readonly pending: readonly PendingChatMessage[];
  readonly hasOlder: boolean;
  /** True while the window ends before the newest message (after a jump); live messages are not appended then. */
  readonly hasNewer: boolean;
  readonly loading: boolean;
  readonly loadingOlder: boolean;
  readonly error: TandemError | null;
  /** The message the last {@link ChatMessageList.jumpTo} centred on. */
  readonly focusId: string | null;
}

/** Options of {@link ChatMessageList}. */
export interface ChatMessageListOptions {
  /** A thread root: the list holds its replies instead of the room's root messages. */
  readonly threadId?: string;
  /** Open centred on this message (a search hit or a notification link). */
  readonly around?: string;
  /** Default {@link CHAT_PAGE_SIZE}. */
  readonly pageSize?: number;
}

/**
 * One chat room's messages (or one thread's replies), live: loads a page over REST, follows the
 * durable events of `chat:{id}` (new, edited and deleted messages, reactions) and merges them,
 * pages older and newer, jumps to a message, and shows the user's unconfirmed sends, reconciled
 * with the stored copy by `client_id`. The room's exact resume after a reconnect means nothing is
 * refetched then; a `resync` reloads the newest page.
 */
export class ChatMessageList {
  #snapshot: ChatMessageListSnapshot = {
    messages: [],
    pending: [],
    hasOlder: false,
    hasNewer: false,
    loading: true,
    loadingOlder: false,
    error: null,
    focusId: null,
  };
  #buffer: RoomEvent[] | null = [];
  #generation = 0;
  /** Replies already counted into their root (the room list shows counts, not replies). */
  readonly #countedReplies = new Set<string>();
  readonly #listeners = new Set<() => void>();
  readonly #stop: (() => void)[] = [];
  readonly #pageSize: number;

  constructor(
    private readonly client: TandemClient,
    private readonly outbox: ChatOutbox,
    /** The chat room id. */
    readonly roomId: string,
    private readonly options: ChatMessageListOptions = {},
  ) {
    this.#pageSize = options.pageSize ?? CHAT_PAGE_SIZE;
  }

  /** The current messages. */
  get snapshot(): ChatMessageListSnapshot {
    return this.#snapshot;
  }

  /** Listens to changes; returns the function that stops listening. */
  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Follows the room and loads the first page; returns the function that stops. */
  start(): () => void {
    const room = this.client.room(roomName('chat', this.roomId));
    this.#stop.push(
      room.on('*', (event) => this.#onEvent(event)),
      this.outbox.onChange((roomId) => {
        if (roomId === this.roomId) this.#set({ pending: this.#ownPending() });
      }),
      this.outbox.onConfirmed((message) => {
        if (message.room_id === this.roomId) this.#merge(message);
      }),
      room.subscribe(),
    );
    this.#set({ pending: this.#ownPending() });
    void this.#load(this.options.around ? { around: this.options.around } : {}, this.options.around ?? null);
    return () => {
      this.#generation += 1;
      for (const stop of this.#stop.splice(0)) stop();
    };
  }

  /** Loads the page before the oldest loaded message. */
  async loadOlder(): Promise<void> {
    const first = this.#snapshot.messages[0];
    if (!first || !this.#snapshot.hasOlder || this.#snapshot.loadingOlder) return;
    this.#set({ loadingOlder: true });
    try {
      const page = await this.#fetch({ before: first.id });
      this.#set({ messages: mergeById(page.messages, this.#snapshot.messages), hasOlder: page.has_older, loadingOlder: false });
    } catch (err) {
      this.#set({ loadingOlder: false, error: asError(err) });
    }
  }

  /** Loads the page after the newest loaded message (after a jump into history). */
  async loadNewer(): Promise<void> {
    const last = this.#snapshot.messages.at(-1);
    if (!last || !this.#snapshot.hasNewer) return;
    try {
      const page = await this.#fetch({ after: last.id });
      this.#set({ messages: mergeById(this.#snapshot.messages, page.messages), hasNewer: page.has_newer });
    } catch (err) {
      this.#set({ error: asError(err) });
    }
  }

  /** Shows the window around a message (already loaded: just focuses it). */
  async jumpTo(messageId: string): Promise<void> {
    if (this.#snapshot.messages.some((m) => m.id === messageId)) {
      this.#set({ focusId: messageId });
      return;
    }
    await this.#load({ around: messageId }, messageId);
  }

  /** Reloads the newest page. */
  refetch(): Promise<void> {
    return this.#load({}, null);
  }

  async #load(cursor: Record<string, string>, focusId: string | null): Promise<void> {
    const generation = ++this.#generation;
    this.#buffer ??= [];
    this.#set({ loading: true });
    try {
      const page = await this.#fetch(cursor);
      if (generation !== this.#generation) return;
      this.#snapshot = { ...this.#snapshot, messages: page.messages, hasOlder: page.has_older, hasNewer: page.has_newer, loading: false, error: null, focusId };
    } catch (err) {
      if (generation !== this.#generation) return;
      this.#snapshot = { ...this.#snapshot, loading: false, error: asError(err) };
    }
    // Events that arrived while the page was in flight apply on top of it (merging is idempotent).
    const buffered = this.#buffer ?? [];
    this.#buffer = null;
    for (const event of buffered) this.#apply(event);
    this.#changed();
  }

  #fetch(cursor: Record<string, string>): Promise<ChatMessagePage> {
    return this.client.api.get<ChatMessagePage>(`/chat/rooms/${this.roomId}/messages`, {
      ...cursor,
      limit: this.#pageSize,
      ...(this.options.threadId ? { thread: this.options.threadId } : {}),
    });
  }

  #onEvent(event: RoomEvent): void {
    if (event.type === 'resync') {
      void this.refetch();
      return;
    }
    if (this.#buffer) {
      this.#buffer.push(event);
      return;
    }
    this.#apply(event);
    this.#changed();
  }

  #apply(event: RoomEvent): void {
    const data = (event as { data?: unknown }).data as Record<string, unknown> | undefined;
    switch (event.type as string) {
      case CHAT_EVENTS.messageCreated:
      case CHAT_EVENTS.messageUpdated:
      case CHAT_EVENTS.messageDeleted:
        // The event's data is the message itself.
        this.#merge(data as unknown as ChatMessage);
        return;
      case CHAT_EVENTS.reactionAdded:
      case CHAT_EVENTS.reactionRemoved: {
        const id = data?.message_id as string;
        const reactions = data?.reactions as readonly ChatReaction[];
        this.#replace(id, (m) => ({ ...m, reactions }));
        return;
      }
    }
  }

  /** Puts a stored message in place: replaces the copy with its id, or appends it at the live end. */
  #merge(message: ChatMessage | undefined): void {
    if (!message) return;
    if (message.client_id) this.outbox.settle(message.client_id);
    const inThisList = this.options.threadId ? message.parent_id === this.options.threadId : message.parent_id === null;
    if (!inThisList) {
      // A new reply in the room's list: its root shows the new count and participants.
      // Counted once per reply: the same reply can arrive more than once (its event, an edit, a resync).
      if (!this.options.threadId && message.parent_id && !message.deleted_at && !this.#countedReplies.has(message.id)) {
        this.#countedReplies.add(message.id);
        this.#replace(message.parent_id, (root) => bumpThread(root, message));
      }
      return;
    }
    const messages = this.#snapshot.messages;
    const index = messages.findIndex((m) => m.id === message.id);
    if (index >= 0) {
      this.#snapshot = { ...this.#snapshot, messages: messages.map((m, i) => (i === index ? message : m)) };
      return;
    }
    // Past the loaded window's end the message is not adjacent; `loadNewer` fetches it in order.
    if (this.#snapshot.hasNewer) return;
    this.#snapshot = { ...this.#snapshot, messages: mergeById(messages, [message]) };
  }

  #replace(id: string, update: (message: ChatMessage) => ChatMessage): void {
    const messages = this.#snapshot.messages;
    if (!messages.some((m) => m.id === id)) return;
    this.#snapshot = { ...this.#snapshot, messages: messages.map((m) => (m.id === id ? update(m) : m)) };
  }

  #ownPending(): PendingChatMessage[] {
    const thread = this.options.threadId ?? null;
    return this.outbox.of(this.roomId).filter((p) => p.parent_id === thread);
  }

  #set(patch: Partial<ChatMessageListSnapshot>): void {
    this.#snapshot = { ...this.#snapshot, ...patch };
    this.#changed();
  }

  #changed(): void {
    // A send whose stored copy is already here (live event before the POST answered) shows once.
    const stored = new Set(this.#snapshot.messages.map((m) => m.client_id).filter((id) => id !== null));
    const pending = this.#snapshot.pending.filter((p) => !stored.has(p.client_id));
    this.#snapshot = { ...this.#snapshot, pending };
    for (const listener of [...this.#listeners]) listener();
  }
}

/** Both lists merged by id, in creation order (later copies win). */
function mergeById(a: readonly ChatMessage[], b: readonly ChatMessage[]): ChatMessage[] {
  const byId = new Map<string, ChatMessage>();
  for (const m of [...a, ...b]) byId.set(m.id, m);
  return [...byId.values()].sort((x, y) => (x.created_at < y.created_at ? -1 : x.created_at > y.created_at ? 1 : x.id < y.id ? -1 : 1));
}

function bumpThread(root: ChatMessage, reply: ChatMessage): ChatMessage {
  const author = reply.author?.id;
  const participants = author && !root.thread_participants.includes(author) ? [...root.thread_participants, author] : root.thread_participants;
  return { ...root, reply_count: root.reply_count + 1, last_reply_at: reply.created_at, thread_participants: participants };
}

function asError(err: unknown): TandemError {
  return err instanceof TandemError ? err : new TandemError('internal', String(err));
}
