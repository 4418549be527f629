import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AuthInfo, AuthService } from '../auth/auth-service.ts';
import { errors } from '../errors/app-error.ts';

/** Name of the HttpOnly session cookie. */
export const SESSION_COOKIE = 'tandem_session';

declare module 'fastify' {
  interface FastifyRequest {
    /** The caller, or null when the request carries no valid credentials. */
    auth: AuthInfo | null;
    /** True when the credentials came from the cookie (so cross-site checks apply). */
    authByCookie: boolean;
  }
  interface FastifyContextConfig {
    /** The route never acts on the caller's credentials (public beacons): they are not even read. */
    ignoresCredentials?: boolean;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The secret a request carries: bearer header first, then the session cookie. */
export function credentialOf(request: FastifyRequest): { secret: string; byCookie: boolean } | null {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) return { secret: header.slice(7).trim(), byCookie: false };
  const cookie = request.cookies[SESSION_COOKIE];
  if (cookie) return { secret: cookie, byCookie: true };
  return null;
}

/**
 * Resolves `request.auth` for every request, and refuses cookie-authenticated writes that come
 * from another site (the `Origin` must be ours or allow-listed; browsers always send it on
 * cross-origin writes). Requests without a browser origin (curl, SDKs with tokens) pass.
 */
export function installAuthentication(app: FastifyInstance, auth: AuthService, isAllowedOrigin: (origin: string) => boolean): void {
  app.decorateRequest('auth', null);
  app.decorateRequest('authByCookie', false);
  app.addHook('onRequest', async (request) => {
    // Public beacons from other sites: a Tandem cookie the browser happens to hold means nothing there.
    if (request.routeOptions.config.ignoresCredentials) return;
    const credential = credentialOf(request);
    if (!credential) return;
    request.auth = await auth.authenticate(credential.secret);
    request.authByCookie = credential.byCookie && request.auth !== null;
    if (request.authByCookie && !SAFE_METHODS.has(request.method)) {
      const origin = request.headers.origin;
      const site = request.headers['sec-fetch-site'];
      if ((origin && !isAllowedOrigin(origin)) || site === 'cross-site') {
        throw errors.forbidden('Cross-site request refused.');
      }
    }
  });
}

/** The caller of a route that needs one; `unauthenticated` otherwise. */
export function requireAuth(request: FastifyRequest): AuthInfo {
  if (!request.auth) throw errors.unauthenticated();
  return request.auth;
}
