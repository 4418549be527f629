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
  it('survives a server restart on the same port and data directory: reconnects by itself and resumes from its last seq', async () => {
    const first = await startServer({ db: 'pglite', keep: true });
    const port = Number(new URL(first.url).port);
    let current: TestServer = first;
    cleanup.push(() => current.close());
    const owner = await newUser(first.url, 'Owner');
    const workspaceId = await workspaceWith(owner);
    const table = await createTable(owner, workspaceId, [{ name: 'Title', type: 'text' }]);
    const proxy = await new TcpProxy(port).start();
    cleanup.push(() => proxy.close());
    const room = `table:${table.id}`;

    // One client straight to the server (sees the shutdown), one behind a proxy held back during
    // the restart (must resume events written meanwhile).
    const direct = track(clientFor(owner, first.url));
    const held = track(clientFor(owner, proxy.url));
    const directEvents = collect(direct, room);
    const heldEvents = collect(held, room);
    direct.room(room).subscribe();
    held.room(room).subscribe();
    await waitFor('subscribed', () => direct.room(room).state === 'subscribed' && held.room(room).state === 'subscribed');
    await createRecord(owner, table.id, { [table.f.Title]: 'one' });
    await waitFor('the first record', () => directEvents.length > 0 && heldEvents.some((e) => e.type === 'record_created'));
    const statuses: string[] = [];
    held.onStatus((status) => statuses.push(status));
    // Why the direct client lost its connection, read as it starts reconnecting: its retries
    // against the server still shutting down overwrite lastDisconnect with their own failures.
    let shutdownCode: number | undefined;
    direct.onStatus((status) => {
      if (status === 'reconnecting' && shutdownCode === undefined) shutdownCode = direct.lastDisconnect?.code;
    });

    proxy.cut();
    await first.close();
    current = await startServer({ db: 'pglite', dataDir: first.dataDir, overrides: { port } });
    expect(shutdownCode).toBe(4000);
    const missed = await createRecord(owner, table.id, { [table.f.Title]: 'while away' });
    proxy.restore();

    const hasMissed = (events: typeof heldEvents) => events.some((e) => (e.data as { id?: string }).id === missed.id);
    await waitFor('the record written after the restart, on both clients', () => hasMissed(heldEvents) && hasMissed(directEvents));
    expect(statuses).toContain('reconnecting');
    for (const events of [heldEvents, directEvents]) {
      expect(events.filter((e) => e.type === 'record_created')).toHaveLength(2);
      expectGapless(events.map((e) => e.seq));
    }
  });
});
