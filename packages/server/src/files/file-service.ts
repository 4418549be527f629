import { type Readable, Transform } from 'node:stream';
import type { StoredFile } from '@tandem/protocol';
import type { AuthInfo } from '../auth/auth-service.ts';
import type { AppContext } from '../context.ts';
import type { Queryable } from '../db/database.ts';
import { AppError, errors } from '../errors/app-error.ts';
import type { Access } from '../workspaces/access.ts';
import { INLINE_SAFE_IMAGE_TYPES, SNIFF_BYTES, sniffFile } from './file-sniff.ts';
import { type FileStore, MissingFileError } from './file-store.ts';
import { THUMBNAIL_PX, type Thumbnailer } from './thumbnailer.ts';

/**
 * Says whether a user may read a file because something they can see holds it (chat: "it is
 * attached to a message in a room the user can read"). Asked only for workspace members other
 * than the uploader; answering false for files it does not know is the whole contract.
 */
export type FileHolder = (userId: string, fileId: string) => Promise<boolean>;

/** Which bytes of a file a download sends. */
export type FileVariant = 'original' | 'thumbnail';

/** What a download sends: the bytes, their type, and whether a browser may show them in place. */
export interface FileDownload {
  readonly file: StoredFile;
  /** Type of `body`: the file's sniffed type, or `image/webp` for a thumbnail. */
  readonly mime: string;
  /** Length of `body` in bytes, when known. */
  readonly size: number | null;
  /** The file name to offer, e.g. `photo.png`, or `photo.png.webp` for its thumbnail. */
  readonly filename: string;
  /** True only for PNG, JPEG, GIF and WebP images (and thumbnails); HTML, SVG and everything else is an attachment. */
  readonly inline: boolean;
  readonly body: Readable;
}

/** A `files` row. */
interface FileRow {
  id: string;
  workspace_id: string;
  uploader_id: string | null;
  name: string;
  mime: string;
  size: string | number;
  width: number | null;
  height: number | null;
  storage_key: string;
  thumbnail_key: string | null;
  created_at: Date;
}

const COLUMNS = 'id, workspace_id, uploader_id, name, mime, size, width, height, storage_key, thumbnail_key, created_at';
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_NAME_CHARS = 255;

/** Download URL of a stored file. */
export function fileUrl(fileId: string): string {
  return `/api/v1/files/${fileId}`;
}

/**
 * What a client shows as a file's preview: its generated WebP thumbnail when there is one,
 * else an inline-safe image's own URL, else null (not an image a browser may show).
 */
export function thumbnailUrl(file: { readonly id: string; readonly mime: string; readonly thumbnail_key: string | null }): string | null {
  if (file.thumbnail_key) return `${fileUrl(file.id)}/thumbnail`;
  return INLINE_SAFE_IMAGE_TYPES.has(file.mime) ? fileUrl(file.id) : null;
}

/**
 * The file store of the whole product: uploads (type sniffed from the bytes, size limit and
 * workspace quota enforced while streaming), metadata in `files`, bytes in a {@link FileStore},
 * and who may read what. Domains that attach files (chat messages, record fields) check an
 * attachment with {@link requireOwnFiles} and let their readers download it by registering a
 * {@link FileHolder}.
 */
export class FileService {
  readonly #holders: FileHolder[] = [];

  constructor(
    private readonly ctx: AppContext,
    private readonly access: Access,
    private readonly store: FileStore,
    private readonly thumbnailer: Thumbnailer | null,
  ) {}

  /** Adds a check that lets users other than the uploader read files; a read is allowed when any holder says yes. */
  registerHolder(check: FileHolder): void {
    this.#holders.push(check);
  }

  /**
   * Stores an uploaded file in a workspace (commenter or above), named `filename` (cleaned of
   * any path) and typed by its bytes. The bytes stream to the store as they arrive; past `FILE_MAX_BYTES` or the workspace's remaining `WORKSPACE_FILE_QUOTA_BYTES`
   * the upload fails with `too_large` and nothing is kept.
   */
  async upload(auth: AuthInfo, workspaceId: string, filename: string, content: Readable): Promise<StoredFile> {
    await this.access.require(auth, 'workspace', workspaceId, 'commenter');
    const { fileMaxBytes, workspaceFileQuotaBytes } = this.ctx.config;
    const remaining = workspaceFileQuotaBytes - (await this.#usedBytes(this.ctx.db, workspaceId));
    if (remaining <= 0) throw quotaExceeded(workspaceFileQuotaBytes, 0);
    const limit = Math.min(fileMaxBytes, remaining);
    const tooLarge = () => (limit < fileMaxBytes ? quotaExceeded(workspaceFileQuotaBytes, remaining) : fileTooLarge(fileMaxBytes));

    const id = crypto.randomUUID();
    const storageKey = `${workspaceId}/${id}`;
    const inspector = new UploadInspector(limit, tooLarge);
    content.on('error', (err) => inspector.destroy(err));
    const { size } = await this.store.put(storageKey, content.pipe(inspector));
    // A parser that stops at its own limit ends the part early instead of failing it.
    if ((content as { truncated?: boolean }).truncated || size > limit) {
      await this.store.remove(storageKey);
      throw tooLarge();
    }
    const sniffed = sniffFile(inspector.head(), true);
    let thumbnailKey: string | null = null;
    try {
      thumbnailKey = await this.#makeThumbnail(storageKey, sniffed);
      const row = await this.ctx.db.transaction(async (tx) => {
        // Uploads to one workspace take turns here, so two cannot both fit in the last of the quota.
        await tx.query(`SELECT pg_advisory_xact_lock(hashtext('tandem.files:' || $1))`, [workspaceId]);
        const used = await this.#usedBytes(tx, workspaceId);
        if (used + size > workspaceFileQuotaBytes) throw quotaExceeded(workspaceFileQuotaBytes, Math.max(0, workspaceFileQuotaBytes - used));
        const [inserted] = await tx.query<FileRow>(
          `INSERT INTO files (id, workspace_id, uploader_id, name, mime, size, width, height, storage_key, thumbnail_key)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING ${COLUMNS}`,
          [id, workspaceId, auth.user.id, cleanFileName(filename), sniffed.mime, size, sniffed.width, sniffed.height, storageKey, thumbnailKey],
        );
        return inserted as FileRow;
      });
      return toStoredFile(row);
    } catch (err) {
      await this.store.remove(storageKey);
      if (thumbnailKey) await this.store.remove(thumbnailKey);
      throw err;
    }
  }

  /** A file's metadata, for whoever may read it (see {@link download}). */
  async meta(auth: AuthInfo, fileId: string): Promise<StoredFile> {
    return toStoredFile(await this.#readable(auth, fileId));
  }

  /**
   * A file's bytes (or its thumbnail's), for its uploader and for workspace members a registered
   * holder lets read it; `not_found` for everyone else, exactly as for a file that does not
   * exist, and for the thumbnail of a file that has none.
   */
  async download(auth: AuthInfo, fileId: string, variant: FileVariant = 'original'): Promise<FileDownload> {
    const row = await this.#readable(auth, fileId);
    const file = toStoredFile(row);
    if (variant === 'thumbnail') {
      if (!row.thumbnail_key) throw errors.notFound('Thumbnail');
      return { file, mime: 'image/webp', size: null, filename: `${row.name}.webp`, inline: true, body: await this.#get(row.thumbnail_key) };
    }
    return { file, mime: row.mime, size: file.size, filename: row.name, inline: INLINE_SAFE_IMAGE_TYPES.has(row.mime), body: await this.#get(row.storage_key) };
  }

  /**
   * Checks, inside the caller's transaction, that every id names a file in `workspaceId` that
   * `userId` uploaded, and returns them in the given order; `invalid_input` (listing the ids that
   * fail) otherwise, and for an id given twice. For domains attaching files to what a user writes.
   */
  async requireOwnFiles(tx: Queryable, userId: string, workspaceId: string, fileIds: readonly string[]): Promise<StoredFile[]> {
    if (fileIds.length === 0) return [];
    if (new Set(fileIds).size !== fileIds.length) throw errors.invalid('A file is named more than once.', { file_ids: fileIds });
    const bad = fileIds.filter((id) => !UUID_RE.test(id));
    if (bad.length > 0) throw errors.invalid('Unknown file ids.', { file_ids: bad });
    const rows = await tx.query<FileRow>(`SELECT ${COLUMNS} FROM files WHERE id = ANY($1::uuid[]) AND workspace_id = $2 AND uploader_id = $3`, [
      fileIds,
      workspaceId,
      userId,
    ]);
    const byId = new Map(rows.map((row) => [row.id, row]));
    const missing = fileIds.filter((id) => !byId.has(id));
    if (missing.length > 0) throw errors.invalid('Attach only files you uploaded to this workspace.', { file_ids: missing });
    return fileIds.map((id) => toStoredFile(byId.get(id) as FileRow));
  }

  async #readable(auth: AuthInfo, fileId: string): Promise<FileRow> {
    if (!UUID_RE.test(fileId)) throw errors.notFound('File');
    const [row] = await this.ctx.db.query<FileRow>(`SELECT ${COLUMNS} FROM files WHERE id = $1`, [fileId]);
    if (!row) throw errors.notFound('File');
    if (row.uploader_id === auth.user.id) return row;
    // Holders decide for members only, so a holder's mistake cannot reach outside the workspace.
    if (!(await this.access.roleIn(auth.user.id, row.workspace_id))) throw errors.notFound('File');
    for (const holder of this.#holders) {
      if (await holder(auth.user.id, fileId)) return row;
    }
    throw errors.notFound('File');
  }

  async #get(key: string): Promise<Readable> {
    try {
      return await this.store.get(key);
    } catch (err) {
      if (err instanceof MissingFileError) {
        this.ctx.log.error({ key }, 'a stored file is missing from the file store');
        throw errors.notFound('File');
      }
      throw err;
    }
  }

  async #usedBytes(db: Queryable, workspaceId: string): Promise<number> {
    const [row] = await db.query<{ used: string | null }>('SELECT sum(size)::text AS used FROM files WHERE workspace_id = $1', [workspaceId]);
    return Number(row?.used ?? 0);
  }

  /** Stores a thumbnail of an image larger than one; a failure only means the image has none. */
  async #makeThumbnail(storageKey: string, sniffed: { mime: string; width: number | null; height: number | null }): Promise<string | null> {
    if (!this.thumbnailer || !INLINE_SAFE_IMAGE_TYPES.has(sniffed.mime)) return null;
    // An image already thumbnail-sized is its own preview.
    if (sniffed.width !== null && sniffed.height !== null && sniffed.width <= THUMBNAIL_PX && sniffed.height <= THUMBNAIL_PX) return null;
    const key = `${storageKey}.thumbnail.webp`;
    try {
      await this.store.put(key, this.thumbnailer.thumbnail(await this.store.get(storageKey)));
      return key;
    } catch (err) {
      this.ctx.log.warn({ err, key: storageKey }, 'could not make a thumbnail');
      await this.store.remove(key);
      return null;
    }
  }
}

/** Passes an upload through, failing it once it exceeds `limit` bytes and keeping its first bytes for sniffing. */
class UploadInspector extends Transform {
  readonly #head = Buffer.alloc(SNIFF_BYTES);
  #headLength = 0;
  #size = 0;

  constructor(
    private readonly limit: number,
    private readonly tooLarge: () => AppError,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: (err?: Error | null, data?: Buffer) => void): void {
    this.#size += chunk.length;
    if (this.#size > this.limit) {
      done(this.tooLarge());
      return;
    }
    if (this.#headLength < SNIFF_BYTES) this.#headLength += chunk.copy(this.#head, this.#headLength);
    done(null, chunk);
  }

  head(): Buffer {
    return this.#head.subarray(0, this.#headLength);
  }
}

function fileTooLarge(limit: number): AppError {
  return new AppError('too_large', `A file may be at most ${formatBytes(limit)}.`, { limit_bytes: limit, reason: 'file_size' });
}

function quotaExceeded(quota: number, remaining: number): AppError {
  return new AppError('too_large', `This workspace's file storage (${formatBytes(quota)}) is full; ${formatBytes(remaining)} remain.`, {
    quota_bytes: quota,
    remaining_bytes: remaining,
    reason: 'workspace_quota',
  });
}

function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${Number.isInteger(value) ? value : value.toFixed(1)} ${units[unit]}`;
}

/** The client's file name without any path, control characters or excess length; `file` when nothing is left. */
export function cleanFileName(name: string): string {
  const base = name.normalize('NFC').split(/[/\\]/).pop() ?? '';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
  const clean = base.replace(/[\u0000-\u001f\u007f-\u009f]/g, '').trim();
  const chars = [...clean];
  return chars.length === 0 ? 'file' : chars.slice(0, MAX_NAME_CHARS).join('');
}

function toStoredFile(row: FileRow): StoredFile {
  return {
    id: row.id,
    workspace_id: row.workspace_id,
    name: row.name,
    mime: row.mime,
    size: Number(row.size),
    width: row.width,
    height: row.height,
    created_at: row.created_at.toISOString(),
    url: fileUrl(row.id),
    thumbnail_url: thumbnailUrl(row),
  };
}
