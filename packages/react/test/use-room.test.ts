import './support/dom.ts';
import type { RoomEvent } from '@tandem/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, newUser, workspaceWith } from '../../server/test/support/http-client.ts';
import { startServer, type TestServer } from '../../server/test/support/server.ts';
import { createRecord, createTable } from '../../server/test/support/tables.ts';
import { useRoom } from '../src/use-room.ts';
import { hookClient, waitFor } from './support/real-server.ts';
import { renderHook } from './support/render-hook.ts';

let server: TestServer;
let owner: ApiClient;
let workspaceId: string;

beforeAll(async () => {
  server = await startServer({ db: 'pglite' });
  owner = await newUser(server.url, 'Owner');
  workspaceId = await workspaceWith(owner);
});
afterAll(async () => {
  await server?.close();
});

describe('useRoom', () => {
  it('delivers room events while mounted, shares the subscription, and leaves the room on the last unmount', async () => {
    const table = await createTable(owner, workspaceId, [{ name: 'Title', type: 'text' }]);
    const room = `table:${table.id}`;
    const client = hookClient(owner, server.url);
    const first: RoomEvent[] = [];
    const second: RoomEvent[] = [];
    const a = renderHook(() => useRoom(room, (event) => first.push(event)), client);
    const b = renderHook(() => useRoom(room, (event) => second.push(event)), client);
    await waitFor('subscribed', () => a.current().state === 'subscribed');
    expect(a.current().room).toBe(b.current().room);

    const one = await createRecord(owner, table.id, { [table.f.Title]: 'one' });
    const isOne = (e: RoomEvent) => e.type === 'record_created' && (e.data as { id: string }).id === one.id;
    await waitFor('both components see it', () => first.some(isOne) && second.some(isOne));

    a.unmount();
    expect(client.room(room).held).toBe(true);
    b.unmount();
    expect(client.room(room).held).toBe(false);
    const two = await createRecord(owner, table.id, { [table.f.Title]: 'two' });
    // A third component joins later and resumes from the room's last seq: the record written
    // while nobody was subscribed still arrives, exactly once.
    const third: RoomEvent[] = [];
    const c = renderHook(() => useRoom(room, (event) => third.push(event)), client);
    await waitFor('the missed record', () => third.some((e) => e.type === 'record_created' && (e.data as { id: string }).id === two.id));
    expect(first.some((e) => e.type === 'record_created' && (e.data as { id: string }).id === two.id)).toBe(false);
    expect(third.filter((e) => e.type === 'record_created')).toHaveLength(1);
    c.unmount();
    client.close();
  });
});
