import type { Database } from '../db/database.ts';

/** Rows one DELETE removes at most, so no statement holds locks or stalls PGlite for long. */
export const RETENTION_BATCH = 5_000;
/** Batches one run deletes at most per table; a larger backlog continues in the next run. */
export const RETENTION_MAX_BATCHES = 200;
/** How often the retention job runs. */
export const RETENTION_EVERY_MS = 3_600_000;

/** What one retention run deleted. */
export interface RetentionResult {
  readonly pageviews: number;
  readonly events: number;
  readonly sessions: number;
}

/** Options of {@link deleteExpiredAnalytics}. */
export interface RetentionOptions {
  /** Rows per DELETE (default {@link RETENTION_BATCH}). */
  readonly batch?: number;
  /** DELETEs per table and run (default {@link RETENTION_MAX_BATCHES}). */
  readonly maxBatches?: number;
}

/**
 * Deletes raw page views, events and sessions of the UTC days that ended more than
 * `retentionDays` before `now`, in batches. Only days marked in `analytics_rollup_days` lose their
 * raw rows, so a day that has not been rolled up (the rollup job is behind, or failed) keeps them
 * until it is; the rollups themselves stay forever. Page views and events go before their sessions,
 * so a filter that looks a session's page views up never sees a session without them.
 */
export async function deleteExpiredAnalytics(db: Database, now: Date, retentionDays: number, options: RetentionOptions = {}): Promise<RetentionResult> {
  const batch = options.batch ?? RETENTION_BATCH;
  const maxBatches = options.maxBatches ?? RETENTION_MAX_BATCHES;
  const cutoff = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - retentionDays * 86_400_000);
  const rolled = (column: string, alias: string) =>
    `EXISTS (SELECT 1 FROM analytics_rollup_days d WHERE d.site_id = ${alias}.site_id AND d.day = (${alias}.${column} AT TIME ZONE 'UTC')::date)`;
  const drain = async (table: string, column: string): Promise<number> => {
    let total = 0;
    for (let i = 0; i < maxBatches; i++) {
      const rows = await db.query(
        `DELETE FROM ${table} WHERE id IN (
           SELECT x.id FROM ${table} x WHERE x.${column} < $1 AND ${rolled(column, 'x')} LIMIT $2
         ) RETURNING 1`,
        [cutoff, batch],
      );
      total += rows.length;
      if (rows.length < batch) break;
    }
    return total;
  };
  const pageviews = await drain('analytics_pageviews', 'at');
  const events = await drain('analytics_events', 'at');
  const sessions = await drain('analytics_sessions', 'started_at');
  return { pageviews, events, sessions };
}
