/**
 * SQLSTATEs that mean PostgreSQL cannot serve right now rather than that a query is wrong:
 * `admin_shutdown`, `crash_shutdown`, `cannot_connect_now` (starting up, shutting down, in
 * recovery) and `too_many_connections`; class `08` (connection exceptions) is matched by prefix.
 */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);

/** Socket errors of a connection to PostgreSQL that is refused, reset or cannot be resolved. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/** Messages of node-postgres for a connection lost or never made (they carry no code). */
const LOST_CONNECTION = /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error)/;

/**
 * Whether `err` says the database is unreachable (down, restarting, or the network to it is
 * gone), so the request may succeed unchanged later: answered `503 unavailable`, not `500`.
 */
export function isDatabaseUnreachable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && (UNAVAILABLE_SQLSTATES.has(code) || NETWORK_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code))) return true;
  return LOST_CONNECTION.test(err.message);
}
