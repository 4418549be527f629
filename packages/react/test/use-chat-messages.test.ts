import './support/dom.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, newUser, workspaceWith } from '../../server/test/support/http-client.ts';
import { startServer, type TestServer } from '../../server/test/support/server.ts';
import { useChatMessages } from '../src/use-chat-messages.ts';
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

async function channelWith(count: number): Promise<{ roomId: string; ids: string[] }> {
  const room = await alice.post('/chat/rooms', { workspace_id: workspaceId, kind: 'channel', name: `history-${Math.random().toString(36).slice(2, 7)}` });
  await bob.post(`/chat/rooms/${room.body.id}/members`, { user_ids: [bob.user?.id] });
  const ids: string[] = [];
  for (let i = 1; i <= count; i += 1) ids.push((await alice.post(`/chat/rooms/${room.body.id}/messages`, { body: `message ${i}` })).body.id);
  return { roomId: room.body.id, ids };
}

describe('useChatMessages', () => {
  it('opens on the newest page, pages back to the first message and appends a message sent meanwhile', async () => {
    const { roomId } = await channelWith(12);
    const client = hookClient(bob, server.url);
    const hook = renderHook(() => useChatMessages(roomId, { pageSize: 5 }), client);
    await waitFor('the newest page', () => !hook.current().loading);
    expect(hook.current().messages.map((m) => m.body)).toEqual(['message 8', 'message 9', 'message 10', 'message 11', 'message 12']);
    expect(hook.current().hasOlder).toBe(true);

    await hook.current().loadOlder();
    await hook.current().loadOlder();
    await waitFor('the whole history', () => !hook.current().hasOlder);
    expect(hook.current().messages.map((m) => m.body)).toEqual(Array.from({ length: 12 }, (_, i) => `message ${i + 1}`));

    await waitFor('the room', () => client.room(`chat:${roomId}`).state === 'subscribed');
    await alice.post(`/chat/rooms/${roomId}/messages`, { body: 'message 13' });
    await waitFor('the live message', () => hook.current().messages.at(-1)?.body === 'message 13');
    expect(hook.current().messages).toHaveLength(13);
    hook.unmount();
    client.close();
  });

  it('jumps to an old message, and a thread list holds only that thread’s replies', async () => {
    const { roomId, ids } = await channelWith(30);
    const client = hookClient(bob, server.url);
    const hook = renderHook(() => useChatMessages(roomId, { pageSize: 6 }), client);
    await waitFor('the newest page', () => !hook.current().loading);
    await hook.current().jumpTo(ids[2] ?? '');
    await waitFor('the window around message 3', () => hook.current().focusId === ids[2] && hook.current().messages.some((m) => m.id === ids[2]));
    expect(hook.current().hasNewer).toBe(true);
    hook.unmount();

    const reply = await bob.post(`/chat/rooms/${roomId}/messages`, { body: 'a reply', parent_id: ids[0] });
    expect(reply.status).toBe(201);
    const thread = renderHook(() => useChatMessages(roomId, { threadId: ids[0] }), client);
    await waitFor('the thread', () => !thread.current().loading);
    expect(thread.current().messages.map((m) => m.body)).toEqual(['a reply']);
    await thread.current().send('second reply');
    await waitFor('the second reply in the thread', () => thread.current().messages.length === 2 && thread.current().pending.length === 0);
    expect(thread.current().messages[1]?.parent_id).toBe(ids[0]);
    thread.unmount();
    client.close();
  });
});
