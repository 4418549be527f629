import './support/dom.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, newUser, workspaceWith } from '../../server/test/support/http-client.ts';
import { startServer, type TestServer } from '../../server/test/support/server.ts';
import { createRecord, createTable } from '../../server/test/support/tables.ts';
import { useLock } from '../src/use-lock.ts';
import { useRoom } from '../src/use-room.ts';
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

describe('useLock', () => {
  it('shows a cell locked by another user, refuses a second lock, and clears when released or the holder disconnects', async () => {
    const table = await createTable(alice, workspaceId, [{ name: 'Title', type: 'text' }]);
    const record = await createRecord(alice, table.id, { [table.f.Title]: 'x' });
    const room = `table:${table.id}`;
    const aliceClient = hookClient(alice, server.url);
    const bobClient = hookClient(bob, server.url);
    const cell = () => {
      useRoom(room);
      return useLock(record.id, table.f.Title);
    };
    const mine = renderHook(cell, aliceClient);
    const theirs = renderHook(cell, bobClient);
    await waitFor('both in the table room', () => aliceClient.room(room).state === 'subscribed' && bobClient.room(room).state === 'subscribed');

    await mine.current().acquire();
    await waitFor('alice holds it', () => mine.current().heldByMe);
    await waitFor('bob sees it', () => theirs.current().lockedByOther);
    expect(theirs.current().lock).toMatchObject({ user_id: alice.user?.id, name: 'Alice' });
    await expect(theirs.current().acquire()).rejects.toMatchObject({ code: 'locked' });

    await mine.current().release();
    await waitFor('released for both', () => !mine.current().heldByMe && theirs.current().lock === undefined);

    await mine.current().acquire();
    await waitFor('bob sees the second lock', () => theirs.current().lockedByOther);
    aliceClient.close();
    await waitFor('the lock goes with its holder', () => theirs.current().lock === undefined);
    mine.unmount();
    theirs.unmount();
    bobClient.close();
  });
});
