import { join } from 'node:path';
import type { Config } from '../config/schema.ts';
import type { Database } from './database.ts';
import { openPglite } from './pglite.ts';
import { openPostgres } from './postgres.ts';

/** Opens the database the configuration names: PostgreSQL when `DATABASE_URL` is set, else PGlite in `DATA_DIR`. */
export function openDatabase(config: Config, onCallbackError: (err: unknown) => void): Promise<Database> {
  if (config.databaseUrl) {
    return openPostgres({ url: config.databaseUrl, schema: config.databaseSchema, poolSize: config.databasePoolSize }, onCallbackError);
  }
  return openPglite(config.dataDir === ':memory:' ? null : join(config.dataDir, 'pglite'), onCallbackError);
}
