import { roomName } from '@tandem/protocol';
import type { TandemClient } from '../tandem-client.ts';
import { TandemError } from '../tandem-error.ts';
import { CHAT_EVENTS, type UnreadCounts } from './chat-types.ts';

/** What a {@link ChatUnread} holds. */
export interface ChatUnreadSnapshot {
  readonly counts: UnreadCounts;
  readonly loading: boolean;
  readonly error: TandemError | null;
}

const EMPTY: UnreadCounts = { total: 0, mentions: 0, rooms: {} };

/**
 * The user's chat unread counts in one workspace: loaded from `GET /chat/unread`, then replaced by
 * every `chat_unread` of their `user:{id}` room (sent after any change, including a read on
 * another device), refetched on `resync`.
 */
export class ChatUnread {
  #snapshot: ChatUnreadSnapshot = { counts: EMPTY, loading: true, error: null };
  readonly #listeners = new Set<() => void>();
  readonly #stop: (() => void)[] = [];
  #live = false;

  constructor(
    private readonly client: TandemClient,
    /** The workspace counted. */
    readonly workspaceId: string,
  ) {}

  /** The current counts. */
  get snapshot(): ChatUnreadSnapshot {
    return this.#snapshot;
  }

  /** Listens to changes; returns the function that stops listening. */
  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Follows the user's room and loads the counts; returns the function that stops. */
  start(): () => void {
    let stopped = false;
    void (async () => {
      try {
        const userId = this.client.user?.id ?? (await this.client.api.get<{ user: { id: string } }>('/me')).user.id;
        if (stopped) return;
        const room = this.client.room(roomName('user', userId));
        this.#stop.push(
          room.on('*', (event) => {
            if ((event.type as string) !== CHAT_EVENTS.unread) return;
            const counts = (event as { data?: { unread?: UnreadCounts; workspace_id?: string } }).data;
            if (!counts?.unread || (counts.workspace_id && counts.workspace_id !== this.workspaceId)) return;
            this.#live = true;
            this.#set({ counts: counts.unread, loading: false, error: null });
          }),
          room.on('resync', () => void this.refetch()),
          room.subscribe(),
        );
        await this.refetch();
      } catch (err) {
        this.#set({ loading: false, error: err instanceof TandemError ? err : new TandemError('internal', String(err)) });
      }
    })();
    return () => {
      stopped = true;
      for (const stop of this.#stop.splice(0)) stop();
    };
  }

  /** Reloads the counts. */
  async refetch(): Promise<void> {
    this.#live = false;
    try {
      const counts = await this.client.api.get<UnreadCounts>('/chat/unread', { workspace_id: this.workspaceId });
      // A live update that arrived meanwhile is newer than this answer.
      if (!this.#live) this.#set({ counts, loading: false, error: null });
    } catch (err) {
      this.#set({ loading: false, error: err instanceof TandemError ? err : new TandemError('internal', String(err)) });
    }
  }

  /** Takes the counts a `POST …/read` answered with. */
  apply(counts: UnreadCounts): void {
    this.#set({ counts, loading: false, error: null });
  }

  #set(patch: Partial<ChatUnreadSnapshot>): void {
    this.#snapshot = { ...this.#snapshot, ...patch };
    for (const listener of [...this.#listeners]) listener();
  }
}
