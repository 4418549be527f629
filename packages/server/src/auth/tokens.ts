import { createHash, randomBytes } from 'node:crypto';

/** A fresh opaque secret for a session or an API token (256 bits, URL-safe). */
export function newSecret(prefix: string): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`;
}

/** How secrets are stored: only their SHA-256, so a database leak reveals no usable token. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}
