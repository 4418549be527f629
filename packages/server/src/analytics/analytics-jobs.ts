import type { AppContext } from '../context.ts';
import { deleteExpiredAnalytics, RETENTION_EVERY_MS } from './retention.ts';
import { type AnalyticsRollups, ROLLUP_EVERY_MS } from './rollups.ts';

/** Names and periods of the analytics jobs. */
export const ANALYTICS_JOBS = { 'analytics-rollup': ROLLUP_EVERY_MS, 'analytics-retention': RETENTION_EVERY_MS } as const;

/**
 * Registers the rollup job (rolls every complete UTC day once its sessions are over) and the
 * retention job (deletes raw rows older than `analyticsRetentionDays`, of rolled days only).
 */
export function registerAnalyticsJobs(ctx: AppContext, rollups: AnalyticsRollups): void {
  ctx.jobs.register('analytics-rollup', ANALYTICS_JOBS['analytics-rollup'], async (now) => {
    const days = await rollups.rollUpDue(now);
    if (days > 0) ctx.log.info({ days }, 'analytics: days rolled up');
  });
  ctx.jobs.register('analytics-retention', ANALYTICS_JOBS['analytics-retention'], async (now) => {
    const deleted = await deleteExpiredAnalytics(ctx.db, now, ctx.config.analyticsRetentionDays);
    if (deleted.pageviews + deleted.events + deleted.sessions > 0) ctx.log.info(deleted, 'analytics: expired raw rows deleted');
  });
}
