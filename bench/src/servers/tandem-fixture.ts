import { withTimeout } from '../generator/adapters/client-adapter.ts';
import { runBounded } from '../generator/connect-queue.ts';

/** A table the benchmark publishes into: its room, a text field and some records. */
export interface BenchTable {
  readonly id: string;
  readonly room: string;
  readonly fieldId: string;
  readonly recordIds: readonly string[];
}

/** Users, a workspace and tables created through Tandem's public API. */
export interface TandemFixture {
  /** Bearer tokens of the users (owner first); every user is an editor or better. */
  readonly tokens: readonly string[];
  readonly workspaceId: string;
  readonly tables: readonly BenchTable[];
}

/** Sizes of a {@link TandemFixture}. */
export interface FixtureSize {
  readonly users: number;
  readonly tables: number;
  readonly recordsPerTable: number;
}

const PASSWORD = 'bench-password-not-secret';

/** Calls Tandem's REST API (`/api/v1{path}`) and returns the parsed answer; throws on any status but 2xx. */
export async function callApi<T>(url: string, method: string, path: string, token: string | null, body?: unknown): Promise<T> {
  const res = await withTimeout(
    fetch(`${url}/api/v1${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
    60_000,
    `${method} ${path}`,
  );
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text.slice(0, 300)}`);
  return (text ? JSON.parse(text) : null) as T;
}

/**
 * Registers users, logs them in, creates a workspace with every user as an editor, and creates
 * tables with one text field and `recordsPerTable` records each, all through the REST API the
 * product documents (so setup exercises the real auth and write paths too).
 */
export async function createTandemFixture(url: string, size: FixtureSize): Promise<TandemFixture> {
  const run = Math.random().toString(36).slice(2, 8);
  const tokens: string[] = [];
  const emails: string[] = [];
  for (let i = 0; i < size.users; i++) {
    const email = `bench.${run}.${i}@bench.tandem.dev`;
    await callApi(url, 'POST', '/auth/register', null, { email, name: `Bench ${i}`, password: PASSWORD });
    const login = await callApi<{ token: string }>(url, 'POST', '/auth/login', null, { email, password: PASSWORD });
    tokens.push(login.token);
    emails.push(email);
  }
  const owner = tokens[0] as string;
  const workspace = await callApi<{ id: string }>(url, 'POST', '/workspaces', owner, { name: `Bench ${run}` });
  for (const email of emails.slice(1)) await callApi(url, 'POST', `/workspaces/${workspace.id}/members`, owner, { email, role: 'editor' });

  const created: { id: string; fieldId: string }[] = new Array(size.tables);
  await runBounded(size.tables, 4, async (t) => {
    const table = await callApi<{ id: string; fields: { id: string }[] }>(url, 'POST', `/workspaces/${workspace.id}/tables`, owner, {
      name: `Bench table ${t}`,
      fields: [{ name: 'Payload', type: 'text' }],
    });
    created[t] = { id: table.id, fieldId: table.fields[0]?.id ?? '' };
  });
  const recordIds: string[][] = created.map(() => []);
  await runBounded(size.tables * size.recordsPerTable, 8, async (i) => {
    const table = created[i % size.tables] as { id: string; fieldId: string };
    const record = await callApi<{ id: string }>(url, 'POST', `/tables/${table.id}/records`, owner, { values: { [table.fieldId]: 'initial' } });
    recordIds[i % size.tables]?.push(record.id);
  });
  const tables: BenchTable[] = created.map((t, i) => ({ id: t.id, room: `table:${t.id}`, fieldId: t.fieldId, recordIds: recordIds[i] ?? [] }));
  return { tokens, workspaceId: workspace.id, tables };
}
