import type { ApiClient } from '../support/http-client.ts';
import { newUser, workspaceWith } from '../support/http-client.ts';
import { type DbKind, startServer, type TestServer, type TestServerOptions } from '../support/server.ts';
import { createRecord, createTable, type TestTable } from '../support/tables.ts';

/** Re-exported for the collaboration tests, which take their fixture from here. */
export { idOf } from '../support/http-client.ts';

/** A workspace with one member per role, a table with a status, an owner field and one record. */
export interface CollabFixture {
  readonly owner: ApiClient;
  readonly editor: ApiClient;
  readonly commenter: ApiClient;
  readonly viewer: ApiClient;
  /** A registered user who is not a member. */
  readonly outsider: ApiClient;
  readonly workspaceId: string;
  readonly table: TestTable;
  /** A record created by the owner. */
  readonly recordId: string;
}

/** Builds a {@link CollabFixture} through the API. */
export async function collabFixture(url: string): Promise<CollabFixture> {
  const [owner, editor, commenter, viewer, outsider] = await Promise.all([
    newUser(url, 'Olivia Owner'),
    newUser(url, 'Eddie Editor'),
    newUser(url, 'Cora Commenter'),
    newUser(url, 'Vic Viewer'),
    newUser(url, 'Oscar Outsider'),
  ]);
  const workspaceId = await workspaceWith(owner, [
    [editor, 'editor'],
    [commenter, 'commenter'],
    [viewer, 'viewer'],
  ]);
  const table = await createTable(owner, workspaceId, [
    { name: 'Name', type: 'text' },
    { name: 'Status', type: 'single_select', options: { choices: [{ name: 'Draft' }, { name: 'Ready' }, { name: 'Done' }] } },
    { name: 'Owner', type: 'user' },
  ]);
  const record = await createRecord(owner, table.id, { [table.f.Name ?? '']: 'Pump overhaul' });
  return { owner, editor, commenter, viewer, outsider, workspaceId, table, recordId: record.id };
}

/** A collaboration test server and the fixture built in it. */
export interface CollabServer {
  readonly server: TestServer;
  readonly fx: CollabFixture;
}

/**
 * Starts a server with the job scheduler off (tests run the jobs with `ctx.jobs.tick()` on a clock
 * they set) and builds a {@link CollabFixture} in it. `overrides` add to `jobsPollMs: 0`.
 */
export async function startCollabServer(db: DbKind, options: Pick<TestServerOptions, 'overrides' | 'create'> = {}): Promise<CollabServer> {
  const server = await startServer({ db, ...options, overrides: { jobsPollMs: 0, ...options.overrides } });
  try {
    return { server, fx: await collabFixture(server.url) };
  } catch (err) {
    await server.close();
    throw err;
  }
}
