import './support/dom.ts';
import type { TandemClient } from '@tandem/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TcpProxy } from '../../client/test/support/tcp-proxy.ts';
import { type ApiClient, newUser, workspaceWith } from '../../server/test/support/http-client.ts';
import { startServer, type TestServer } from '../../server/test/support/server.ts';
import { createRecord, createTable } from '../../server/test/support/tables.ts';
import { useRecords } from '../src/use-records.ts';
import { hookClient, waitFor } from './support/real-server.ts';
import { renderHook } from './support/render-hook.ts';

let server: TestServer;
let owner: ApiClient;
let other: ApiClient;
let workspaceId: string;

beforeAll(async () => {
  // Short history, so a client away for a dozen writes must resync.
  server = await startServer({ db: 'pglite', overrides: { eventHistoryCount: 10 } });
  [owner, other] = await Promise.all([newUser(server.url, 'Owner'), newUser(server.url, 'Other')]);
  workspaceId = await workspaceWith(owner, [[other, 'editor']]);
});
afterAll(async () => {
  await server?.close();
});

/** A fetch that can hold PATCH requests, so a test can look at the list while a write is in flight. */
function gatedFetch() {
  let gate: Promise<void> | null = null;
  let open: () => void = () => undefined;
  return {
    hold() {
      gate = new Promise<void>((resolve) => {
        open = resolve;
      });
    },
    release() {
      open();
      gate = null;
    },
    fetch: async (input: string, init?: RequestInit) => {
      if (init?.method === 'PATCH' && gate) await gate;
      return fetch(input, init);
    },
  };
}

function setup(client: TandemClient, tableId: string) {
  const hook = renderHook(() => useRecords(tableId), client);
  return hook;
}

/** A one-record table (its Title set to `title`), loaded by a hook whose PATCH requests the test can hold. */
async function heldWrites(title: string) {
  const table = await createTable(owner, workspaceId, [{ name: 'Title', type: 'text' }]);
  const record = await createRecord(owner, table.id, { [table.f.Title]: title });
  const gated = gatedFetch();
  const client = hookClient(owner, server.url, { fetch: gated.fetch });
  const hook = setup(client, table.id);
  await waitFor('the initial load', () => hook.current().records.length === 1);
  return { table, record, gated, client, hook };
}

describe('useRecords', () => {
  it('loads the table, then shows records other users create, update and delete', async () => {
    const table = await createTable(owner, workspaceId, [{ name: 'Title', type: 'text' }]);
    const first = await createRecord(owner, table.id, { [table.f.Title]: 'first' });
    const client = hookClient(owner, server.url);
    const hook = setup(client, table.id);
    await waitFor('the initial load', () => !hook.current().loading && hook.current().records.length === 1);
    expect(hook.current().records[0]?.id).toBe(first.id);
    await waitFor('the table room', () => client.room(`table:${table.id}`).state === 'subscribed');

    const second = await createRecord(other, table.id, { [table.f.Title]: 'second' });
    await waitFor('the created record', () => hook.current().records.some((r) => r.id === second.id));
    await other.patch(`/records/${first.id}`, { values: { [table.f.Title]: 'renamed' } });
    await waitFor('the update', () => hook.current().records.find((r) => r.id === first.id)?.values[table.f.Title] === 'renamed');
    await other.delete(`/records/${second.id}`);
    await waitFor('the delete', () => !hook.current().records.some((r) => r.id === second.id));
    hook.unmount();
    client.close();
  });

  it('shows a local update at once and keeps the server version when it succeeds', async () => {
    const { table, record, gated, client, hook } = await heldWrites('draft');

    gated.hold();
    const write = hook.current().update(record.id, { [table.f.Title]: 'final' });
    await waitFor('the optimistic value', () => hook.current().records[0]?.values[table.f.Title] === 'final');
    expect(hook.current().records[0]?.pending).toBe(true);
    gated.release();
    const saved = await write;
    expect(saved.version).toBe(record.version + 1);
    await waitFor('the confirmed record', () => hook.current().records[0]?.pending === undefined);
    expect(hook.current().records[0]).toMatchObject({ version: saved.version, values: { [table.f.Title]: 'final' } });
    hook.unmount();
    client.close();
  });

  it('rolls a local update back when the server answers conflict, showing the other user’s value', async () => {
    const { table, record, gated, client, hook } = await heldWrites('original');
    await waitFor('the table room', () => client.room(`table:${table.id}`).state === 'subscribed');

    gated.hold();
    const write = hook.current().update(record.id, { [table.f.Title]: 'mine' });
    await waitFor('the optimistic value', () => hook.current().records[0]?.values[table.f.Title] === 'mine');
    // Someone else writes the same field first: our write, based on the old version, must fail.
    await other.patch(`/records/${record.id}`, { values: { [table.f.Title]: 'theirs' }, expected_version: record.version });
    gated.release();
    await expect(write).rejects.toMatchObject({ code: 'conflict' });
    await waitFor('the rollback', () => hook.current().records[0]?.values[table.f.Title] === 'theirs');
    expect(hook.current().records[0]?.pending).toBeUndefined();
    hook.unmount();
    client.close();
  });

  it('removes a created record again when the server refuses it', async () => {
    const table = await createTable(owner, workspaceId, [{ name: 'Amount', type: 'number' }]);
    const client = hookClient(owner, server.url);
    const hook = setup(client, table.id);
    await waitFor('the initial load', () => !hook.current().loading);
    await expect(hook.current().create({ [table.f.Amount]: 'not a number' })).rejects.toMatchObject({ code: 'invalid_input' });
    await waitFor('the rollback', () => hook.current().records.length === 0);
    const created = await hook.current().create({ [table.f.Amount]: 3 });
    await waitFor('the created record', () => hook.current().records.some((r) => r.id === created.id && !r.pending));
    expect(hook.current().records).toHaveLength(1);
    hook.unmount();
    client.close();
  });

  it('refetches the whole table after a resync when the client was away longer than the retained history', async () => {
    const table = await createTable(owner, workspaceId, [{ name: 'Title', type: 'text' }]);
    const proxy = await new TcpProxy(Number(new URL(server.url).port)).start();
    const client = hookClient(owner, proxy.url);
    const hook = setup(client, table.id);
    const resyncs: number[] = [];
    client.room(`table:${table.id}`).on('resync', (event) => resyncs.push(event.seq));
    await waitFor('the table room', () => !hook.current().loading && client.room(`table:${table.id}`).state === 'subscribed');

    proxy.cut();
    await waitFor('cut off', () => client.status === 'reconnecting');
    const written = [];
    for (let i = 0; i < 12; i += 1) written.push(await createRecord(other, table.id, { [table.f.Title]: `while away ${i}` }));
    proxy.restore();

    await waitFor('the resync', () => resyncs.length === 1);
    await waitFor('every record, refetched', () => hook.current().records.length === written.length);
    expect(hook.current().records.map((r) => r.id)).toEqual(written.map((r) => r.id));
    const live = await createRecord(other, table.id, { [table.f.Title]: 'live again' });
    await waitFor('live after the resync', () => hook.current().records.some((r) => r.id === live.id));
    hook.unmount();
    client.close();
    await proxy.close();
  });

  it('keeps writes made while the server is unreachable, sends them on reconnect, and turns a field changed meanwhile into a conflict', async () => {
    const table = await createTable(owner, workspaceId, [
      { name: 'Title', type: 'text' },
      { name: 'Notes', type: 'text' },
    ]);
    const contested = await createRecord(owner, table.id, { [table.f.Title]: 'original' });
    const quiet = await createRecord(owner, table.id, { [table.f.Title]: 'quiet' });
    const proxy = await new TcpProxy(Number(new URL(server.url).port)).start();
    const client = hookClient(owner, proxy.url);
    const hook = setup(client, table.id);
    const shown = (id: string) => hook.current().records.find((r) => r.id === id);
    await waitFor('the table room', () => !hook.current().loading && client.room(`table:${table.id}`).state === 'subscribed');

    proxy.cut();
    await waitFor('cut off', () => client.status === 'reconnecting');
    expect(await hook.current().write(contested.id, { [table.f.Title]: 'mine' })).toEqual({ status: 'queued' });
    expect(await hook.current().write(contested.id, { [table.f.Notes]: 'my note' })).toEqual({ status: 'queued' });
    expect(await hook.current().write(quiet.id, { [table.f.Notes]: 'sent later' })).toEqual({ status: 'queued' });
    // Two writes to one record merge into one queued write; both values stay shown meanwhile.
    expect(hook.current().queued).toBe(2);
    expect(shown(contested.id)).toMatchObject({ pending: true, values: { [table.f.Title]: 'mine', [table.f.Notes]: 'my note' } });
    await other.patch(`/records/${contested.id}`, { values: { [table.f.Title]: 'theirs' }, expected_version: contested.version });

    proxy.restore();
    await waitFor('the queue sent', () => hook.current().queued === 0 && hook.current().conflict !== null);
    const conflict = hook.current().conflict;
    expect(conflict).toMatchObject({ recordId: contested.id, fieldIds: [table.f.Title], mine: { [table.f.Title]: 'mine', [table.f.Notes]: 'my note' } });
    expect(conflict?.theirs?.values[table.f.Title]).toBe('theirs');
    await waitFor('the server’s record shown', () => shown(contested.id)?.values[table.f.Title] === 'theirs' && !shown(contested.id)?.pending);
    // The conflict on one record does not hold back the writes queued after it.
    expect((await owner.get<{ values: Record<string, unknown> }>(`/records/${quiet.id}`)).body.values[table.f.Notes]).toBe('sent later');

    hook.current().dismissConflict();
    await waitFor('the conflict dismissed', () => hook.current().conflict === null);
    const kept = await hook.current().write(contested.id, conflict?.mine ?? {});
    expect(kept).toMatchObject({ status: 'saved', record: { values: { [table.f.Title]: 'mine', [table.f.Notes]: 'my note' } } });
    hook.unmount();
    client.close();
    await proxy.close();
  });

  it('answers a live write that loses to another user’s change with the conflict, showing their value', async () => {
    const { table, record, gated, client, hook } = await heldWrites('original');

    gated.hold();
    const write = hook.current().write(record.id, { [table.f.Title]: 'mine' });
    await waitFor('the optimistic value', () => hook.current().records[0]?.values[table.f.Title] === 'mine');
    await other.patch(`/records/${record.id}`, { values: { [table.f.Title]: 'theirs' }, expected_version: record.version });
    gated.release();
    const outcome = await write;
    expect(outcome).toMatchObject({ status: 'conflict', conflict: { recordId: record.id, fieldIds: [table.f.Title] } });
    expect(hook.current().conflict).toMatchObject({ recordId: record.id, mine: { [table.f.Title]: 'mine' } });
    await waitFor('their value shown', () => hook.current().records[0]?.values[table.f.Title] === 'theirs');
    hook.unmount();
    client.close();
  });
});
