import type { Migration } from '../db/migrate.ts';

/**
 * Daily rollups of visitor analytics (id 71): what a summary reads for every day that is over, so
 * a year answers from a few hundred thousand small rows instead of millions of page views, and
 * what is left of a day once the retention job has deleted its raw rows.
 *
 * `analytics_rollups` holds one row per (site, UTC day, dimension, value). `dimension` is one of
 * the summary's dimensions (`page`, `source`, `country`, …, `event`) or one of three of its own:
 * `_total` (value `''`: the day's headline figures), `_hour` (value `'00'`–`'23'`: visitors and
 * page views of one hour of the day) and `_prop` (value a JSON array `[event, key, value]`:
 * occurrences of one value of one custom event's property). Its columns mean what the same name
 * means in a summary's breakdown row; `duration_ms` sums session lengths and `bounces` counts
 * sessions with one page view and no event.
 *
 * `analytics_rollup_days` records which (site, day) are rolled up: a summary reads rollups for
 * those days and raw rows for every other, and the retention job deletes raw rows of rolled days
 * only.
 *
 * `analytics_rollup_months` holds the sums of a month's daily rows (every figure is a sum over
 * days, visitors included, since they are counted per day), written when the month's last day is
 * rolled up, so a year's breakdowns add up about 12 × a few hundred rows instead of 365 × that.
 * `_hour` rows are not summed (the hourly series reads days).
 */
export const ANALYTICS_ROLLUP_MIGRATIONS: readonly Migration[] = [
  {
    id: 71,
    name: 'analytics daily rollups',
    sql: `
      CREATE TABLE analytics_rollups (
        site_id uuid NOT NULL REFERENCES analytics_sites(id) ON DELETE CASCADE,
        day date NOT NULL,
        dimension text NOT NULL,
        value text NOT NULL,
        visitors integer NOT NULL,
        sessions integer NOT NULL,
        pageviews integer NOT NULL,
        bounces integer NOT NULL,
        duration_ms bigint NOT NULL,
        count integer NOT NULL,
        PRIMARY KEY (site_id, day, dimension, value)
      );
      -- One dimension of a long range (headline figures, the series, the top events and their
      -- properties) without reading every other dimension's rows.
      CREATE INDEX analytics_rollups_dimension_idx ON analytics_rollups (site_id, dimension, day);

      CREATE TABLE analytics_rollup_months (
        site_id uuid NOT NULL REFERENCES analytics_sites(id) ON DELETE CASCADE,
        month date NOT NULL,
        dimension text NOT NULL,
        value text NOT NULL,
        visitors integer NOT NULL,
        sessions integer NOT NULL,
        pageviews integer NOT NULL,
        bounces integer NOT NULL,
        duration_ms bigint NOT NULL,
        count integer NOT NULL,
        PRIMARY KEY (site_id, month, dimension, value)
      );

      CREATE TABLE analytics_rollup_days (
        site_id uuid NOT NULL REFERENCES analytics_sites(id) ON DELETE CASCADE,
        day date NOT NULL,
        rolled_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (site_id, day)
      );
    `,
  },
];
