import type { FastifyReply } from 'fastify';

/** Cache policy of files whose name carries a content hash: they never change at that URL. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * Cache headers of the built web app (the `setHeaders` of `@fastify/static`): Vite's hashed files
 * under `/assets/` are cached for a year and never revalidated; everything else, `index.html`
 * above all, is revalidated on every load (`no-cache`), so a new deploy is picked up at once.
 * `path` is the file sent, possibly its precompressed `.br` or `.gz` sibling.
 */
export function setWebAssetHeaders(reply: FastifyReply, path: string): void {
  reply.header('cache-control', /[\\/]assets[\\/]/.test(path) ? IMMUTABLE : 'no-cache');
}
