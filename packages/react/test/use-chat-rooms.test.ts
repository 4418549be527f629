import './support/dom.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, newUser, workspaceWith } from '../../server/test/support/http-client.ts';
import { startServer, type TestServer } from '../../server/test/support/server.ts';
import { useChatRooms } from '../src/use-chat-rooms.ts';
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

describe('useChatRooms', () => {
  it('lists a DM someone opened with the user, counts its unread messages live and clears them after a read on another device', async () => {
    const client = hookClient(bob, server.url);
    const hook = renderHook(() => useChatRooms(workspaceId), client);
    await waitFor('the empty list', () => !hook.current().loading);
    expect(hook.current().rooms).toHaveLength(0);
    await waitFor('the user room', () => client.room(`user:${bob.user?.id}`).state === 'subscribed');

    const room = await alice.post('/chat/rooms', { workspace_id: workspaceId, kind: 'dm', user_id: bob.user?.id });
    const sent = await alice.post(`/chat/rooms/${room.body.id}/messages`, { body: 'Are you there?' });
    expect(sent.status).toBe(201);
    await waitFor('the DM with one unread message', () => hook.current().rooms.find((r) => r.id === room.body.id)?.unread === 1);
    const listed = hook.current().rooms.find((r) => r.id === room.body.id);
    expect(listed?.dm_peer?.id).toBe(alice.user?.id);
    expect(listed?.last_message?.body).toBe('Are you there?');

    await bob.post(`/chat/rooms/${room.body.id}/read`, { message_id: sent.body.id });
    await waitFor('the badge cleared', () => hook.current().rooms.find((r) => r.id === room.body.id)?.unread === 0);
    hook.unmount();
    client.close();
  });
});
