import { UNREAD_PUSH_MS } from '../../src/chat/chat-module.ts';
import type { Database } from '../../src/db/database.ts';

/**
 * Tables that change on their own or on any authenticated request, whatever it is refused:
 * the node's sampled figures, the job queue it polls, and session and token bookkeeping.
 */
const VOLATILE = new Set(['metrics_history', 'jobs', 'sessions', 'api_tokens', 'schema_migrations']);

/** Per table of the schema: its row count and a hash of every row, so any insert, update or delete shows. */
export async function dataFingerprint(db: Database): Promise<Record<string, string>> {
  const tables = await db.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1`,
  );
  const out: Record<string, string> = {};
  for (const { table_name: name } of tables) {
    if (VOLATILE.has(name)) continue;
    const [row] = await db.query<{ n: string; h: string | null }>(
      `SELECT count(*)::text AS n, md5(string_agg(t::text, '|' ORDER BY t::text)) AS h FROM "${name}" t`,
    );
    out[name] = `${row?.n}:${row?.h ?? ''}`;
  }
  return out;
}

/**
 * The fingerprint once the server has finished what earlier requests set off after their commit
 * (notification deliveries, jobs, and the unread counts chat pushes at most every
 * `UNREAD_PUSH_MS`): taken every `stepMs` until it has not changed for `quietMs`.
 */
export async function settledFingerprint(db: Database, quietMs = UNREAD_PUSH_MS + 500, stepMs = 250, timeoutMs = 20_000): Promise<Record<string, string>> {
  const deadline = Date.now() + timeoutMs;
  let last = JSON.stringify(await dataFingerprint(db));
  let stableSince = Date.now();
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, stepMs));
    const next = await dataFingerprint(db);
    const text = JSON.stringify(next);
    if (text !== last) {
      last = text;
      stableSince = Date.now();
    } else if (Date.now() - stableSince >= quietMs || Date.now() > deadline) return next;
  }
}
