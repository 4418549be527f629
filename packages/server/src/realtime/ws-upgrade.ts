import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WS_BATCH_PARAM } from '@tandem/protocol';
import type { AuthInfo, AuthService } from '../auth/auth-service.ts';
import type { AppContext } from '../context.ts';
import { SESSION_COOKIE } from '../http/authenticate.ts';
import { authenticateConnectToken } from './connect-token.ts';
import { ignoreError } from './gateway-socket.ts';

/** What a WebSocket upgrade reads before the socket is accepted. */
export interface UpgradeRequest {
  /** Who opens the socket, or null when no credential holds (the socket then closes with 4401). */
  readonly auth: AuthInfo | null;
  /** The `?v=` protocol version the client speaks, if it said. */
  readonly version: string | null;
  /** The client takes batched frames (`?batch=1`). */
  readonly batched: boolean;
}

/** What checking an upgrade needs. */
export interface UpgradeDeps {
  readonly ctx: AppContext;
  readonly auth: AuthService;
  /** Same allow-list as the CSRF check (public origin + ALLOWED_ORIGINS). */
  readonly isAllowedOrigin: (origin: string) => boolean;
  /** The HTTP server's cookie parser (`app.parseCookie` of `@fastify/cookie`), so a socket reads cookies exactly as requests do. */
  readonly parseCookie: (header: string) => Readonly<Record<string, string | undefined>>;
}

/**
 * Who opens the socket: `?token=` connect token, then `Authorization: Bearer`, then the session
 * cookie (read with the same parser as HTTP requests). A cookie counts only with an allowed
 * `Origin` (browsers always send one), so another site cannot open a socket with the user's cookie.
 */
async function authenticateUpgrade(req: IncomingMessage, connectToken: string | null, deps: UpgradeDeps): Promise<AuthInfo | null> {
  if (connectToken) return authenticateConnectToken(deps.ctx.db, connectToken, deps.ctx.secrets.sessionSecret);
  const header = req.headers.authorization;
  if (header?.startsWith('Bearer ')) return deps.auth.authenticate(header.slice(7).trim());
  const cookie = req.headers.cookie ? deps.parseCookie(req.headers.cookie)[SESSION_COOKIE] : undefined;
  if (cookie && req.headers.origin) return deps.auth.authenticate(cookie);
  return null;
}

/** Answers an upgrade with a plain HTTP error and closes the socket. */
function refuse(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`);
}

/**
 * Checks an upgrade to the WebSocket path before ws takes the socket: a foreign `Origin` is
 * refused with 403 before any credential is looked at; otherwise the credentials are read and
 * `upgrade` is called with what the request says. Until ws takes the socket (the caller then
 * removes {@link ignoreError}), its errors are swallowed. A lookup that fails answers 500.
 */
export function checkUpgrade(req: IncomingMessage, socket: Duplex, url: URL, deps: UpgradeDeps, upgrade: (request: UpgradeRequest) => void): void {
  socket.on('error', ignoreError);
  const origin = req.headers.origin;
  if (origin && !deps.isAllowedOrigin(origin)) {
    refuse(socket, 403, 'Forbidden origin');
    return;
  }
  const version = url.searchParams.get('v');
  const batched = url.searchParams.get(WS_BATCH_PARAM) === '1';
  authenticateUpgrade(req, url.searchParams.get('token'), deps)
    .then((auth) => {
      if (socket.destroyed) return;
      upgrade({ auth, version, batched });
    })
    .catch((err) => {
      deps.ctx.log.error({ err }, 'realtime: upgrade failed');
      refuse(socket, 500, 'Internal error');
    });
}
