import './support/dom.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, newUser, workspaceWith } from '../../server/test/support/http-client.ts';
import { startServer, type TestServer } from '../../server/test/support/server.ts';
import { createTable } from '../../server/test/support/tables.ts';
import { useCursors } from '../src/use-cursors.ts';
import { usePresence } from '../src/use-presence.ts';
import { useRoom } from '../src/use-room.ts';
import { hookClient, waitFor } from './support/real-server.ts';
import { renderHook } from './support/render-hook.ts';

let server: TestServer;
let alice: ApiClient;
let bob: ApiClient;
let workspaceId: string;

beforeAll(async () => {
  server = await startServer({ db: 'pglite', overrides: { presenceGraceMs: 0 } });
  [alice, bob] = await Promise.all([newUser(server.url, 'Alice'), newUser(server.url, 'Bob')]);
  workspaceId = await workspaceWith(alice, [[bob, 'editor']]);
});
afterAll(async () => {
  await server?.close();
});

describe('useCursors', () => {
  it('shows where another user’s cursor is, follows it, and drops it when they leave the room', async () => {
    const table = await createTable(alice, workspaceId, [{ name: 'Title', type: 'text' }]);
    const room = `table:${table.id}`;
    const aliceClient = hookClient(alice, server.url);
    const bobClient = hookClient(bob, server.url);
    const cursors = renderHook(() => {
      useRoom(room);
      return useCursors(room);
    }, bobClient);
    // The server says a user left once their presence goes: Alice announces herself, as apps do.
    const mover = renderHook(() => usePresence(room, { action: 'viewing' }), aliceClient);
    await waitFor('both in the table room', () => aliceClient.room(room).state === 'subscribed' && bobClient.room(room).state === 'subscribed');

    aliceClient.moveCursor(room, { recordId: 'r1', fieldId: 'f1' });
    await waitFor('alice’s cursor', () => cursors.current().has(alice.user?.id ?? ''));
    expect(cursors.current().get(alice.user?.id ?? '')).toMatchObject({ name: 'Alice', position: { recordId: 'r1', fieldId: 'f1' } });
    aliceClient.moveCursor(room, { recordId: 'r2', fieldId: 'f1' });
    await waitFor('the cursor moved', () => (cursors.current().get(alice.user?.id ?? '')?.position as { recordId?: string })?.recordId === 'r2');

    mover.unmount();
    await waitFor('alice’s cursor gone', () => !cursors.current().has(alice.user?.id ?? ''));
    cursors.unmount();
    aliceClient.close();
    bobClient.close();
  });
});
