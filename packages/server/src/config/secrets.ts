import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Secrets generated once per data directory and reused on every start. */
export interface Secrets {
  readonly sessionSecret: string;
  readonly vapidPublicKey?: string;
  readonly vapidPrivateKey?: string;
}

/**
 * Loads `DATA_DIR/secrets.json`, generating any missing secret and writing the file with
 * mode 0600. Values are never logged. Secrets in `given` (from the configuration, e.g.
 * `SESSION_SECRET`, which every node of a cluster must share) win over stored ones and are not
 * written to the file.
 */
export async function loadOrCreateSecrets(
  dataDir: string,
  extra: (current: Partial<Secrets>) => Partial<Secrets> = () => ({}),
  given: Partial<Secrets> = {},
): Promise<Secrets> {
  await mkdir(dataDir, { recursive: true });
  const file = join(dataDir, 'secrets.json');
  let current: Partial<Secrets> = {};
  try {
    current = JSON.parse(await readFile(file, 'utf8')) as Partial<Secrets>;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const next: { -readonly [K in keyof Secrets]?: Secrets[K] } = { ...current };
  if (!next.sessionSecret) next.sessionSecret = randomBytes(32).toString('base64url');
  Object.assign(next, extra(next));
  if (JSON.stringify(next) !== JSON.stringify(current)) await writeFile(file, JSON.stringify(next, null, 2), { mode: 0o600 });
  const chosen = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined));
  return { ...next, ...chosen } as Secrets;
}
