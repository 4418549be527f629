import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';

/** Where the snippet's source lives; it is served as written (readable, about 2 KB gzipped). */
const TRACKER_SOURCE = new URL('./tracker/t.js', import.meta.url);

/** One encoding of the snippet, compressed once at start-up. */
interface Representation {
  readonly encoding: 'br' | 'gzip' | null;
  readonly body: Buffer;
  /** Strong validator; each encoding has its own, as the bytes differ. */
  readonly etag: string;
}

/** The three encodings of a script source: brotli, gzip and identity. */
export function trackerRepresentations(source: Buffer): readonly Representation[] {
  const hash = createHash('sha256').update(source).digest('base64url').slice(0, 22);
  return [
    {
      encoding: 'br',
      body: brotliCompressSync(source, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: source.length } }),
      etag: `"${hash}-br"`,
    },
    { encoding: 'gzip', body: gzipSync(source, { level: 9 }), etag: `"${hash}-gz"` },
    { encoding: null, body: source, etag: `"${hash}"` },
  ];
}

/** Whether an `Accept-Encoding` header allows `encoding` (named with q > 0, or covered by `*` with q > 0). */
export function acceptsEncoding(header: string | undefined, encoding: string): boolean {
  const weights = new Map<string, number>();
  for (const part of (header ?? '').split(',')) {
    const [name = '', ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    if (name) weights.set(name, q === undefined ? 1 : Number(q.slice(2)) || 0);
  }
  return (weights.get(encoding) ?? weights.get('*') ?? 0) > 0;
}

/** Whether an `If-None-Match` header names `etag` (weak comparison, as RFC 9110 asks for it). */
function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(',').some((tag) => {
    const trimmed = tag.trim();
    return trimmed === '*' || trimmed.replace(/^W\//, '') === etag;
  });
}

/**
 * `GET /t.js`: the public tracking snippet, at the root (sites embed
 * `<script async src="https://tandem.example.com/t.js" data-site="…">`). Cached for an hour by
 * browsers and proxies, revalidated with a strong ETag, brotli or gzip when the client accepts it.
 */
export function trackerRoutes(source: Buffer = readFileSync(TRACKER_SOURCE)) {
  const representations = trackerRepresentations(source);
  return async (app: FastifyInstance) => {
    app.get('/t.js', { schema: { hide: true } }, async (request, reply) => {
      const header = request.headers['accept-encoding'];
      // Identity last: always acceptable here, the script is small and must load everywhere.
      const chosen = representations.find((r) => r.encoding === null || acceptsEncoding(header, r.encoding)) as Representation;
      reply
        .header('content-type', 'application/javascript; charset=utf-8')
        .header('cache-control', 'public, max-age=3600')
        .header('vary', 'Accept-Encoding')
        .header('etag', chosen.etag)
        // Any page may embed the script, also one that isolates itself (COEP) or checks its integrity (SRI).
        .header('cross-origin-resource-policy', 'cross-origin')
        .header('access-control-allow-origin', '*');
      if (matches(request.headers['if-none-match'], chosen.etag)) return reply.status(304).send();
      if (chosen.encoding) reply.header('content-encoding', chosen.encoding);
      return reply.send(chosen.body);
    });
  };
}
