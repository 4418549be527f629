import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type * as Y from 'yjs';
import type { DocumentSession, TandemClient } from '../../../client/src/index.ts';
import { clientFor } from '../../../client/test/support/clients.ts';
import { waitFor } from '../../../client/test/support/tcp-proxy.ts';
import { postgresAvailable, redisAvailable } from '../support/databases.ts';
import { type ApiClient, newTeam } from '../support/http-client.ts';
import type { TestServer } from '../support/server.ts';
import { createRecord, createTable } from '../support/tables.ts';
import { type ClusterSpace, dropSpace, freshSpace, onNode, spawnNode, startNode } from './cluster.ts';

const ready = (await postgresAvailable()) && (await redisAvailable());

function text(doc: Y.Doc): string {
  return doc.getText('t').toString();
}

describe.skipIf(!ready)('collaborative documents across nodes on PostgreSQL and Redis', () => {
  let space: ClusterSpace;
  let a: TestServer;
  let b: TestServer;
  let alice: ApiClient;
  let bob: ApiClient;
  let workspaceId: string;
  let docId: string;
  const cleanup: (() => void | Promise<void>)[] = [];

  const open = async (user: ApiClient, url: string, id: string): Promise<DocumentSession> => {
    const client: TandemClient = clientFor(user, url);
    cleanup.push(() => client.close());
    const session = client.doc(id);
    cleanup.push(session.start());
    await session.whenSynced();
    return session;
  };

  beforeAll(async () => {
    space = freshSpace();
    a = await startNode(space);
    b = await startNode(space);
    let owner: ApiClient;
    ({ owner, alice, bob, workspaceId } = await newTeam(a.url, { alice: ['Alice', 'editor'], bob: ['Bob', 'editor'] }));
    const table = await createTable(owner, workspaceId, [{ name: 'Title', type: 'text' }]);
    const record = await createRecord(owner, table.id, { [table.f.Title]: 'Shared plan' });
    docId = (await alice.post('/docs', { kind: 'canvas', workspace_id: workspaceId, name: 'Plan', record_id: record.id })).body.id;
  });
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    if (space) await dropSpace(space);
  });

  it('two people on different nodes edit one document and converge', async () => {
    const onA = await open(alice, a.url, docId);
    const onB = await open(onNode(bob, b), b.url, docId);
    for (let i = 0; i < 20; i++) {
      onA.doc.getText('t').insert(0, 'a');
      onB.doc.getText('t').insert(onB.doc.getText('t').length, 'b');
    }
    await waitFor('converged', () => text(onA.doc) === text(onB.doc) && text(onA.doc).length === 40);
    expect(text(onA.doc).replace(/b/g, '')).toBe('a'.repeat(20));
    // Cursors cross nodes too.
    onB.awareness.setLocalStateField('cursor', { x: 1, y: 2 });
    await waitFor("Bob's cursor on node A", () =>
      [...onA.awareness.getStates().values()].some((s) => (s.user as { name?: string } | undefined)?.name === 'Bob'),
    );
  });

  it('an update acknowledged just before its node is killed is there when the document is opened elsewhere', async () => {
    const doomed = await spawnNode(space);
    cleanup.push(() => doomed.kill());
    const writer = await open(onNode(alice, doomed), doomed.url, docId);
    writer.doc.getText('t').insert(0, 'durable ');
    await waitFor('acknowledged', () => writer.unacknowledged === 0);
    await doomed.kill();
    const reader = await open(onNode(bob, b), b.url, docId);
    expect(text(reader.doc).startsWith('durable ')).toBe(true);
    // A node that had the document loaded catches up on its next join too.
    const onA = await open(alice, a.url, docId);
    expect(text(onA.doc)).toBe(text(reader.doc));
  });
});
