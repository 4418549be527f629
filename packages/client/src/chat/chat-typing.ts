import { roomName } from '@tandem/protocol';
import type { TandemClient } from '../tandem-client.ts';

/** How long a typer is shown without a new signal. */
export const TYPING_EXPIRY_MS = 5_000;
/** Least time between two typing signals this client sends to one room. */
export const TYPING_THROTTLE_MS = 2_500;

/** Someone typing in the room. */
export interface Typer {
  readonly user_id: string;
  readonly name: string;
  /** Set when they type in a thread. */
  readonly thread_id: string | null;
}

/**
 * Who is typing in one chat room (from the ephemeral `typing` signal of `chat:{id}`; a typer
 * expires {@link TYPING_EXPIRY_MS} after their last signal), and the throttled sender of the
 * user's own signal.
 */
export class ChatTyping {
  #typers: readonly Typer[] = [];
  readonly #expiry = new Map<string, ReturnType<typeof setTimeout>>();
  readonly #listeners = new Set<() => void>();
  readonly #stop: (() => void)[] = [];
  /** When the last signal went out, per thread ('' for the room itself). */
  readonly #lastSent = new Map<string, number>();

  constructor(
    private readonly client: TandemClient,
    /** The chat room id. */
    readonly roomId: string,
  ) {}

  /** Who types now (never the user themself). */
  get typers(): readonly Typer[] {
    return this.#typers;
  }

  /** Listens to changes; returns the function that stops listening. */
  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Follows the room; returns the function that stops. */
  start(): () => void {
    const room = this.client.room(roomName('chat', this.roomId));
    this.#stop.push(
      room.on('typing', (signal) => {
        const data = signal as { user_id: string; name: string; thread_id?: string | null };
        if (data.user_id === this.client.user?.id) return;
        this.#seen({ user_id: data.user_id, name: data.name, thread_id: data.thread_id ?? null });
      }),
      // A new message from a typer ends their typing at once.
      room.on('*', (event) => {
        if ((event.type as string) !== 'chat_message_created') return;
        const author = (event as { data?: { author?: { id: string } | null } }).data?.author?.id;
        if (author) this.#expire(author);
      }),
      room.subscribe(),
    );
    return () => {
      for (const stop of this.#stop.splice(0)) stop();
      for (const timer of this.#expiry.values()) clearTimeout(timer);
      this.#expiry.clear();
    };
  }

  /**
   * Tells the room the user is typing, in the thread `threadId` when given; call on every
   * keystroke (sent at most once per {@link TYPING_THROTTLE_MS} per thread).
   */
  notifyTyping(threadId: string | null = null, now = Date.now()): void {
    const key = threadId ?? '';
    if (now - (this.#lastSent.get(key) ?? 0) < TYPING_THROTTLE_MS) return;
    this.#lastSent.set(key, now);
    this.client.typing(roomName('chat', this.roomId), threadId ?? undefined);
  }

  /** Lets the next keystroke signal at once (after the user sent their message). */
  reset(threadId: string | null = null): void {
    this.#lastSent.delete(threadId ?? '');
  }

  #seen(typer: Typer): void {
    const timer = this.#expiry.get(typer.user_id);
    if (timer) clearTimeout(timer);
    this.#expiry.set(
      typer.user_id,
      setTimeout(() => this.#expire(typer.user_id), TYPING_EXPIRY_MS),
    );
    this.#typers = [...this.#typers.filter((t) => t.user_id !== typer.user_id), typer];
    this.#changed();
  }

  #expire(userId: string): void {
    const timer = this.#expiry.get(userId);
    if (timer) clearTimeout(timer);
    this.#expiry.delete(userId);
    if (!this.#typers.some((t) => t.user_id === userId)) return;
    this.#typers = this.#typers.filter((t) => t.user_id !== userId);
    this.#changed();
  }

  #changed(): void {
    for (const listener of [...this.#listeners]) listener();
  }
}
