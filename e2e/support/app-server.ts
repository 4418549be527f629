import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDemoData } from '../../packages/server/src/demo/demo-data.ts';
import { startServer, type TestServer } from '../../packages/server/test/support/server.ts';

/** Where tests save screenshots (gitignored). */
export const RESULTS_DIR = fileURLToPath(new URL('../results/', import.meta.url));

/** The demo accounts every browser test logs in with. */
export const DEMO = {
  password: 'tandem-demo',
  alice: 'alice@demo.tandem.dev',
  bob: 'bob@demo.tandem.dev',
  carol: 'carol@demo.tandem.dev',
} as const;

const BUILD_LOCK = fileURLToPath(new URL('../../.tmp/web-build.lock', import.meta.url));

/**
 * Builds apps/web into apps/web/dist when its sources changed (as `npm start` does). Test files
 * run in parallel, so builds take turns through a lock directory instead of writing dist at once.
 */
export function buildWebApp(): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  mkdirSync(dirname(BUILD_LOCK), { recursive: true });
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(BUILD_LOCK);
      break;
    } catch {
      if (Date.now() > deadline) rmSync(BUILD_LOCK, { recursive: true, force: true });
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  try {
    // The test runner sets NODE_ENV=test, which would make Vite bundle React's development build.
    execFileSync(process.execPath, [fileURLToPath(new URL('../../scripts/build-web.mjs', import.meta.url))], {
      stdio: 'inherit',
      env: { ...process.env, NODE_ENV: 'production' },
    });
  } finally {
    rmSync(BUILD_LOCK, { recursive: true, force: true });
  }
}

/** Options for {@link startAppServer}. */
export interface AppServerOptions {
  /** Reuse this data directory (restart tests). */
  readonly dataDir?: string;
  /** Listen on this port (restart tests keep the port so browsers can reconnect); default random. */
  readonly port?: number;
  /** Keep the data directory on close. */
  readonly keep?: boolean;
}

/** Starts a real server (embedded PGlite, in-process bus) serving the built app, with the demo workspace. */
export async function startAppServer(options: AppServerOptions = {}): Promise<TestServer> {
  const server = await startServer({
    db: 'pglite',
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    keep: options.keep ?? false,
    overrides: { demoData: true, ...(options.port ? { port: options.port } : {}) },
  });
  await ensureDemoData(server.tandem.ctx);
  return server;
}
