/**
 * Public status of a client's connection.
 *
 * - `idle`: created, `connect()` not called yet.
 * - `connecting`: first attempt under way (connect token, socket, welcome).
 * - `connected`: live; rooms are subscribed and the outgoing queue drains.
 * - `reconnecting`: the link dropped; waiting for the backoff delay or retrying.
 * - `offline`: the environment reports no network; retries pause until it returns.
 * - `failed`: the server refused us with a "stop" code (e.g. 4401 unauthenticated); nothing
 *   happens until the app calls `connect()` again (after a new login, for instance).
 * - `closed`: the app called `close()`.
 */
export type ConnectionStatus = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'offline' | 'failed' | 'closed';

/** Every status, for exhaustive tables and tests. */
export const CONNECTION_STATUSES = [
  'idle',
  'connecting',
  'connected',
  'reconnecting',
  'offline',
  'failed',
  'closed',
] as const satisfies readonly ConnectionStatus[];

/**
 * The transitions the state machine allows; anything else is a bug and throws, so a test that
 * drives the machine into an impossible state fails loudly instead of drifting.
 */
export const TRANSITIONS: Readonly<Record<ConnectionStatus, readonly ConnectionStatus[]>> = {
  idle: ['connecting', 'offline', 'closed'],
  connecting: ['connected', 'reconnecting', 'offline', 'failed', 'closed'],
  connected: ['reconnecting', 'offline', 'failed', 'closed'],
  reconnecting: ['connected', 'offline', 'failed', 'closed'],
  offline: ['connecting', 'reconnecting', 'closed'],
  failed: ['connecting', 'offline', 'closed'],
  closed: ['connecting', 'offline'],
};
