import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { StoredFile } from '@tandem/protocol';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, newTeam, newUser, type Team } from '../support/http-client.ts';
import { startServer, type TestServer } from '../support/server.ts';

const MAX = 2 * 1024 * 1024;
const QUOTA = 5 * 1024 * 1024;

async function upload(
  server: TestServer,
  client: ApiClient,
  workspaceId: string,
  bytes: Uint8Array | Blob,
  name: string,
  claimedType = 'image/png',
): Promise<{ status: number; body: any }> {
  const form = new FormData();
  form.append('file', bytes instanceof Blob ? bytes : new Blob([bytes], { type: claimedType }), name);
  const res = await fetch(`${server.url}/api/v1/files?workspace_id=${workspaceId}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${client.token}` },
    body: form,
  });
  return { status: res.status, body: await res.json() };
}

async function download(server: TestServer, client: ApiClient, path: string) {
  const res = await fetch(`${server.url}/api/v1${path}`, { headers: { authorization: `Bearer ${client.token}` } });
  return { status: res.status, headers: res.headers, bytes: new Uint8Array(await res.arrayBuffer()) };
}

async function storedObjects(server: TestServer): Promise<string[]> {
  const root = join(server.dataDir, 'files');
  const out: string[] = [];
  for (const dir of await readdir(root)) {
    if (dir === '.partial') continue;
    for (const f of await readdir(join(root, dir))) out.push(`${dir}/${f}`);
  }
  return out;
}

describe('files', () => {
  let server: TestServer;
  let team: Team<'ann' | 'vic' | 'eve'>;
  let png: Buffer;
  beforeAll(async () => {
    server = await startServer({ db: 'pglite', overrides: { fileMaxBytes: MAX, workspaceFileQuotaBytes: QUOTA } });
    team = await newTeam(server.url, { ann: ['Ann', 'editor'], vic: ['Vic', 'viewer'], eve: ['Eve', 'editor'] });
    png = await sharp({ create: { width: 800, height: 600, channels: 3, background: '#3366cc' } })
      .png()
      .toBuffer();
  });
  afterAll(async () => server?.close());

  it('an image round-trips with its sniffed type, size and a thumbnail, shown inline with nosniff', async () => {
    const up = await upload(server, team.ann, team.workspaceId, png, 'photo.jpg', 'application/pdf');
    expect(up.status).toBe(201);
    const file = up.body as StoredFile;
    expect(file).toMatchObject({ name: 'photo.jpg', mime: 'image/png', size: png.length, width: 800, height: 600, url: `/api/v1/files/${file.id}` });
    const got = await download(server, team.ann, `/files/${file.id}`);
    expect(got.status).toBe(200);
    expect(Buffer.from(got.bytes).equals(png)).toBe(true);
    expect(got.headers.get('content-type')).toBe('image/png');
    expect(got.headers.get('x-content-type-options')).toBe('nosniff');
    expect(got.headers.get('content-disposition')).toMatch(/^inline; filename="photo.jpg"/);
    const thumb = await download(server, team.ann, `/files/${file.id}/thumbnail`);
    expect(thumb.headers.get('content-type')).toBe('image/webp');
    const meta = await sharp(Buffer.from(thumb.bytes)).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['webp', 320, 240]);
  });

  it('HTML named .png and SVG are typed as what they are and only ever served as attachments', async () => {
    const html = new TextEncoder().encode('<!doctype html><html><script>alert(document.cookie)</script></html>');
    const svg = new TextEncoder().encode('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>');
    for (const [bytes, name, mime] of [
      [html, 'cute-cat.png', 'text/html'],
      [svg, 'logo.svg', 'image/svg+xml'],
    ] as const) {
      const up = await upload(server, team.ann, team.workspaceId, bytes, name);
      expect(up.body.mime).toBe(mime);
      expect(up.body.thumbnail_url).toBeNull();
      const got = await download(server, team.ann, `/files/${up.body.id}`);
      expect(got.headers.get('content-disposition')).toMatch(/^attachment;/);
      expect(got.headers.get('x-content-type-options')).toBe('nosniff');
      expect(got.headers.get('content-security-policy')).toContain('sandbox');
    }
  });

  it('a file over the limit is refused with too_large and leaves nothing stored', async () => {
    const before = await storedObjects(server);
    const big = new Uint8Array(MAX + 10).fill(65);
    const up = await upload(server, team.ann, team.workspaceId, big, 'big.txt');
    expect(up.status).toBe(413);
    expect(up.body.error.code).toBe('too_large');
    expect(await storedObjects(server)).toEqual(before);
    expect(await readdir(join(server.dataDir, 'files', '.partial'))).toEqual([]);
  });

  it('the workspace quota refuses the upload that would pass it', async () => {
    const team2 = await newTeam(server.url, { ann: ['Ann2', 'editor'] });
    const chunk = new Uint8Array(MAX - 1024).fill(66);
    expect((await upload(server, team2.ann, team2.workspaceId, chunk, 'a.bin')).status).toBe(201);
    expect((await upload(server, team2.ann, team2.workspaceId, chunk, 'b.bin')).status).toBe(201);
    const third = await upload(server, team2.ann, team2.workspaceId, chunk, 'c.bin');
    expect(third.status).toBe(413);
    expect(third.body.error.details).toMatchObject({ quota_bytes: QUOTA });
  });

  it('viewers cannot upload, outsiders get not_found, and nobody else downloads a file attached to nothing', async () => {
    const outsider = await newUser(server.url, 'Outsider');
    expect((await upload(server, team.vic, team.workspaceId, png, 'v.png')).status).toBe(403);
    expect((await upload(server, outsider, team.workspaceId, png, 'o.png')).status).toBe(404);
    const mine = (await upload(server, team.ann, team.workspaceId, png, 'mine.png')).body as StoredFile;
    expect((await download(server, team.eve, `/files/${mine.id}`)).status).toBe(404);
    expect((await download(server, outsider, `/files/${mine.id}`)).status).toBe(404);
    expect((await download(server, team.eve, `/files/${mine.id}/meta`)).status).toBe(404);
  });

  it('an attachment downloads for members of its chat room and is 404 for everyone else', async () => {
    const room = (await team.ann.post('/chat/rooms', { kind: 'group', workspace_id: team.workspaceId, name: 'Pics', member_ids: [team.vic.user?.id] })).body;
    const file = (await upload(server, team.ann, team.workspaceId, png, 'pic.png')).body as StoredFile;
    // Someone else's upload cannot be attached.
    expect((await team.vic.post(`/chat/rooms/${room.id}/messages`, { body: 'mine now', file_ids: [file.id] })).status).toBe(400);
    const sent = await team.ann.post(`/chat/rooms/${room.id}/messages`, { body: '', file_ids: [file.id] });
    expect(sent.status).toBe(201);
    expect(sent.body.attachments).toEqual([
      expect.objectContaining({ file_id: file.id, mime: 'image/png', width: 800, thumbnail_url: `/api/v1/files/${file.id}/thumbnail` }),
    ]);
    expect((await download(server, team.vic, `/files/${file.id}`)).status).toBe(200);
    expect((await download(server, team.eve, `/files/${file.id}`)).status).toBe(404);
  });

  it('a 150 MB upload streams to disk: the server process does not hold it in memory', async () => {
    const bigServer = await startServer({ db: 'pglite', overrides: { fileMaxBytes: 200 * 1024 * 1024 } });
    try {
      const owner = await newUser(bigServer.url, 'Big');
      const ws = (await owner.post('/workspaces', { name: 'Big files' })).body.id;
      const size = 150 * 1024 * 1024;
      const chunk = new Uint8Array(1024 * 1024).fill(67);
      // The body is generated as it is sent, so the only copy that could pile up is the server's.
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(
            new TextEncoder().encode('--b\r\nContent-Disposition: form-data; name="file"; filename="big.txt"\r\nContent-Type: text/plain\r\n\r\n'),
          );
        },
        pull: (() => {
          let sent = 0;
          return (controller: ReadableStreamDefaultController<Uint8Array>) => {
            if (sent >= size) {
              controller.enqueue(new TextEncoder().encode('\r\n--b--\r\n'));
              controller.close();
              return;
            }
            controller.enqueue(chunk);
            sent += chunk.length;
          };
        })(),
      });
      global.gc?.();
      const before = process.memoryUsage();
      let peak = 0;
      const sampler = setInterval(() => {
        const now = process.memoryUsage();
        peak = Math.max(peak, now.heapUsed + now.arrayBuffers - (before.heapUsed + before.arrayBuffers));
      }, 5);
      const res = await fetch(`${bigServer.url}/api/v1/files?workspace_id=${ws}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${owner.token}`, 'content-type': 'multipart/form-data; boundary=b' },
        body: stream,
        duplex: 'half',
      } as RequestInit);
      clearInterval(sampler);
      const body = (await res.json()) as { size: number };
      expect(res.status).toBe(201);
      expect(body.size).toBe(size);
      // Buffered whole, heap plus array buffers would grow by at least the file's 150 MB.
      expect(peak).toBeLessThan(75 * 1024 * 1024);
    } finally {
      await bigServer.close();
    }
  });
});
