import type { TestServer } from '../support/server.ts';

/** Statements that read or write the event log or the room counters. */
const EVENT_LOG_SQL = /\b(events|room_seqs)\b/i;

/** What {@link watchEventLog} saw. */
export interface EventLogWatch {
  /** Event-log statements about the watched room run since the watch began. */
  readonly statements: number;
  /** Rows those statements returned. */
  readonly rows: number;
  /** Ends the watch (the database is as before). */
  stop(): void;
}

/** Whether a statement's parameters name `room` (directly or in an array parameter). */
function mentions(params: readonly unknown[] | undefined, room: string): boolean {
  return (params ?? []).some((p) => p === room || (Array.isArray(p) && p.includes(room)));
}

/**
 * Counts the event-log statements about `room` a test server runs until `stop`, by wrapping its
 * real database (every statement still runs): how a test sees that a resume did or did not read
 * the log. Statements about other rooms or about no room in particular (the history trim job,
 * which may run at any moment) are not counted.
 */
export function watchEventLog(server: TestServer, room: string): EventLogWatch {
  const { db } = server.tandem.ctx;
  const original = db.query;
  let statements = 0;
  let rows = 0;
  db.query = async function query<T>(text: string, params?: Parameters<typeof original>[1]): Promise<T[]> {
    const result = await original.call<typeof db, Parameters<typeof original>, Promise<T[]>>(db, text, params);
    if (EVENT_LOG_SQL.test(text) && mentions(params, room)) {
      statements += 1;
      rows += result.length;
    }
    return result;
  };
  return {
    get statements() {
      return statements;
    },
    get rows() {
      return rows;
    },
    stop() {
      db.query = original;
    },
  };
}
