import { ERROR_CODES } from '@tandem/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, newUser, workspaceWith } from '../support/http-client.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { createRecord, createTable } from '../support/tables.ts';
import { errorShapeProblem, sendCall } from './raw-request.ts';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('cursors that decode but point nowhere a page can start', () => {
  let server: TestServer;
  let owner: ApiClient;
  let workspaceId: string;
  let tableId: string;
  let recordId: string;
  beforeAll(async () => {
    server = await startServer({ db: 'pglite' });
    owner = await newUser(server.url, 'Owner');
    workspaceId = await workspaceWith(owner);
    const table = await createTable(owner, workspaceId, [{ name: 'Title', type: 'text' }]);
    tableId = table.id;
    recordId = (await createRecord(owner, tableId, { [table.f.Title]: 'one' })).id;
    await createRecord(owner, tableId, { [table.f.Title]: 'two' });
  });
  afterAll(async () => server?.close());

  /** Each path must be answered 400 invalid_input in the error shape. */
  const expectRefused = async (paths: readonly string[]) => {
    const answers: string[] = [];
    for (const path of paths) {
      const res = await sendCall(server.url, owner.token, { method: 'GET', path });
      if (res.status !== 400 || errorShapeProblem(res, Object.keys(ERROR_CODES))) answers.push(`${path}: ${res.status} ${res.text.slice(0, 120)}`);
    }
    expect(answers).toEqual([]);
  };

  it('a record cursor whose ordinal is a fraction or beyond 2^53 is invalid_input, not a 500', async () => {
    const page = await owner.get(`/tables/${tableId}/records?limit=1`);
    const real = JSON.parse(Buffer.from(page.body.next_cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
    await expectRefused([1e308, -1e308, 1.5, 2 ** 60].map((o) => `/tables/${tableId}/records?limit=1&cursor=${b64({ ...real, o })}`));
  });

  it('an activity cursor with a time or id PostgreSQL cannot cast is invalid_input, not a 500', async () => {
    const nil = '00000000-0000-4000-8000-000000000000';
    const cursors = [
      { ts: '1', id: nil },
      { ts: '2026-01-01T00:00:00Z', id: '-'.repeat(36) },
      { ts: '+275760-09-13T00:00:00.000Z', id: nil },
      { ts: 'Tue, 1 Dec 2026 10:00:00', id: nil },
    ];
    await expectRefused(
      cursors.flatMap((c) => [
        `/workspaces/${workspaceId}/activity?cursor=${b64(c)}`,
        `/records/${recordId}/activity?cursor=${b64(c)}`,
        `/tables/${tableId}/activity?cursor=${b64(c)}`,
      ]),
    );
  });

  it('the cursors the server hands out still page through', async () => {
    const first = await owner.get(`/workspaces/${workspaceId}/activity?limit=1`);
    expect(first.body.next_cursor).toBeTruthy();
    const second = await owner.get(`/workspaces/${workspaceId}/activity?limit=1&cursor=${first.body.next_cursor}`);
    expect(second.status).toBe(200);
    expect(second.body.activity[0].id).not.toBe(first.body.activity[0].id);
    const records = await owner.get(`/tables/${tableId}/records?limit=1`);
    expect((await owner.get(`/tables/${tableId}/records?limit=1&cursor=${records.body.next_cursor}`)).body.records).toHaveLength(1);
  });
});
