import './support/dom.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, newUser, workspaceWith } from '../../server/test/support/http-client.ts';
import { startServer, type TestServer } from '../../server/test/support/server.ts';
import { useTyping } from '../src/use-typing.ts';
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

describe('useTyping', () => {
  it('shows the other member typing, never the user themself, and drops them when their message arrives', async () => {
    const room = await alice.post('/chat/rooms', { workspace_id: workspaceId, kind: 'dm', user_id: bob.user?.id });
    const aliceClient = hookClient(alice, server.url);
    const bobClient = hookClient(bob, server.url);
    const aliceHook = renderHook(() => useTyping(room.body.id), aliceClient);
    const bobHook = renderHook(() => useTyping(room.body.id), bobClient);
    await waitFor('both in the room', () => [aliceClient, bobClient].every((c) => c.room(`chat:${room.body.id}`).state === 'subscribed'));

    aliceHook.current().notifyTyping();
    await waitFor('Alice typing at Bob', () => bobHook.current().typers.length === 1);
    expect(bobHook.current().typers[0]?.name).toBe('Alice');
    expect(aliceHook.current().typers).toHaveLength(0);

    await alice.post(`/chat/rooms/${room.body.id}/messages`, { body: 'done typing' });
    await waitFor('Alice no longer typing', () => bobHook.current().typers.length === 0);
    aliceHook.unmount();
    bobHook.unmount();
    aliceClient.close();
    bobClient.close();
  });

  it('forgets a typer who stopped without sending', async () => {
    const room = await alice.post('/chat/rooms', { workspace_id: workspaceId, kind: 'group', name: 'quiet', member_ids: [bob.user?.id] });
    const aliceClient = hookClient(alice, server.url);
    const bobClient = hookClient(bob, server.url);
    const bobHook = renderHook(() => useTyping(room.body.id), bobClient);
    await waitFor('Bob in the room', () => bobClient.room(`chat:${room.body.id}`).state === 'subscribed');
    aliceClient.chat.typing(room.body.id).notifyTyping();
    await waitFor('Alice typing', () => bobHook.current().typers.length === 1);
    await waitFor('Alice expired', () => bobHook.current().typers.length === 0, 9_000);
    bobHook.unmount();
    aliceClient.close();
    bobClient.close();
  });

  it('tells typing in a thread apart from typing in the room, over the socket and over REST', async () => {
    const room = await alice.post('/chat/rooms', { workspace_id: workspaceId, kind: 'group', name: 'threads', member_ids: [bob.user?.id] });
    const root = await alice.post(`/chat/rooms/${room.body.id}/messages`, { body: 'start a thread here' });
    const aliceClient = hookClient(alice, server.url);
    const bobClient = hookClient(bob, server.url);
    const aliceHook = renderHook(() => useTyping(room.body.id), aliceClient);
    const bobHook = renderHook(() => useTyping(room.body.id), bobClient);
    await waitFor('both in the room', () => [aliceClient, bobClient].every((c) => c.room(`chat:${room.body.id}`).state === 'subscribed'));

    aliceHook.current().notifyTyping(root.body.id);
    await waitFor('Alice typing in the thread', () => bobHook.current().typers.length === 1);
    expect(bobHook.current().typers[0]).toMatchObject({ name: 'Alice', thread_id: root.body.id });

    // Right after, typing in the room below is its own signal (not swallowed by the thread's throttle).
    aliceHook.current().notifyTyping();
    await waitFor('Alice typing in the room', () => bobHook.current().typers[0]?.thread_id === null);

    // Without a socket: REST carries the thread too.
    expect((await bob.post('/chat/typing', { room: `chat:${room.body.id}`, thread_id: root.body.id })).status).toBe(204);
    await waitFor('Bob typing in the thread', () => aliceHook.current().typers[0]?.thread_id === root.body.id);
    expect((await bob.post('/chat/typing', { room: `chat:${room.body.id}`, thread_id: 'not-a-uuid' })).status).toBe(400);
    aliceHook.unmount();
    bobHook.unmount();
    aliceClient.close();
    bobClient.close();
  });
});
