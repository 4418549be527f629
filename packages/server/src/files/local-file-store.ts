import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, stat, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { assertStoreKey, type FileStore, MissingFileError } from './file-store.ts';

/** Directory of in-progress writes, inside the store's root so the final rename never crosses file systems. */
const PARTIAL_DIR = '.partial';

/**
 * A {@link FileStore} on the local disk: the object under key `a/b` is the file `root/a/b`.
 * Writes go to `root/.partial/` first and are renamed into place once complete (and fsynced),
 * so a reader never sees half a file and a failed upload leaves only nothing behind.
 */
export class LocalFileStore implements FileStore {
  private constructor(
    /** The directory holding the objects. */
    readonly root: string,
    private readonly temporary: boolean,
  ) {}

  /**
   * Opens the store under `dataDir/files`; for the in-memory configuration (`:memory:`) a fresh
   * directory under the system's temporary directory, deleted again by {@link close}.
   */
  static async open(dataDir: string): Promise<LocalFileStore> {
    const temporary = dataDir === ':memory:';
    const root = temporary ? await mkdtemp(join(tmpdir(), 'tandem-files-')) : join(dataDir, 'files');
    await mkdir(join(root, PARTIAL_DIR), { recursive: true });
    return new LocalFileStore(root, temporary);
  }

  async put(key: string, content: Readable): Promise<{ size: number }> {
    const target = this.#path(key);
    const partial = join(this.root, PARTIAL_DIR, `${crypto.randomUUID()}.part`);
    let size = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        size += chunk.length;
        done(null, chunk);
      },
    });
    try {
      await pipeline(content, counter, createWriteStream(partial, { flags: 'wx', flush: true }));
      await mkdir(dirname(target), { recursive: true });
      await rename(partial, target);
    } catch (err) {
      await rm(partial, { force: true });
      throw err;
    }
    return { size };
  }

  async get(key: string): Promise<Readable> {
    const path = this.#path(key);
    // Opened here rather than on first read, so a missing file is an answer and not a stream error mid-response.
    try {
      const info = await stat(path);
      if (!info.isFile()) throw new MissingFileError(key);
    } catch (err) {
      if (err instanceof MissingFileError || (err as NodeJS.ErrnoException).code === 'ENOENT') throw new MissingFileError(key);
      throw err;
    }
    return createReadStream(path);
  }

  async remove(key: string): Promise<void> {
    try {
      await unlink(this.#path(key));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }

  async close(): Promise<void> {
    if (this.temporary) await rm(this.root, { recursive: true, force: true });
  }

  #path(key: string): string {
    assertStoreKey(key);
    return join(this.root, ...key.split('/'));
  }
}
