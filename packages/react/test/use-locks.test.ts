import './support/dom.ts';
import { lockKey } from '@tandem/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, newUser, workspaceWith } from '../../server/test/support/http-client.ts';
import { startServer, type TestServer } from '../../server/test/support/server.ts';
import { createRecord, createTable } from '../../server/test/support/tables.ts';
import { useLocks } from '../src/use-locks.ts';
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

describe('useLocks', () => {
  it('lists every lock of a table room as others take and release them, and empties when the holder disconnects', async () => {
    const table = await createTable(alice, workspaceId, [
      { name: 'Title', type: 'text' },
      { name: 'Notes', type: 'text' },
    ]);
    const record = await createRecord(alice, table.id, { [table.f.Title]: 'x' });
    const room = `table:${table.id}`;
    const aliceClient = hookClient(alice, server.url);
    const bobClient = hookClient(bob, server.url);
    const locks = renderHook(() => {
      useRoom(room);
      return useLocks(room);
    }, bobClient);
    const holder = renderHook(() => useRoom(room), aliceClient);
    await waitFor('both in the table room', () => aliceClient.room(room).state === 'subscribed' && bobClient.room(room).state === 'subscribed');
    expect(locks.current().size).toBe(0);

    await aliceClient.lockCell(record.id, table.f.Title);
    await aliceClient.lockCell(record.id, table.f.Notes);
    await waitFor('both locks seen', () => locks.current().size === 2);
    expect(locks.current().get(lockKey(record.id, table.f.Title))).toMatchObject({ user_id: alice.user?.id, name: 'Alice' });

    await aliceClient.unlockCell(record.id, table.f.Title);
    await waitFor('the released lock gone', () => !locks.current().has(lockKey(record.id, table.f.Title)));
    expect(locks.current().has(lockKey(record.id, table.f.Notes))).toBe(true);

    aliceClient.close();
    await waitFor('the holder’s locks gone', () => locks.current().size === 0);
    holder.unmount();
    locks.unmount();
    bobClient.close();
  });
});
