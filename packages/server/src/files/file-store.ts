import type { Readable } from 'node:stream';

/**
 * Where the bytes of stored files live, addressed by a key the files service chooses
 * (`{workspace_id}/{file_id}`, `{workspace_id}/{file_id}.thumbnail.webp`). The service keeps
 * names, types and sizes in the database; a store knows only keys and bytes, so a local
 * directory and an S3-compatible bucket are interchangeable behind it.
 *
 * Contract every implementation keeps:
 * - `put` consumes the stream to its end and resolves once the object is durable and readable
 *   under the key; if the stream errors (e.g. the upload went over its size limit) or writing
 *   fails, it rejects and leaves nothing under the key, not even a partial object. Writing a key
 *   that exists replaces it whole.
 * - `get` resolves with a stream of the object's bytes; it rejects with a {@link MissingFileError}
 *   when nothing is stored under the key.
 * - `remove` deletes the object; removing a missing key is not an error.
 * Keys are `[A-Za-z0-9._-]` segments joined by `/`, never `.` or `..`.
 */
export interface FileStore {
  put(key: string, content: Readable): Promise<{ readonly size: number }>;
  get(key: string): Promise<Readable>;
  remove(key: string): Promise<void>;
  /** Releases what the store holds open (connections, a temporary directory). */
  close(): Promise<void>;
}

/** Raised by {@link FileStore.get} for a key with no object. */
export class MissingFileError extends Error {
  override readonly name = 'MissingFileError';

  constructor(readonly key: string) {
    super(`No stored file under ${key}.`);
  }
}

const KEY_SEGMENT = /^[A-Za-z0-9._-]+$/;

/** Throws unless `key` is a valid store key (see {@link FileStore}); keeps keys from escaping a directory or bucket prefix. */
export function assertStoreKey(key: string): void {
  const segments = key.split('/');
  if (key.length > 512 || segments.some((s) => !KEY_SEGMENT.test(s) || s === '.' || s === '..')) {
    throw new Error(`Invalid file store key: ${JSON.stringify(key)}`);
  }
}
