import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
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

/** Builds apps/web into apps/web/dist when its sources changed (as `npm start` does). */
export function buildWebApp(): void {
  execFileSync(process.execPath, [fileURLToPath(new URL('../../scripts/build-web.mjs', import.meta.url))], { stdio: 'inherit' });
  mkdirSync(RESULTS_DIR, { recursive: true });
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
