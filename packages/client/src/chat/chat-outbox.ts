import type { RestClient } from '../rest-client.ts';
import { TandemError } from '../tandem-error.ts';
import type { ChatMessage } from './chat-types.ts';

/** A message the user sent that the server has not confirmed yet. */
export interface PendingChatMessage {
  /** Chosen by the client; the server answers a retried send with the same message. */
  readonly client_id: string;
  readonly room_id: string;
  readonly body: string;
  readonly parent_id: string | null;
  readonly file_ids: readonly string[];
  readonly created_at: string;
  /** `sending` while a request is out, `queued` while the server is unreachable, `failed` when refused. */
  readonly status: 'sending' | 'queued' | 'failed';
  readonly error: TandemError | null;
}

/** Delay before retrying a queued send when no reconnect prompts it sooner. */
export const CHAT_RETRY_DELAY_MS = 2_000;

/**
 * Sends chat messages in order, each with its `client_id`, and keeps those the server could not be
 * reached for: they are retried (same `client_id`, so the server creates one message) when the
 * connection comes back or after {@link CHAT_RETRY_DELAY_MS}. A refused send (bad input, forbidden)
 * stays as `failed` until retried or discarded.
 */
export class ChatOutbox {
  readonly #pending = new Map<string, PendingChatMessage>();
  readonly #listeners = new Set<(roomId: string) => void>();
  readonly #confirmedListeners = new Set<(message: ChatMessage, clientId: string) => void>();
  #flushing = false;
  #timer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly api: RestClient) {}

  /** Pending messages of a room (oldest first). */
  of(roomId: string): PendingChatMessage[] {
    return [...this.#pending.values()].filter((p) => p.room_id === roomId);
  }

  /** Every pending message. */
  get size(): number {
    return this.#pending.size;
  }

  /** Listens to changes of a room's pending messages. */
  onChange(listener: (roomId: string) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Listens to sends the server confirmed. */
  onConfirmed(listener: (message: ChatMessage, clientId: string) => void): () => void {
    this.#confirmedListeners.add(listener);
    return () => this.#confirmedListeners.delete(listener);
  }

  /** Queues a message and starts sending; resolves with the stored message once confirmed. */
  enqueue(entry: Omit<PendingChatMessage, 'status' | 'error' | 'created_at'>): Promise<ChatMessage> {
    const pending: PendingChatMessage = { ...entry, status: 'sending', error: null, created_at: new Date().toISOString() };
    this.#pending.set(entry.client_id, pending);
    this.#emit(entry.room_id);
    const confirmed = new Promise<ChatMessage>((resolve, reject) => {
      const offConfirmed = this.onConfirmed((message, clientId) => {
        if (clientId !== entry.client_id) return;
        offConfirmed();
        offFailed();
        resolve(message);
      });
      const offFailed = this.onChange((roomId) => {
        const current = this.#pending.get(entry.client_id);
        if (roomId !== entry.room_id || current?.status !== 'failed') return;
        offConfirmed();
        offFailed();
        reject(current.error);
      });
    });
    void this.flush();
    return confirmed;
  }

  /** Drops the pending message whose live copy arrived (the server stored it). */
  settle(clientId: string): void {
    const pending = this.#pending.get(clientId);
    if (!pending || pending.status === 'sending') return;
    this.#pending.delete(clientId);
    this.#emit(pending.room_id);
  }

  /** Sends a failed message again. */
  retry(clientId: string): void {
    const pending = this.#pending.get(clientId);
    if (!pending) return;
    this.#set({ ...pending, status: 'queued', error: null });
    void this.flush();
  }

  /** Gives up on a pending message. */
  discard(clientId: string): void {
    const pending = this.#pending.get(clientId);
    if (!pending) return;
    this.#pending.delete(clientId);
    this.#emit(pending.room_id);
  }

  /** Sends every queued message in order; stops at the first one the server cannot be reached for. */
  async flush(): Promise<void> {
    if (this.#flushing) return;
    this.#flushing = true;
    try {
      for (const pending of [...this.#pending.values()]) {
        if (pending.status === 'failed' || !this.#pending.has(pending.client_id)) continue;
        this.#set({ ...pending, status: 'sending' });
        try {
          const message = await this.api.post<ChatMessage>(`/chat/rooms/${pending.room_id}/messages`, {
            body: pending.body,
            client_id: pending.client_id,
            ...(pending.parent_id ? { parent_id: pending.parent_id } : {}),
            ...(pending.file_ids.length > 0 ? { file_ids: pending.file_ids } : {}),
          });
          this.#pending.delete(pending.client_id);
          for (const listener of [...this.#confirmedListeners]) listener(message, pending.client_id);
          this.#emit(pending.room_id);
        } catch (err) {
          const error = err instanceof TandemError ? err : new TandemError('internal', String(err));
          if (error.retryable) {
            // Order matters in a conversation: later messages wait behind this one.
            this.#set({ ...pending, status: 'queued', error });
            this.#scheduleRetry();
            return;
          }
          this.#set({ ...pending, status: 'failed', error });
        }
      }
    } finally {
      this.#flushing = false;
    }
  }

  /** Stops the retry timer (the client is closing). */
  dispose(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  #scheduleRetry(): void {
    if (this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.flush();
    }, CHAT_RETRY_DELAY_MS);
  }

  #set(pending: PendingChatMessage): void {
    this.#pending.set(pending.client_id, pending);
    this.#emit(pending.room_id);
  }

  #emit(roomId: string): void {
    for (const listener of [...this.#listeners]) listener(roomId);
  }
}
