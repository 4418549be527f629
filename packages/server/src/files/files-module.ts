import fastifyMultipart from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.ts';
import type { Access } from '../workspaces/access.ts';
import { fileRoutes } from './file-routes.ts';
import { FileService } from './file-service.ts';
import type { FileStore } from './file-store.ts';
import { LocalFileStore } from './local-file-store.ts';
import { loadThumbnailer } from './thumbnailer.ts';

/** The files domain wired into a server. */
export interface Files {
  readonly service: FileService;
  /** Routes for the `/api/v1` scope (with their multipart parser). */
  readonly routes: (api: FastifyInstance) => Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens the file store (local disk under `DATA_DIR/files` unless a store is given, e.g. an
 * S3-compatible one) and the thumbnailer, and returns the service and its routes. Domains that
 * attach files take `service`: `requireOwnFiles` when a write names file ids, `registerHolder`
 * so their readers may download them.
 */
export async function installFiles(ctx: AppContext, access: Access, store?: FileStore): Promise<Files> {
  const fileStore = store ?? (await LocalFileStore.open(ctx.config.dataDir));
  const service = new FileService(ctx, access, fileStore, await loadThumbnailer(ctx.log));
  return {
    service,
    routes: async (api) => {
      await api.register(async (scope) => {
        // The parser only streams; the service enforces the size and quota limits while writing.
        await scope.register(fastifyMultipart, { limits: { fileSize: ctx.config.fileMaxBytes + 1, files: 1, fields: 5, parts: 6 } });
        await scope.register(fileRoutes(service));
      });
    },
    close: () => fileStore.close(),
  };
}
