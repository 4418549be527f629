import './support/dom.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, newUser, workspaceWith } from '../../server/test/support/http-client.ts';
import { startServer, type TestServer } from '../../server/test/support/server.ts';
import { createTable } from '../../server/test/support/tables.ts';
import { usePresence } from '../src/use-presence.ts';
import { hookClient, waitFor } from './support/real-server.ts';
import { renderHook } from './support/render-hook.ts';

let server: TestServer;
let alice: ApiClient;
let bob: ApiClient;
let workspaceId: string;

beforeAll(async () => {
  server = await startServer({ db: 'pglite', overrides: { presenceGraceMs: 0 } });
  [alice, bob] = await Promise.all([newUser(server.url, 'Alice'), newUser(server.url, 'Bob')]);
  workspaceId = await workspaceWith(alice, [[bob, 'viewer']]);
});
afterAll(async () => {
  await server?.close();
});

describe('usePresence', () => {
  it('shows who is in the room and what they do, live, and drops a user whose component unmounted', async () => {
    const table = await createTable(alice, workspaceId, [{ name: 'Title', type: 'text' }]);
    const room = `table:${table.id}`;
    const aliceClient = hookClient(alice, server.url);
    const bobClient = hookClient(bob, server.url);
    const watcher = renderHook(() => usePresence(room), bobClient);
    const editor = renderHook(() => usePresence(room, { action: 'editing', status: 'busy' }), aliceClient);

    await waitFor('alice in bob’s list', () => watcher.current().some((p) => p.user_id === alice.user?.id));
    expect(watcher.current().find((p) => p.user_id === alice.user?.id)).toMatchObject({ name: 'Alice', action: 'editing', status: 'busy' });
    await waitFor('alice sees herself', () => editor.current().some((p) => p.user_id === alice.user?.id));

    editor.unmount();
    await waitFor('alice gone from bob’s list', () => !watcher.current().some((p) => p.user_id === alice.user?.id));
    watcher.unmount();
    aliceClient.close();
    bobClient.close();
  });
});
