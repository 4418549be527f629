import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, newUser, workspaceWith } from '../support/http-client.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { createTable } from '../support/tables.ts';
import { errorShapeProblem, sendCall } from './raw-request.ts';

describe('text PostgreSQL cannot store (a NUL, an unpaired surrogate)', () => {
  let server: TestServer;
  let owner: ApiClient;
  let workspaceId: string;
  let tableId: string;
  const count = async (table: string) => (await server.tandem.ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0]?.n;

  beforeAll(async () => {
    server = await startServer({ db: 'pglite' });
    owner = await newUser(server.url, 'Owner');
    workspaceId = await workspaceWith(owner);
    tableId = (await createTable(owner, workspaceId, [{ name: 'Title', type: 'text' }])).id;
  });
  afterAll(async () => server?.close());

  it('in a JSON body is refused with invalid_input naming where it is, and nothing is stored', async () => {
    const [workspaces, tables, views] = [await count('workspaces'), await count('tables'), await count('views')];
    for (const [path, body] of [
      ['/workspaces', { name: 'a\u0000b' }],
      ['/workspaces', { name: 'a\ud800b' }],
      [`/workspaces/${workspaceId}/tables`, { name: 'Parts', description: 'x\udc00' }],
      [`/tables/${tableId}/views`, { name: 'ok', filters: [{ field_id: 'f\u0000', op: 'eq', value: 'v' }] }],
    ] as const) {
      const res = await sendCall(server.url, owner.token, { method: 'POST', path, body });
      expect(res.status, `${path} ${JSON.stringify(body)}`).toBe(400);
      expect(errorShapeProblem(res, ['invalid_input'])).toBeNull();
      expect((res.json as { error: { details: { path: string } } }).error.details.path).toMatch(/^body/);
    }
    expect([await count('workspaces'), await count('tables'), await count('views')]).toEqual([workspaces, tables, views]);
  });

  it('in a query parameter is refused with invalid_input', async () => {
    const res = await sendCall(server.url, owner.token, { method: 'GET', path: `/chat/search?workspace_id=${workspaceId}&q=%00` });
    expect(res.status).toBe(400);
    expect(errorShapeProblem(res, ['invalid_input'])).toBeNull();
  });

  it('ordinary unusual text (emoji, right-to-left marks, combining marks) is stored as sent', async () => {
    const name = '👩‍👩‍👧 \u202eabc\u200d Z\u0336';
    const res = await owner.post('/workspaces', { name });
    expect(res.status).toBe(201);
    expect((await owner.get(`/workspaces/${res.body.id}`)).body.name).toBe(name);
  });

  it('leaves streamed bodies alone: a CSV preview is read as before', async () => {
    const res = await sendCall(server.url, owner.token, {
      method: 'POST',
      path: `/workspaces/${workspaceId}/csv/preview`,
      raw: 'Name\nbolt\n',
      contentType: 'text/csv',
    });
    expect(res.status, res.text).toBe(200);
  });
});
