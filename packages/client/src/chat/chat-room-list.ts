import { roomName } from '@tandem/protocol';
import type { TandemClient } from '../tandem-client.ts';
import { TandemError } from '../tandem-error.ts';
import { CHAT_EVENTS, type ChatRoom, type UnreadCounts } from './chat-types.ts';

/** What a {@link ChatRoomList} holds (a new object on every change). */
export interface ChatRoomListSnapshot {
  /** The user's rooms, newest activity first. */
  readonly rooms: readonly ChatRoom[];
  readonly loading: boolean;
  readonly error: TandemError | null;
}

/** Delay that folds a burst of changes into one refetch. */
export const ROOM_LIST_REFETCH_DELAY_MS = 150;

/**
 * The user's chat rooms in one workspace, live: loads `GET /chat/rooms`, takes unread counts from
 * every `chat_unread` of the user's room at once, and refetches (debounced) when a room is added
 * or has new activity, so the last message and the order stay right.
 */
export class ChatRoomList {
  #snapshot: ChatRoomListSnapshot = { rooms: [], loading: true, error: null };
  readonly #listeners = new Set<() => void>();
  readonly #stop: (() => void)[] = [];
  #timer: ReturnType<typeof setTimeout> | null = null;
  #generation = 0;

  constructor(
    private readonly client: TandemClient,
    /** The workspace listed. */
    readonly workspaceId: string,
  ) {}

  /** The current list. */
  get snapshot(): ChatRoomListSnapshot {
    return this.#snapshot;
  }

  /** Listens to changes; returns the function that stops listening. */
  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Follows the user's room and loads the list; returns the function that stops. */
  start(): () => void {
    let stopped = false;
    void (async () => {
      try {
        const userId = this.client.user?.id ?? (await this.client.api.get<{ user: { id: string } }>('/me')).user.id;
        if (stopped) return;
        const room = this.client.room(roomName('user', userId));
        this.#stop.push(
          room.on('*', (event) => {
            const type = event.type as string;
            if (type === CHAT_EVENTS.unread) {
              this.#applyUnread((event as { data?: { unread?: UnreadCounts } }).data?.unread);
              this.#scheduleRefetch();
            } else if (type === CHAT_EVENTS.roomAdded || type === 'resync') this.#scheduleRefetch();
          }),
          room.subscribe(),
        );
        await this.refetch();
      } catch (err) {
        this.#set({ loading: false, error: asError(err) });
      }
    })();
    return () => {
      stopped = true;
      this.#generation += 1;
      if (this.#timer) clearTimeout(this.#timer);
      for (const stop of this.#stop.splice(0)) stop();
    };
  }

  /** Reloads the list. */
  async refetch(): Promise<void> {
    const generation = ++this.#generation;
    try {
      const answer = await this.client.api.get<{ rooms: ChatRoom[] }>('/chat/rooms', { workspace_id: this.workspaceId });
      if (generation === this.#generation) this.#set({ rooms: answer.rooms, loading: false, error: null });
    } catch (err) {
      if (generation === this.#generation) this.#set({ loading: false, error: asError(err) });
    }
  }

  /** Puts a room the user just created or joined at the top without waiting for the server's event. */
  upsert(room: ChatRoom): void {
    this.#set({ rooms: [room, ...this.#snapshot.rooms.filter((r) => r.id !== room.id)] });
  }

  /** Drops a room the user left. */
  remove(roomId: string): void {
    this.#set({ rooms: this.#snapshot.rooms.filter((r) => r.id !== roomId) });
  }

  #applyUnread(counts: UnreadCounts | undefined): void {
    if (!counts) return;
    const rooms = this.#snapshot.rooms.map((room) => {
      const entry = counts.rooms[room.id];
      const unread = entry?.unread ?? 0;
      const mentions = entry?.mentions ?? 0;
      return unread === room.unread && mentions === room.mention_unread ? room : { ...room, unread, mention_unread: mentions };
    });
    this.#set({ rooms });
  }

  #scheduleRefetch(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.refetch();
    }, ROOM_LIST_REFETCH_DELAY_MS);
  }

  #set(patch: Partial<ChatRoomListSnapshot>): void {
    this.#snapshot = { ...this.#snapshot, ...patch };
    for (const listener of [...this.#listeners]) listener();
  }
}

function asError(err: unknown): TandemError {
  return err instanceof TandemError ? err : new TandemError('internal', String(err));
}
