import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errors } from '../errors/app-error.ts';
import { requireAuth } from '../http/authenticate.ts';
import { documentedError } from '../http/openapi.ts';
import { fileBytes, storedFileSchema, thumbnailBytes } from './file-schemas.ts';
import type { FileDownload, FileService } from './file-service.ts';

const idParams = z.object({ id: z.uuid() });

/** `POST /files` (multipart field `file`), downloads, thumbnails and metadata. */
export function fileRoutes(files: FileService) {
  return async (fastify: FastifyInstance) => {
    const app = fastify.withTypeProvider<ZodTypeProvider>();
    const tags = ['files'];

    app.post(
      '/files',
      {
        schema: {
          tags,
          summary: 'Upload a file (multipart/form-data, field `file`; commenter or above); its type is sniffed from the bytes',
          response: { 201: storedFileSchema, 413: documentedError('too_large: the file exceeds FILE_MAX_BYTES or the workspace quota') },
          querystring: z.object({ workspace_id: z.uuid() }),
        },
      },
      async (request, reply) => {
        const auth = requireAuth(request);
        if (!request.isMultipart()) throw errors.invalid('Send the file as multipart/form-data in the field "file".');
        const part = await request.file();
        if (part?.fieldname !== 'file') throw errors.invalid('Send the file in the multipart field "file".', { field: 'file' });
        try {
          return reply.status(201).send(await files.upload(auth, request.query.workspace_id, part.filename, part.file));
        } catch (err) {
          // Read the rest of a refused upload, so the client, still sending, gets the answer instead of a reset connection.
          part.file.resume();
          request.raw.resume();
          throw err;
        }
      },
    );

    app.get(
      '/files/:id/meta',
      { schema: { tags, summary: "A file's name, type, size and URLs", response: { 200: storedFileSchema }, params: idParams } },
      async (request) => files.meta(requireAuth(request), request.params.id),
    );
    app.get(
      '/files/:id',
      {
        schema: {
          tags,
          summary: 'Download a file (PNG, JPEG, GIF and WebP inline, everything else as an attachment)',
          response: { 200: fileBytes },
          params: idParams,
        },
      },
      async (request, reply) => send(reply, await files.download(requireAuth(request), request.params.id, 'original')),
    );
    app.get(
      '/files/:id/thumbnail',
      { schema: { tags, summary: 'An image’s thumbnail (WebP, at most 320 px)', response: { 200: thumbnailBytes }, params: idParams } },
      async (request, reply) => send(reply, await files.download(requireAuth(request), request.params.id, 'thumbnail')),
    );
  };
}

/** Types sent with a charset: what is sniffed as text is UTF-8. */
const TEXT_TYPES = new Set(['text/plain', 'text/html', 'image/svg+xml']);

/**
 * Sends a stored file so that no browser runs it: the sniffed type, `nosniff`, a sandboxing CSP,
 * and `attachment` for everything but the plain image types (never HTML or SVG inline).
 */
function send(reply: FastifyReply, download: FileDownload) {
  reply
    .header('content-type', TEXT_TYPES.has(download.mime) ? `${download.mime}; charset=utf-8` : download.mime)
    .header('content-disposition', contentDisposition(download.inline ? 'inline' : 'attachment', download.filename))
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', "sandbox; default-src 'none'")
    // Stored files never change; only this user's browser may keep them.
    .header('cache-control', 'private, max-age=3600');
  if (download.size !== null) reply.header('content-length', download.size);
  return reply.send(download.body);
}

/** `inline` or `attachment` with an ASCII fallback name and the exact name as RFC 8187 `filename*`. */
export function contentDisposition(kind: 'inline' | 'attachment', name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
