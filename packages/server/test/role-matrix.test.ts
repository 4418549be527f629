import { ROLES, type Role, roleAtLeast } from '@tandem/protocol';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from './support/each-database.ts';
import { ApiClient, type ApiResponse, newUser, workspaceWith } from './support/http-client.ts';
import { startServer, type TestServer } from './support/server.ts';
import { createRecord, createTable } from './support/tables.ts';

/** Ids of the shared resources every case can act on. */
interface Fixture {
  readonly ws: string;
  readonly table: string;
  readonly field: string;
  readonly view: string;
  readonly record: string;
  readonly target: string;
}

/** One permission: what kind of resource, which capability, the least role that has it, and the request. */
interface Case {
  readonly kind: 'workspace' | 'member' | 'table' | 'field' | 'view' | 'record';
  readonly capability: 'read' | 'write' | 'comment' | 'admin';
  readonly min: Role;
  readonly label: string;
  /** Makes a fresh resource (as the owner) for requests that consume one, e.g. deletes. */
  readonly setup?: (owner: ApiClient, fx: Fixture) => Promise<string>;
  readonly act: (client: ApiClient, fx: Fixture, fresh: string, n: number) => Promise<ApiResponse>;
}

const CASES: readonly Case[] = [
  { kind: 'workspace', capability: 'read', min: 'viewer', label: 'GET /workspaces/{id}', act: (c, fx) => c.get(`/workspaces/${fx.ws}`) },
  { kind: 'workspace', capability: 'read', min: 'viewer', label: 'GET /workspaces/{id}/activity', act: (c, fx) => c.get(`/workspaces/${fx.ws}/activity`) },
  { kind: 'workspace', capability: 'read', min: 'viewer', label: 'GET /workspaces/{id}/tables', act: (c, fx) => c.get(`/workspaces/${fx.ws}/tables`) },
  {
    kind: 'workspace',
    capability: 'admin',
    min: 'admin',
    label: 'POST /workspaces/{id}/tables',
    act: (c, fx, _f, n) => c.post(`/workspaces/${fx.ws}/tables`, { name: `New ${n}` }),
  },
  { kind: 'member', capability: 'read', min: 'viewer', label: 'GET /workspaces/{id}/members', act: (c, fx) => c.get(`/workspaces/${fx.ws}/members`) },
  {
    kind: 'member',
    capability: 'admin',
    min: 'admin',
    label: 'PATCH /workspaces/{id}/members/{userId}',
    act: (c, fx, _f, n) => c.patch(`/workspaces/${fx.ws}/members/${fx.target}`, { role: n % 2 === 0 ? 'commenter' : 'viewer' }),
  },
  { kind: 'table', capability: 'read', min: 'viewer', label: 'GET /tables/{id}', act: (c, fx) => c.get(`/tables/${fx.table}`) },
  { kind: 'table', capability: 'read', min: 'viewer', label: 'GET /tables/{id}/activity', act: (c, fx) => c.get(`/tables/${fx.table}/activity`) },
  {
    kind: 'table',
    capability: 'write',
    min: 'editor',
    label: 'POST /tables/{id}/records',
    act: (c, fx) => c.post(`/tables/${fx.table}/records`, { values: {} }),
  },
  {
    kind: 'table',
    capability: 'admin',
    min: 'admin',
    label: 'PATCH /tables/{id}',
    act: (c, fx, _f, n) => c.patch(`/tables/${fx.table}`, { description: `v${n}` }),
  },
  {
    kind: 'table',
    capability: 'admin',
    min: 'admin',
    label: 'DELETE /tables/{id}',
    setup: async (owner, fx) => (await createTable(owner, fx.ws, [{ name: 'Name', type: 'text' }], 'Doomed')).id,
    act: (c, _fx, fresh) => c.delete(`/tables/${fresh}`),
  },
  { kind: 'field', capability: 'read', min: 'viewer', label: 'GET /tables/{id} (fields)', act: (c, fx) => c.get(`/tables/${fx.table}`) },
  {
    kind: 'field',
    capability: 'admin',
    min: 'admin',
    label: 'POST /tables/{id}/fields',
    act: (c, fx, _f, n) => c.post(`/tables/${fx.table}/fields`, { name: `Added ${n}`, type: 'number' }),
  },
  {
    kind: 'field',
    capability: 'admin',
    min: 'admin',
    label: 'PATCH /fields/{id}',
    act: (c, fx, _f, n) => c.patch(`/fields/${fx.field}`, { name: `Title ${n}` }),
  },
  {
    kind: 'field',
    capability: 'admin',
    min: 'admin',
    label: 'POST /fields/{id}/conversion-preview',
    act: (c, fx) => c.post(`/fields/${fx.field}/conversion-preview`, { type: 'long_text' }),
  },
  {
    kind: 'field',
    capability: 'admin',
    min: 'admin',
    label: 'DELETE /fields/{id}',
    setup: async (owner, fx) => (await owner.post(`/tables/${fx.table}/fields`, { name: `Temp ${Math.random()}`, type: 'text' })).body.id,
    act: (c, _fx, fresh) => c.delete(`/fields/${fresh}`),
  },
  { kind: 'view', capability: 'read', min: 'viewer', label: 'GET /tables/{id}/views', act: (c, fx) => c.get(`/tables/${fx.table}/views`) },
  {
    kind: 'view',
    capability: 'write',
    min: 'editor',
    label: 'POST /tables/{id}/views',
    act: (c, fx, _f, n) => c.post(`/tables/${fx.table}/views`, { name: `View ${n}` }),
  },
  {
    kind: 'view',
    capability: 'write',
    min: 'editor',
    label: 'PATCH /views/{id}',
    act: (c, fx, _f, n) => c.patch(`/views/${fx.view}`, { name: `Renamed ${n}` }),
  },
  {
    kind: 'view',
    capability: 'write',
    min: 'editor',
    label: 'DELETE /views/{id}',
    setup: async (owner, fx) => (await owner.post(`/tables/${fx.table}/views`, { name: 'Temp' })).body.id,
    act: (c, _fx, fresh) => c.delete(`/views/${fresh}`),
  },
  { kind: 'record', capability: 'read', min: 'viewer', label: 'GET /records/{id}', act: (c, fx) => c.get(`/records/${fx.record}`) },
  { kind: 'record', capability: 'read', min: 'viewer', label: 'GET /tables/{id}/records', act: (c, fx) => c.get(`/tables/${fx.table}/records`) },
  { kind: 'record', capability: 'read', min: 'viewer', label: 'GET /records/{id}/activity', act: (c, fx) => c.get(`/records/${fx.record}/activity`) },
  {
    kind: 'record',
    capability: 'write',
    min: 'editor',
    label: 'PATCH /records/{id}',
    act: (c, fx, _f, n) => c.patch(`/records/${fx.record}`, { values: { [fx.field]: `value ${n}` } }),
  },
  {
    kind: 'record',
    capability: 'write',
    min: 'editor',
    label: 'DELETE /records/{id}',
    setup: async (owner, fx) => (await createRecord(owner, fx.table, {})).id,
    act: (c, _fx, fresh) => c.delete(`/records/${fresh}`),
  },
  {
    kind: 'record',
    capability: 'comment',
    min: 'commenter',
    label: 'POST /records/{id}/comments',
    act: (c, fx, _f, n) => c.post(`/records/${fx.record}/comments`, { body: `Looks right ${n}` }),
  },
];

describeEachDatabase('role matrix', (db) => {
  let server: TestServer;
  let owner: ApiClient;
  let fx: Fixture;
  const members = new Map<Role, ApiClient>();
  let outsider: ApiClient;

  beforeAll(async () => {
    server = await startServer({ db });
    owner = await newUser(server.url, 'Owner');
    for (const role of ROLES.filter((r) => r !== 'owner')) members.set(role, await newUser(server.url, role));
    members.set('owner', owner);
    const target = await newUser(server.url, 'Target');
    outsider = await newUser(server.url, 'Outsider');
    const ws = await workspaceWith(owner, [
      ...[...members].filter(([role]) => role !== 'owner').map(([role, c]) => [c, role] as [ApiClient, string]),
      [target, 'viewer'],
    ]);
    await workspaceWith(outsider);
    const table = await createTable(owner, ws, [{ name: 'Title', type: 'text' }]);
    const view = await owner.post(`/tables/${table.id}/views`, { name: 'All' });
    const record = await createRecord(owner, table.id, { [table.f.Title]: 'first' });
    fx = { ws, table: table.id, field: table.f.Title, view: view.body.id, record: record.id, target: target.user?.id ?? '' };
  });
  afterAll(async () => server?.close());

  let n = 0;
  it.each(CASES.map((c) => [`${c.kind} ${c.capability}: ${c.label} needs ${c.min}`, c] as const))('%s', async (_name, c) => {
    for (const role of ROLES) {
      const client = members.get(role) as ApiClient;
      const fresh = c.setup ? await c.setup(owner, fx) : '';
      n += 1;
      const res = await c.act(client, fx, fresh, n);
      if (roleAtLeast(role, c.min)) {
        expect(res.status, `${role}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
      } else {
        expect(res.status, role).toBe(403);
        expect(res.body.error.code).toBe('forbidden');
      }
    }
    const fresh = c.setup ? await c.setup(owner, fx) : '';
    n += 1;
    const res = await c.act(outsider, fx, fresh, n);
    expect(res.status, 'member of another workspace').toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });

  it('without credentials every route is 401', async () => {
    const anon = new ApiClient(server.url);
    for (const path of [
      `/workspaces/${fx.ws}/tables`,
      `/tables/${fx.table}`,
      `/records/${fx.record}`,
      `/tables/${fx.table}/records`,
      `/workspaces/${fx.ws}/activity`,
    ]) {
      expect((await anon.get(path)).status, path).toBe(401);
    }
    expect((await anon.patch(`/records/${fx.record}`, { values: {} })).status).toBe(401);
  });

  it('a refused write changes nothing', async () => {
    const viewer = members.get('viewer') as ApiClient;
    const before = (await owner.get(`/records/${fx.record}`)).body;
    expect((await viewer.patch(`/records/${fx.record}`, { values: { [fx.field]: 'viewer was here' } })).status).toBe(403);
    expect((await owner.get(`/records/${fx.record}`)).body).toEqual(before);
  });
});
