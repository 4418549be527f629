import './support/dom.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, newUser, workspaceWith } from '../../server/test/support/http-client.ts';
import { startServer, type TestServer } from '../../server/test/support/server.ts';
import { createRecord, createTable } from '../../server/test/support/tables.ts';
import { useNotifications } from '../src/use-notifications.ts';
import { hookClient, waitFor } from './support/real-server.ts';
import { renderHook } from './support/render-hook.ts';

let server: TestServer;
let owner: ApiClient;
let reviewer: ApiClient;
let workspaceId: string;

beforeAll(async () => {
  server = await startServer({ db: 'pglite' });
  [owner, reviewer] = await Promise.all([newUser(server.url, 'Owner'), newUser(server.url, 'Reviewer')]);
  workspaceId = await workspaceWith(owner, [[reviewer, 'editor']]);
});
afterAll(async () => {
  await server?.close();
});

describe('useNotifications', () => {
  it('shows a notification the moment it is created and follows the unread count when it is read elsewhere', async () => {
    const table = await createTable(owner, workspaceId, [{ name: 'Title', type: 'text' }]);
    const record = await createRecord(owner, table.id, { [table.f.Title]: 'Invoice' });
    const client = hookClient(reviewer, server.url);
    const hook = renderHook(() => useNotifications<{ id: string; read_at: string | null; title: string }>(), client);
    await waitFor('the empty inbox', () => !hook.current().loading);
    expect(hook.current().unreadCount).toBe(0);
    await waitFor('the user room', () => client.room(`user:${reviewer.user?.id}`).state === 'subscribed');

    const approval = await owner.post('/approvals', { record_id: record.id, title: 'Check the invoice', assignee_ids: [reviewer.user?.id] });
    expect(approval.status).toBe(201);
    await waitFor('the live notification', () => hook.current().notifications.length === 1);
    expect(hook.current().unreadCount).toBe(1);
    expect(hook.current().notifications[0]?.read_at).toBeNull();

    // Read from "another device": the REST call goes around the hook.
    await reviewer.post('/notifications/read');
    await waitFor('the count from the other device', () => hook.current().unreadCount === 0);
    expect(hook.current().notifications[0]?.read_at).not.toBeNull();
    hook.unmount();
    client.close();
  });
});
