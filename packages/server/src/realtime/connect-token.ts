import { createHmac, timingSafeEqual } from 'node:crypto';
import type { AuthInfo } from '../auth/auth-service.ts';
import type { PublicUser } from '../auth/users.ts';
import type { Queryable } from '../db/database.ts';

/** How long a connect token is valid: 60 s, enough to open a socket right after asking for it. */
export const CONNECT_TOKEN_TTL_MS = 60_000;

interface Claims {
  /** user id */
  readonly u: string;
  /** credential kind */
  readonly v: AuthInfo['via'];
  /** session or API token id, so the token dies with its credential */
  readonly c: string;
  /** expiry, ms since epoch */
  readonly e: number;
}

function sign(payload: string, secret: string): string {
  return createHmac('sha256', secret).update(payload).digest('base64url');
}

/** Issues a short-lived token that opens a WebSocket or SSE stream as `auth`'s user (`?token=`). */
export function issueConnectToken(auth: AuthInfo, secret: string, now = Date.now()): { token: string; expiresAt: Date } {
  const claims: Claims = { u: auth.user.id, v: auth.via, c: auth.credentialId, e: now + CONNECT_TOKEN_TTL_MS };
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return { token: `${payload}.${sign(payload, secret)}`, expiresAt: new Date(claims.e) };
}

function readClaims(token: string, secret: string, now: number): Claims | null {
  const dot = token.indexOf('.');
  if (dot < 0) return null;
  const payload = token.slice(0, dot);
  const given = Buffer.from(token.slice(dot + 1));
  const expected = Buffer.from(sign(payload, secret));
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Claims;
    if (typeof claims.e !== 'number' || claims.e < now || typeof claims.u !== 'string' || typeof claims.c !== 'string') return null;
    return claims;
  } catch {
    return null;
  }
}

/**
 * Resolves a connect token to its caller; null when forged, expired, or when the session or API
 * token it was issued from has ended since.
 */
export async function authenticateConnectToken(db: Queryable, token: string, secret: string, now = Date.now()): Promise<AuthInfo | null> {
  const claims = readClaims(token, secret, now);
  if (!claims) return null;
  const sql =
    claims.v === 'session'
      ? 'SELECT u.id, u.email, u.name, u.color FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = $1 AND s.user_id = $2 AND s.expires_at > now()'
      : 'SELECT u.id, u.email, u.name, u.color FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.id = $1 AND t.user_id = $2 AND (t.expires_at IS NULL OR t.expires_at > now())';
  const [user] = await db.query<PublicUser>(sql, [claims.c, claims.u]);
  return user ? { user, via: claims.v, credentialId: claims.c } : null;
}
