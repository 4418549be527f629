import type { AppContext } from '../context.ts';

/** How often old events are trimmed: every 10 minutes (and once at start). */
export const TRIM_INTERVAL_MS = 10 * 60_000;

/**
 * Deletes durable events past EVENT_HISTORY_COUNT per room or older than EVENT_HISTORY_HOURS on a
 * timer. Every node runs it; the DELETEs are idempotent, so running it on several nodes is safe.
 * Returns a function that stops it.
 */
export function startHistoryTrimmer(ctx: AppContext, intervalMs = TRIM_INTERVAL_MS): () => void {
  const trim = async () => {
    try {
      const removed = await ctx.events.trim(ctx.db, { count: ctx.config.eventHistoryCount, hours: ctx.config.eventHistoryHours });
      if (removed > 0) ctx.log.info({ removed }, 'trimmed event history');
    } catch (err) {
      ctx.log.warn({ err }, 'trimming event history failed');
    }
  };
  const first = setTimeout(() => void trim(), 1000);
  first.unref();
  const timer = setInterval(() => void trim(), intervalMs);
  timer.unref();
  return () => {
    clearTimeout(first);
    clearInterval(timer);
  };
}
