import { afterEach, describe, expect, it } from 'vitest';
import { newUser, workspaceWith } from '../../server/test/support/http-client.ts';
import { startServer, type TestServer } from '../../server/test/support/server.ts';
import { createRecord, createTable } from '../../server/test/support/tables.ts';
import type { TandemClient } from '../src/index.ts';
import { clientFor, collect } from './support/clients.ts';
import { TcpProxy, waitFor } from './support/tcp-proxy.ts';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

function track(client: TandemClient): TandemClient {
  cleanup.push(() => client.close());
  return client;
}

function expectGapless(seqs: readonly number[]): void {
  expect(seqs.length).toBeGreaterThan(0);
  const first = seqs[0] ?? 0;
  expect(seqs).toEqual(seqs.map((_, i) => first + i));
}

describe('client against a restarting server', () => {
  it('survives a server restart on the same port and data directory and resumes from its last seq', async () => {
    const first = await startServer({ db: 'pglite', keep: true });
    const port = Number(new URL(first.url).port);
    let current: TestServer = first;
    cleanup.push(() => current.close());
    const owner = await newUser(first.url, 'Owner');
    const workspaceId = await workspaceWith(owner);
    const table = await createTable(owner, workspaceId, [{ name: 'Title', type: 'text' }]);
    const proxy = await new TcpProxy(port).start();
    cleanup.push(() => proxy.close());

    const client = track(clientFor(owner, proxy.url));
    const room = `table:${table.id}`;
    const events = collect(client, room);
    client.room(room).subscribe();
    await waitFor('subscribed', () => client.room(room).state === 'subscribed');
    await createRecord(owner, table.id, { [table.f.Title]: 'one' });
    await waitFor('the first record', () => events.some((e) => e.type === 'record_created'));
    const statuses: string[] = [];
    client.onStatus((status) => statuses.push(status));

    // Hold the client back while the server restarts, so it must resume events written meanwhile.
    proxy.cut();
    await first.close();
    current = await startServer({ db: 'pglite', dataDir: first.dataDir, overrides: { port } });
    const missed = await createRecord(owner, table.id, { [table.f.Title]: 'while away' });
    proxy.restore();

    await waitFor('the record written after the restart', () => events.some((e) => (e.data as { id?: string }).id === missed.id));
    expect(statuses).toContain('reconnecting');
    expect(events.filter((e) => e.type === 'record_created')).toHaveLength(2);
    expectGapless(events.map((e) => e.seq));
  });

  it('reconnects by itself when the server restarts under it', async () => {
    const first = await startServer({ db: 'pglite', keep: true });
    const port = Number(new URL(first.url).port);
    let current: TestServer = first;
    cleanup.push(() => current.close());
    const owner = await newUser(first.url, 'Owner');
    const workspaceId = await workspaceWith(owner);
    const client = track(clientFor(owner, first.url));
    const room = `workspace:${workspaceId}`;
    const events = collect(client, room);
    client.room(room).subscribe();
    await waitFor('subscribed', () => client.room(room).state === 'subscribed');

    await first.close();
    expect(client.lastDisconnect?.code).toBe(4000);
    current = await startServer({ db: 'pglite', dataDir: first.dataDir, overrides: { port } });
    await waitFor('connected to the new process', () => client.status === 'connected' && client.room(room).state === 'subscribed');
    const member = await newUser(current.url, 'Member');
    await owner.post(`/workspaces/${workspaceId}/members`, { email: member.user?.email, role: 'viewer' });
    await waitFor('the member event from the new process', () => events.some((e) => e.type === 'member_added'));
    expectGapless(events.map((e) => e.seq));
  });
});
