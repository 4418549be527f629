/**
 * WebSocket close codes used by the gateway.
 *
 * Ranges (documented in docs/protocol.md):
 * - 1000–1015: standard codes from RFC 6455.
 * - 4000–4099: **reconnect** — a transient condition; the client reconnects with backoff.
 * - 4400–4499: **stop** — 4000 + the HTTP status of the matching error; the client must not
 *   reconnect until something changes (new credentials, new permissions).
 */
export const CLOSE_CODES = {
  /** Normal closure requested by either side. */
  normal: 1000,
  /** Never sent: the connection dropped without a close frame (network failure, a cut socket); reconnect. */
  abnormal: 1006,
  /** The server is shutting down; reconnect (to another node) right away with jitter. */
  server_shutdown: 4000,
  /** No pong within two heartbeat intervals. */
  heartbeat_timeout: 4001,
  /** The client did not read fast enough and its send buffer passed the cap. */
  slow_consumer: 4002,
  /** The client sent messages faster than the per-connection rate limit. */
  rate_limited: 4029,
  /** The connection's session ended (logout, expiry, token revoked). */
  unauthenticated: 4401,
  /** The user is not allowed to hold this connection (e.g. too many connections). */
  forbidden: 4403,
  /** A frame was larger than the maximum frame size. */
  too_large: 4413,
  /** The client speaks an incompatible protocol version. */
  protocol_mismatch: 4426,
} as const;

/** A name from {@link CLOSE_CODES}. */
export type CloseReason = keyof typeof CLOSE_CODES;

/** Where the application's own close codes start (RFC 6455: 4000–4999 are private use). */
export const APPLICATION_CLOSE_CODE_MIN = 4000;

/** The "stop" close code matching an error's HTTP status (4000 + status, e.g. 401 → 4401). */
export function closeCodeOfStatus(status: number): number {
  return APPLICATION_CLOSE_CODE_MIN + status;
}

/** The HTTP status a "stop" close code stands for (4401 → 401). */
export function statusOfCloseCode(code: number): number {
  return code - APPLICATION_CLOSE_CODE_MIN;
}

/** Whether `code` was sent by a Tandem server that was reached (not a transport failure such as 1006). */
export function isApplicationCloseCode(code: number): boolean {
  return code >= APPLICATION_CLOSE_CODE_MIN && code < 5000;
}

/** Whether a client should reconnect after the socket closed with `code`. */
export function shouldReconnect(code: number): boolean {
  if (code >= closeCodeOfStatus(400) && code < closeCodeOfStatus(500)) return false;
  return true;
}

/** Whether the close code asks for a longer backoff than usual (the client was misbehaving). */
export function needsLongBackoff(code: number): boolean {
  return code === CLOSE_CODES.rate_limited || code === CLOSE_CODES.slow_consumer;
}
