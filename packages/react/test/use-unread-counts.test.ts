import './support/dom.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, newUser, workspaceWith } from '../../server/test/support/http-client.ts';
import { startServer, type TestServer } from '../../server/test/support/server.ts';
import { useUnreadCounts } from '../src/use-unread-counts.ts';
import { hookClient, waitFor } from './support/real-server.ts';
import { renderHook } from './support/render-hook.ts';

let server: TestServer;
let alice: ApiClient;
let bob: ApiClient;
let workspaceId: string;

beforeAll(async () => {
  server = await startServer({ db: 'pglite' });
  [alice, bob] = await Promise.all([newUser(server.url, 'Alice'), newUser(server.url, 'Bob')]);
  workspaceId = await workspaceWith(alice, [[bob, 'editor']]);
});
afterAll(async () => {
  await server?.close();
});

describe('useUnreadCounts', () => {
  it('counts new messages and mentions live, and a read here or on another device lowers them', async () => {
    const client = hookClient(bob, server.url);
    const hook = renderHook(() => useUnreadCounts(workspaceId), client);
    await waitFor('the first counts', () => !hook.current().loading);
    expect(hook.current().counts.total).toBe(0);
    await waitFor('the user room', () => client.room(`user:${bob.user?.id}`).state === 'subscribed');

    const room = await alice.post('/chat/rooms', { workspace_id: workspaceId, kind: 'group', name: 'plans', member_ids: [bob.user?.id] });
    const first = await alice.post(`/chat/rooms/${room.body.id}/messages`, { body: 'first' });
    const second = await alice.post(`/chat/rooms/${room.body.id}/messages`, { body: `@[Bob](${bob.user?.id}) second` });
    await waitFor('two unread', () => hook.current().counts.rooms[room.body.id]?.unread === 2);
    expect(hook.current().counts.total).toBe(2);

    const counts = await hook.current().markRead(room.body.id, first.body.id);
    expect(counts.rooms[room.body.id]?.unread).toBe(1);
    await waitFor('one unread here', () => hook.current().counts.total === 1);

    // Another device reads the rest.
    await bob.post(`/chat/rooms/${room.body.id}/read`, { message_id: second.body.id });
    await waitFor('nothing unread', () => hook.current().counts.total === 0);
    hook.unmount();
    client.close();
  });
});
