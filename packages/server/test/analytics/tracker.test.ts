import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.ts';

const SOURCE = readFileSync(new URL('../../src/analytics/tracker/t.js', import.meta.url));

let server: TestServer;

// A server start on a busy two-core machine can take most of a minute.
beforeAll(async () => {
  server = await startServer({ db: 'pglite' });
}, 180_000);

afterAll(async () => {
  await server?.close();
});

interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
}

/** GET with exactly these headers and the bytes as sent (Node's fetch would add Accept-Encoding and decompress). */
function get(path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, server.url), { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('GET /t.js', () => {
  it('serves the snippet as JavaScript, cached for an hour, at the root', async () => {
    const res = await get('/t.js');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/javascript; charset=utf-8');
    expect(res.headers['cache-control']).toBe('public, max-age=3600');
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.body.equals(SOURCE)).toBe(true);
    expect(res.body.toString()).toContain("getAttribute('data-site')");
    expect((await get('/api/v1/t.js')).status).toBe(404);
  });

  it('sends gzip or brotli when the browser accepts it, and the same script inside', async () => {
    const gzip = await get('/t.js', { 'accept-encoding': 'gzip, deflate' });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gzip.headers.vary).toContain('Accept-Encoding');
    expect(gunzipSync(gzip.body).equals(SOURCE)).toBe(true);
    expect(gzip.body.length).toBeLessThan(SOURCE.length / 1.5);

    const br = await get('/t.js', { 'accept-encoding': 'gzip, deflate, br, zstd' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(br.body).equals(SOURCE)).toBe(true);

    // An encoding refused with q=0 is never sent.
    const refused = await get('/t.js', { 'accept-encoding': 'br;q=0, gzip;q=0' });
    expect(refused.headers['content-encoding']).toBeUndefined();
    expect(refused.body.equals(SOURCE)).toBe(true);
    const starButNotBr = await get('/t.js', { 'accept-encoding': 'br;q=0, *' });
    expect(starButNotBr.headers['content-encoding']).toBe('gzip');
  });

  it('answers 304 without a body to a request naming its strong ETag, and 200 after a change of encoding or tag', async () => {
    const first = await get('/t.js', { 'accept-encoding': 'gzip' });
    const etag = String(first.headers.etag);
    expect(etag).toMatch(/^"[^"]+"$/);

    const again = await get('/t.js', { 'accept-encoding': 'gzip', 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    expect(again.headers.etag).toBe(etag);
    expect(again.headers['cache-control']).toBe('public, max-age=3600');

    expect((await get('/t.js', { 'accept-encoding': 'gzip', 'if-none-match': `"other", ${etag}` })).status).toBe(304);
    expect((await get('/t.js', { 'accept-encoding': 'gzip', 'if-none-match': '"other"' })).status).toBe(200);
    // The identity bytes differ from the gzip bytes, so they carry another strong tag.
    const plain = await get('/t.js', { 'if-none-match': etag });
    expect(plain.status).toBe(200);
    expect(plain.headers.etag).not.toBe(etag);
  });

  it('answers HEAD with the headers and no body', async () => {
    const head = await get('/t.js', { 'accept-encoding': 'gzip' }, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers['content-type']).toBe('application/javascript; charset=utf-8');
    expect(head.body.length).toBe(0);
  });
});
