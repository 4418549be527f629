import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, newUser, workspaceWith } from '../support/http-client.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { connectWs, type WsTestClient } from '../support/ws-client.ts';

describe('room state for new subscribers', () => {
  let server: TestServer;
  let owner: ApiClient;
  let alice: ApiClient;
  let tableId: string;
  let fieldId: string;

  beforeAll(async () => {
    server = await startServer({ db: 'pglite' });
    owner = await newUser(server.url, 'Owner');
    alice = await newUser(server.url, 'Alice');
    const workspaceId = await workspaceWith(owner, [[alice, 'editor']]);
    const table = await owner.post(`/workspaces/${workspaceId}/tables`, { name: 'Orders', fields: [{ name: 'A', type: 'text' }] });
    expect(table.status).toBe(201);
    tableId = table.body.id;
    fieldId = table.body.fields[0].id;
  });
  afterAll(async () => server?.close());

  it('clients joining a table room at the same moment each get its presence and locks once, after their ack', async () => {
    const room = `table:${tableId}`;
    const record = await owner.post(`/tables/${tableId}/records`, { values: {} });
    const a = await connectWs(server.url, alice);
    await a.subscribe(room);
    await a.request({ type: 'presence', room, action: 'editing', record_id: record.body.id, field_id: fieldId });
    await a.request({ type: 'cell_lock', record_id: record.body.id, field_id: fieldId });

    const clients = await Promise.all(Array.from({ length: 20 }, () => connectWs(server.url, owner)));
    await Promise.all(clients.map((c) => c.subscribe(room)));
    await Promise.all(clients.map((c) => c.waitFor((m) => m.type === 'lock_state')));
    for (const c of clients) {
      const types = c.messages.map((m) => m.type).filter((t) => t === 'ack' || t === 'presence_state' || t === 'lock_state');
      expect(types).toEqual(['ack', 'presence_state', 'lock_state']);
      const presence = c.messages.find((m) => m.type === 'presence_state');
      expect(presence?.users).toEqual([expect.objectContaining({ user_id: alice.user?.id, action: 'editing', record_id: record.body.id })]);
      const locks = c.messages.find((m) => m.type === 'lock_state');
      expect(locks?.locks).toEqual([expect.objectContaining({ record_id: record.body.id, field_id: fieldId, user_id: alice.user?.id })]);
    }
    await Promise.all([a, ...clients].map((c: WsTestClient) => c.close()));
  });
});
