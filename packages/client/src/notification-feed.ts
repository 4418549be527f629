import { type NotificationInfo, roomName, type TypedDurableEvent } from '@tandem/protocol';
import type { TandemClient } from './tandem-client.ts';
import { TandemError } from './tandem-error.ts';

/** The durable events of `user:{id}` the feed follows. */
type NotificationEvent = TypedDurableEvent<'notification_created' | 'notification_read'>;

/** What the feed needs of a notification (the API's {@link NotificationInfo} has more). */
export interface FeedNotification {
  readonly id: string;
  readonly read_at: string | null;
}

/** What a {@link NotificationFeed} holds at one moment (a new object on every change). */
export interface NotificationFeedSnapshot<N extends FeedNotification = NotificationInfo> {
  /** Newest first: the first page from the API plus everything that arrived live since. */
  readonly notifications: readonly N[];
  readonly unreadCount: number;
  readonly loading: boolean;
  readonly error: TandemError | null;
}

/** Notifications loaded on start (the newest). */
export const NOTIFICATION_PAGE_SIZE = 50;

/**
 * The signed-in user's in-app inbox, live: loads `GET /notifications` and the unread count, then
 * follows the user's own room `user:{id}` (`notification_created` prepends, `notification_read`
 * carries the new unread count from any tab or device) and refetches on `resync`.
 */
export class NotificationFeed<N extends FeedNotification = NotificationInfo> {
  #snapshot: NotificationFeedSnapshot<N> = { notifications: [], unreadCount: 0, loading: true, error: null };
  #buffer: NotificationEvent[] | null = null;
  #generation = 0;
  readonly #listeners = new Set<() => void>();
  readonly #stop: (() => void)[] = [];

  constructor(private readonly client: TandemClient) {}

  /** The current inbox. */
  get snapshot(): NotificationFeedSnapshot<N> {
    return this.#snapshot;
  }

  /** Listens to changes; returns the function that stops listening. */
  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Finds the user, follows their room and loads the inbox; returns the function that stops. */
  start(): () => void {
    let stopped = false;
    void (async () => {
      try {
        const userId = this.client.user?.id ?? (await this.client.api.get<{ user: { id: string } }>('/me')).user.id;
        if (stopped) return;
        const room = this.client.room(roomName('user', userId));
        const onEvent = (event: NotificationEvent) => this.#onEvent(event);
        this.#stop.push(room.on('notification_created', onEvent), room.on('notification_read', onEvent));
        this.#stop.push(room.on('resync', () => void this.refetch()));
        this.#stop.push(room.subscribe());
        await this.refetch();
      } catch (err) {
        this.#set({ loading: false, error: err instanceof TandemError ? err : new TandemError('internal', String(err)) });
      }
    })();
    return () => {
      stopped = true;
      this.#generation += 1;
      for (const stop of this.#stop.splice(0)) stop();
    };
  }

  /** Reloads the newest page and the unread count. */
  async refetch(): Promise<void> {
    const generation = ++this.#generation;
    this.#buffer ??= [];
    try {
      const [page, count] = await Promise.all([
        this.client.api.get<{ notifications: N[] }>('/notifications', { limit: NOTIFICATION_PAGE_SIZE }),
        this.client.api.get<{ unread_count: number }>('/notifications/unread-count'),
      ]);
      if (generation !== this.#generation) return;
      this.#snapshot = { notifications: page.notifications, unreadCount: count.unread_count, loading: false, error: null };
    } catch (err) {
      if (generation !== this.#generation) return;
      this.#snapshot = { ...this.#snapshot, loading: false, error: err instanceof TandemError ? err : new TandemError('internal', String(err)) };
    }
    const buffered = this.#buffer ?? [];
    this.#buffer = null;
    for (const event of buffered) this.#apply(event);
    this.#changed();
  }

  /** Marks one notification read (the count updates from the server's event). */
  async markRead(id: string): Promise<void> {
    await this.client.api.post(`/notifications/${id}/read`);
  }

  /** Marks every notification read. */
  async markAllRead(): Promise<void> {
    await this.client.api.post('/notifications/read');
  }

  #onEvent(event: NotificationEvent): void {
    if (this.#buffer) {
      this.#buffer.push(event);
      return;
    }
    this.#apply(event);
    this.#changed();
  }

  #apply(event: NotificationEvent): void {
    const current = this.#snapshot;
    if (event.type === 'notification_created') {
      // The feed's item type extends the wire type (an app may add fields it fills itself).
      const notification = event.data as unknown as N;
      if (current.notifications.some((n) => n.id === notification.id)) return;
      this.#snapshot = { ...current, notifications: [notification, ...current.notifications], unreadCount: current.unreadCount + 1 };
      return;
    }
    const data = event.data;
    const ids = new Set(data.ids ?? []);
    const now = new Date().toISOString();
    let notifications = current.notifications.map((n) => ((data.all || ids.has(n.id)) && n.read_at === null ? { ...n, read_at: now } : n));
    if (data.archived) notifications = notifications.filter((n) => !ids.has(n.id));
    this.#snapshot = { ...current, notifications, unreadCount: typeof data.unread_count === 'number' ? data.unread_count : current.unreadCount };
  }

  #set(patch: Partial<NotificationFeedSnapshot<N>>): void {
    this.#snapshot = { ...this.#snapshot, ...patch };
    this.#changed();
  }

  #changed(): void {
    this.#snapshot = { ...this.#snapshot };
    for (const listener of [...this.#listeners]) listener();
  }
}
