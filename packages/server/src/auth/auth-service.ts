import { randomUUID } from 'node:crypto';
import { TtlCache } from '../cache/ttl-cache.ts';
import type { AppContext } from '../context.ts';
import type { Transaction } from '../db/database.ts';
import { errors } from '../errors/app-error.ts';
import { hashPassword, verifyDummy, verifyPassword } from './passwords.ts';
import { hashSecret, newSecret } from './tokens.ts';
import { colorFor, type PublicUser } from './users.ts';

/** Who a request or connection acts as. */
export interface AuthInfo {
  readonly user: PublicUser;
  /** How the caller proved who they are. */
  readonly via: 'session' | 'token';
  /** Session id (cookie or bearer session token) or API token id. */
  readonly credentialId: string;
}

/** Sessions and API tokens a node remembers (by secret hash); the bound keeps memory flat. */
const MAX_CACHED_CREDENTIALS = 50_000;

/**
 * Registration, log-in, sessions and API tokens. Every request and every WebSocket upgrade
 * authenticates, so a resolved credential is remembered for `authCacheMs`; a log-out forgets it
 * at once on every node (through the bus), and the cache never outlives the session's expiry.
 */
export class AuthService {
  readonly #known: TtlCache<string, AuthInfo>;

  constructor(private readonly ctx: AppContext) {
    this.#known = new TtlCache(ctx.config.authCacheMs, MAX_CACHED_CREDENTIALS);
    ctx.bus.onMessage((message) => {
      if (message.kind !== 'control' || message.control.type !== 'user_logged_out') return;
      const { user_id: userId, session_id: sessionId } = message.control;
      this.#forget(userId, sessionId);
    });
  }

  #forget(userId: string, sessionId: string | null): void {
    this.#known.deleteWhere((auth) => auth.user.id === userId && (sessionId === null || auth.credentialId === sessionId));
  }

  /**
   * Creates a user; `conflict` when the email is taken. `join` runs in the same transaction once the
   * user exists (an invitation making them a member), so a refused join creates no account.
   */
  async register(input: { email: string; name: string; password: string }, join?: (tx: Transaction, user: PublicUser) => Promise<void>): Promise<PublicUser> {
    const id = randomUUID();
    const passwordHash = await hashPassword(input.password);
    return this.ctx.db.transaction(async (tx) => {
      const rows = await tx.query<PublicUser>(
        `INSERT INTO users (id, email, name, password_hash, color) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT DO NOTHING RETURNING id, email, name, color`,
        [id, input.email.trim(), input.name.trim(), passwordHash, colorFor(id)],
      );
      const user = rows[0];
      if (!user) throw errors.conflict('An account with this email already exists.', { field: 'email' });
      await join?.(tx, user);
      return user;
    });
  }

  /** Checks credentials and opens a session; returns the session secret for the cookie. */
  async login(email: string, password: string): Promise<{ user: PublicUser; token: string; expiresAt: Date }> {
    const [row] = await this.ctx.db.query<PublicUser & { password_hash: string }>(
      'SELECT id, email, name, color, password_hash FROM users WHERE lower(email) = lower($1)',
      [email.trim()],
    );
    if (!row) {
      await verifyDummy(password);
      throw errors.unauthenticated('Wrong email or password.');
    }
    if (!(await verifyPassword(row.password_hash, password))) throw errors.unauthenticated('Wrong email or password.');
    const token = newSecret('tds');
    const expiresAt = new Date(Date.now() + this.ctx.config.sessionTtlHours * 3600_000);
    await this.ctx.db.query('INSERT INTO sessions (id, user_id, token_hash, expires_at) VALUES ($1, $2, $3, $4)', [
      randomUUID(),
      row.id,
      hashSecret(token),
      expiresAt,
    ]);
    const { password_hash: _, ...user } = row;
    return { user, token, expiresAt };
  }

  /** Ends a session and tells every node to close its connections. */
  async logout(auth: AuthInfo): Promise<void> {
    if (auth.via !== 'session') return;
    await this.ctx.db.query('DELETE FROM sessions WHERE id = $1', [auth.credentialId]);
    this.#forget(auth.user.id, auth.credentialId);
    await this.ctx.bus.publish({ kind: 'control', control: { type: 'user_logged_out', user_id: auth.user.id, session_id: auth.credentialId } });
  }

  /** Resolves a session secret or an API token to its user; null when unknown or expired. */
  async authenticate(secret: string): Promise<AuthInfo | null> {
    if (!secret.startsWith('tds_') && !secret.startsWith('tdt_')) return null;
    const hash = hashSecret(secret);
    const known = this.#known.get(hash);
    if (known) return known;
    const stamp = this.#known.stamp();
    if (secret.startsWith('tds_')) {
      const [row] = await this.ctx.db.query<PublicUser & { sid: string; expires_at: Date }>(
        `SELECT u.id, u.email, u.name, u.color, s.id AS sid, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id
         WHERE s.token_hash = $1 AND s.expires_at > now()`,
        [hash],
      );
      if (!row) return null;
      const { sid, expires_at: expiresAt, ...user } = row;
      const auth: AuthInfo = { user, via: 'session', credentialId: sid };
      this.#known.set(hash, auth, expiresAt.getTime(), stamp);
      return auth;
    }
    // API tokens: `last_used_at` is therefore as fresh as the cache allows.
    const [row] = await this.ctx.db.query<PublicUser & { tid: string; expires_at: Date | null }>(
      `UPDATE api_tokens t SET last_used_at = now() FROM users u
       WHERE t.token_hash = $1 AND u.id = t.user_id AND (t.expires_at IS NULL OR t.expires_at > now())
       RETURNING u.id, u.email, u.name, u.color, t.id AS tid, t.expires_at`,
      [hash],
    );
    if (!row) return null;
    const { tid, expires_at: expiresAt, ...user } = row;
    const auth: AuthInfo = { user, via: 'token', credentialId: tid };
    this.#known.set(hash, auth, expiresAt?.getTime(), stamp);
    return auth;
  }

  /** Creates an API token; the secret is returned once and stored only hashed. */
  async createApiToken(userId: string, name: string, expiresInDays?: number): Promise<{ id: string; token: string; name: string; expires_at: string | null }> {
    const id = randomUUID();
    const token = newSecret('tdt');
    const expiresAt = expiresInDays ? new Date(Date.now() + expiresInDays * 86400_000) : null;
    await this.ctx.db.query('INSERT INTO api_tokens (id, user_id, name, token_hash, expires_at) VALUES ($1, $2, $3, $4, $5)', [
      id,
      userId,
      name,
      hashSecret(token),
      expiresAt,
    ]);
    return { id, token, name, expires_at: expiresAt?.toISOString() ?? null };
  }
}
