import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { type CreateOptions, createTandem, type Tandem } from '../../src/app.ts';
import { type Config, loadConfig } from '../../src/config/schema.ts';
import { dropSchema, freshSchema, TEST_DATABASE_URL } from './databases.ts';

/** Which storage a test server uses. */
export type DbKind = 'pglite' | 'postgres';

/** A server started for a test, listening on a random port. */
export interface TestServer {
  readonly url: string;
  readonly tandem: Tandem;
  readonly config: Config;
  readonly dataDir: string;
  close(): Promise<void>;
}

/** Options for {@link startServer}. */
export interface TestServerOptions {
  readonly db: DbKind;
  /** Reuse a data directory (restart tests) instead of a fresh temporary one. */
  readonly dataDir?: string;
  /** Reuse a PostgreSQL schema (restart and multi-node tests). */
  readonly schema?: string;
  /** Keep the data directory and schema when closing. */
  readonly keep?: boolean;
  readonly overrides?: Partial<Record<keyof Config, unknown>>;
  /** Further options for `createTandem` (e.g. how Web Push is sent). */
  readonly create?: Omit<CreateOptions, 'logger'>;
}

/** Starts a real Tandem server on 127.0.0.1 with its own data directory (and schema, on PostgreSQL). */
export async function startServer(options: TestServerOptions): Promise<TestServer> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'tandem-test-')));
  const schema = options.db === 'postgres' ? (options.schema ?? freshSchema()) : undefined;
  const config = loadConfig(
    {},
    {
      port: 0,
      host: '127.0.0.1',
      dataDir,
      demoData: false,
      logLevel: 'silent',
      loginRateLimit: 10000,
      ...(schema ? { databaseUrl: TEST_DATABASE_URL, databaseSchema: schema, databasePoolSize: 10 } : {}),
      ...options.overrides,
    },
  );
  const tandem = await createTandem(config, { ...options.create, logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }) });
  const url = await tandem.listen();
  return {
    url,
    tandem,
    config,
    dataDir,
    async close() {
      await tandem.close();
      if (options.keep) return;
      await rm(dataDir, { recursive: true, force: true });
      if (schema) await dropSchema(schema);
    },
  };
}
