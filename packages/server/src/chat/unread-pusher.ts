import { roomName } from '@tandem/protocol';
import type { AppContext } from '../context.ts';
import type { Transaction } from '../db/database.ts';
import { unreadCounts } from './chat-unread.ts';

/**
 * Pushes users their unread counts as `chat_unread` in `user:{id}`. After a read, at once and in
 * the reading transaction (the badge clears on the user's other devices); after new messages,
 * once per user per `windowMs` however many messages arrived, computed after commit off the send
 * path, so a busy room costs each member one count and one event per window, not one per message.
 */
export class UnreadPusher {
  readonly #due = new Map<string, { workspaceId: string; userId: string }>();
  #timer: NodeJS.Timeout | null = null;
  #closed = false;

  constructor(
    private readonly ctx: AppContext,
    private readonly windowMs: number,
  ) {}

  /** Counts changed for these users (a new message): push them theirs within the window. */
  schedule(workspaceId: string, userIds: readonly string[]): void {
    if (this.#closed) return;
    for (const userId of userIds) this.#due.set(`${workspaceId}/${userId}`, { workspaceId, userId });
    this.#timer ??= setTimeout(() => void this.#flush(), this.windowMs);
  }

  /** Counts the user's unread in the transaction and appends the event; answers the counts. */
  async pushNow(tx: Transaction, workspaceId: string, userId: string) {
    const unread = await unreadCounts(tx, userId, workspaceId);
    this.ctx.events.append(tx, [roomName('user', userId)], 'chat_unread', null, { workspace_id: workspaceId, unread });
    return unread;
  }

  /** Sends what is due and stops. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    await this.#flush();
  }

  async #flush(): Promise<void> {
    this.#timer = null;
    const due = [...this.#due.values()];
    this.#due.clear();
    for (let i = 0; i < due.length; i += 50) {
      const batch = due.slice(i, i + 50);
      try {
        await this.ctx.db.transaction(async (tx) => {
          for (const { workspaceId, userId } of batch) await this.pushNow(tx, workspaceId, userId);
        });
      } catch (err) {
        this.ctx.log.warn({ err }, 'pushing chat unread counts failed');
      }
    }
  }
}
