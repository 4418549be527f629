import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ERROR_CODES } from '@tandem/protocol';
import { describe, expect, it } from 'vitest';
import { configTable } from '../src/config/config-table.ts';
import { ConfigError, loadConfig } from '../src/config/schema.ts';
import { loadOrCreateSecrets } from '../src/config/secrets.ts';

const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
const apiDoc = readFileSync(new URL('../../../docs/api.md', import.meta.url), 'utf8');

describe('configuration', () => {
  it('defaults give a runnable embedded setup', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.dataDir).toBe('./data');
    expect(config.databaseUrl).toBeUndefined();
    expect(config.redisUrl).toBeUndefined();
    expect(config.demoData).toBe(true);
  });

  it('environment variables are honoured and coerced', () => {
    const config = loadConfig({ PORT: '4100', DEMO_DATA: 'false', DATABASE_URL: 'postgres://x@h/db', ALLOWED_ORIGINS: 'https://a.example, https://b.example' });
    expect(config.port).toBe(4100);
    expect(config.demoData).toBe(false);
    expect(config.databaseUrl).toBe('postgres://x@h/db');
    expect(config.allowedOrigins).toEqual(['https://a.example', 'https://b.example']);
  });

  it('a bad value is refused with a message naming every bad variable', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', REDIS_URL: 'http://nope', LOG_LEVEL: 'loud' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(/PORT="eighty"/);
    expect(message).toMatch(/REDIS_URL/);
    expect(message).toMatch(/LOG_LEVEL/);
  });

  it('a bad secret is reported without printing it', () => {
    expect(() => loadConfig({ SESSION_SECRET: 'short-secret-value' })).toThrow(/SESSION_SECRET=\(hidden\)/);
    expect(() => loadConfig({ SESSION_SECRET: 'short-secret-value' })).not.toThrow(/short-secret-value/);
  });

  it('README.md lists every option exactly as the schema describes it', () => {
    for (const line of configTable().split('\n').slice(2)) expect(readme).toContain(line);
  });

  it('docs/api.md documents every error code with its HTTP status', () => {
    for (const [code, spec] of Object.entries(ERROR_CODES)) expect(apiDoc).toMatch(new RegExp(`\\| \`${code}\` \\| ${spec.status} \\|`));
  });
});

describe('secrets', () => {
  it('are generated once per data directory, kept private, and a configured secret wins without being stored', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tandem-secrets-'));
    const first = await loadOrCreateSecrets(dir);
    const again = await loadOrCreateSecrets(dir);
    expect(again.sessionSecret).toBe(first.sessionSecret);
    expect(first.sessionSecret.length).toBeGreaterThanOrEqual(32);
    expect(statSync(join(dir, 'secrets.json')).mode & 0o077).toBe(0);
    const shared = 'a-cluster-wide-secret-of-at-least-32-chars';
    expect((await loadOrCreateSecrets(dir, undefined, { sessionSecret: shared })).sessionSecret).toBe(shared);
    expect(readFileSync(join(dir, 'secrets.json'), 'utf8')).not.toContain(shared);
  });
});
