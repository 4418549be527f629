import type { DurableEvent } from '@tandem/protocol';
import type { RoomChannel } from './room-channel.ts';
import type { Subscription } from './subscription.ts';

/** Events read from the log per query while replaying. */
const REPLAY_PAGE = 1000;

/** How a resume reads the durable event log. */
export interface ResumeLog {
  /** Events of the room after `since`, oldest first, at most `limit`. */
  readAfter(room: string, since: number, limit: number): Promise<DurableEvent[]>;
  /** The newest committed seq of the room. */
  head(room: string): Promise<number>;
  /** The oldest seq still retained for the room, or null when none is kept. */
  oldest(room: string): Promise<number | null>;
  /** Events the log keeps per room at most (EVENT_HISTORY_COUNT). */
  readonly historyCount: number;
}

/** What a resume did: events replayed, or `resync` when the history after `since` is gone. */
export interface ResumeResult {
  readonly replayed: number;
  readonly resync: boolean;
}

/**
 * Replays to a new subscriber, not yet live, the events of its room after `since`. Recent events
 * come from the room's memory with the frames live subscribers got; only older ones are read
 * from the log. A `since` older than the retained history, or ahead of the room, sends `resync`
 * and moves the subscriber to where the room was when it joined. Live events that arrive
 * meanwhile are buffered by the subscription, so going live afterwards leaves no gap and no duplicate.
 */
export async function resume(channel: RoomChannel, sub: Subscription, since: number, log: ResumeLog): Promise<ResumeResult> {
  const startedAt = channel.cursor;
  // Decided from memory when the room holds every event after `since`: no database read.
  const recent = channel.recentAfter(since);
  if (recent) {
    for (const { event, frame } of recent) sub.replay(event, frame);
    return { replayed: recent.length, resync: false };
  }
  if (await historyMissing(log, sub.room, since)) {
    sub.lastSeq = startedAt;
    sub.connection.send({ type: 'resync', room: sub.room, seq: startedAt });
    return { replayed: 0, resync: true };
  }
  return { replayed: await replayFromLog(channel, sub, log), resync: false };
}

/**
 * Replays the events after `sub.lastSeq` that the room no longer (or not yet) holds from the
 * log, page by page, and the rest from the room's memory as soon as it reaches them.
 */
async function replayFromLog(channel: RoomChannel, sub: Subscription, log: ResumeLog): Promise<number> {
  let replayed = 0;
  for (;;) {
    const recent = channel.recentAfter(sub.lastSeq);
    if (recent) {
      for (const { event, frame } of recent) sub.replay(event, frame);
      return replayed + recent.length;
    }
    // Read only up to where the room's memory starts; the room may move on meanwhile, the loop then reads on.
    const from = channel.recentFrom;
    const limit = from !== null && from > sub.lastSeq ? Math.min(REPLAY_PAGE, from - sub.lastSeq) : REPLAY_PAGE;
    const page = await log.readAfter(sub.room, sub.lastSeq, limit);
    if (!sub.active) return replayed;
    for (const event of page) sub.replay(event);
    replayed += page.length;
    // A short page reached the end of the log, which is at or past where this subscriber went live.
    if (page.length < limit) return replayed;
  }
}

/** Whether events after `since` are no longer (all) retained, or `since` is ahead of the room. */
async function historyMissing(log: ResumeLog, room: string, since: number): Promise<boolean> {
  const head = await log.head(room);
  if (since > head) return true;
  if (since === head) return false;
  if (since < head - log.historyCount) return true;
  const oldest = await log.oldest(room);
  return oldest === null || oldest > since + 1;
}
