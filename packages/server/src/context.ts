import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Bus } from './backends/bus.ts';
import type { Config } from './config/schema.ts';
import type { Secrets } from './config/secrets.ts';
import type { Database } from './db/database.ts';
import type { EventLog } from './events/event-log.ts';
import type { JobRunner } from './jobs/job-runner.ts';
import type { RecordWriteHooks } from './records/record-write-hooks.ts';

/** What every domain module gets: configuration, storage, the event log and the bus. */
export interface AppContext {
  readonly config: Config;
  readonly secrets: Secrets;
  readonly db: Database;
  readonly bus: Bus;
  readonly events: EventLog;
  readonly log: Logger;
  /** Prometheus registry served at `/metrics`; modules add their own gauges and counters. */
  readonly metrics: Registry;
  /** The origin users reach the server at, e.g. `http://127.0.0.1:3000`. */
  readonly publicOrigin: () => string;
  /** Record-write listeners (workflow rules, assignment notifications); the records service calls `hooks.afterRecordWrite(tx, change)`. */
  readonly hooks: RecordWriteHooks;
  /** Periodic jobs that run once per period across all server processes; modules `jobs.register(name, intervalMs, fn)`. */
  readonly jobs: JobRunner;
}
