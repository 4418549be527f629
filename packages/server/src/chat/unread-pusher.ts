import { roomName } from '@tandem/protocol';
import type { AppContext } from '../context.ts';
import type { Transaction } from '../db/database.ts';
import { unreadCounts, unreadCountsOf } from './chat-unread.ts';

/**
 * Pushes users their unread counts as `chat_unread` in `user:{id}`. After a read, at once and in
 * the reading transaction (the badge clears on the user's other devices); after new messages,
 * once per user per `windowMs` however many messages arrived, computed after commit off the send
 * path, so a busy room costs each member one count and one event per window, not one per message.
 */
export class UnreadPusher {
  readonly #due = new Map<string, { workspaceId: string; userId: string }>();
  /** Bumped by every `pushNow`: a flush that counted before a read does not push its older figures after it. */
  readonly #generation = new Map<string, number>();
  #timer: NodeJS.Timeout | null = null;
  #closed = false;

  constructor(
    private readonly ctx: AppContext,
    private readonly windowMs: number,
  ) {}

  /** Counts changed for these users (a new message): push them theirs within the window. */
  schedule(workspaceId: string, userIds: readonly string[]): void {
    if (this.#closed) return;
    for (const userId of userIds) this.#due.set(memberKey(workspaceId, userId), { workspaceId, userId });
    this.#timer ??= setTimeout(() => void this.#flush(), this.windowMs);
  }

  /** Counts the user's unread in the transaction and appends the event; answers the counts. */
  async pushNow(tx: Transaction, workspaceId: string, userId: string) {
    this.#generation.set(memberKey(workspaceId, userId), this.#generationOf(workspaceId, userId) + 1);
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

  #generationOf(workspaceId: string, userId: string): number {
    return this.#generation.get(memberKey(workspaceId, userId)) ?? 0;
  }

  /**
   * Counts outside any transaction, one statement at a time, then appends each batch's events in one
   * short transaction: on PGlite (one session) a long counting transaction would hold up every send.
   */
  async #flush(): Promise<void> {
    this.#timer = null;
    const byWorkspace = new Map<string, string[]>();
    for (const { workspaceId, userId } of this.#due.values()) byWorkspace.set(workspaceId, [...(byWorkspace.get(workspaceId) ?? []), userId]);
    this.#due.clear();
    for (const [workspaceId, userIds] of byWorkspace) {
      for (let i = 0; i < userIds.length; i += 50) {
        const batch = userIds.slice(i, i + 50);
        const generations = batch.map((userId) => this.#generationOf(workspaceId, userId));
        try {
          const counts = await unreadCountsOf(this.ctx.db, workspaceId, batch);
          await this.ctx.db.transaction(async (tx) => {
            batch.forEach((userId, n) => {
              const unread = counts.get(userId);
              if (!unread || this.#generationOf(workspaceId, userId) !== generations[n]) return;
              this.ctx.events.append(tx, [roomName('user', userId)], 'chat_unread', null, { workspace_id: workspaceId, unread });
            });
          });
        } catch (err) {
          this.ctx.log.warn({ err }, 'pushing chat unread counts failed');
        }
      }
    }
  }
}

function memberKey(workspaceId: string, userId: string): string {
  return `${workspaceId}/${userId}`;
}
