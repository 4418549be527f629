import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { type ApiClient, newTeam } from '../../server/test/support/http-client.ts';
import { startServer, type TestServer } from '../../server/test/support/server.ts';
import { createRecord, createTable } from '../../server/test/support/tables.ts';
import type { DocumentSession, TandemClient } from '../src/index.ts';
import { clientFor } from './support/clients.ts';
import { TcpProxy, waitFor } from './support/tcp-proxy.ts';

/** The paragraphs of a rich text document as plain strings. */
function paragraphs(doc: Y.Doc): string[] {
  return doc
    .getXmlFragment('content')
    .toArray()
    .map((p) => ((p as Y.XmlElement).get(0) as Y.XmlText | undefined)?.toString() ?? '');
}

/** Types `text` at `index` of paragraph `n` (made, with the ones before it, when missing). */
function type(doc: Y.Doc, text: string, index = 0, n = 0): void {
  const fragment = doc.getXmlFragment('content');
  doc.transact(() => {
    while (fragment.length <= n) {
      const p = new Y.XmlElement('paragraph');
      p.insert(0, [new Y.XmlText()]);
      fragment.insert(fragment.length, [p]);
    }
    ((fragment.get(n) as Y.XmlElement).get(0) as Y.XmlText).insert(index, text);
  });
}

describe('collaborative documents through the real server', () => {
  let server: TestServer;
  let owner: ApiClient;
  let alice: ApiClient;
  let bob: ApiClient;
  let viewer: ApiClient;
  let workspaceId: string;
  let table: Awaited<ReturnType<typeof createTable<'Title' | 'Notes'>>>;
  const cleanup: (() => void | Promise<void>)[] = [];

  const client = (user: ApiClient, url = server.url): TandemClient => {
    const c = clientFor(user, url);
    cleanup.push(() => c.close());
    return c;
  };
  const open = async (c: TandemClient, id: string): Promise<DocumentSession> => {
    const session = c.doc(id);
    cleanup.push(session.start());
    await session.whenSynced();
    return session;
  };
  const notesDoc = async (recordId: string) =>
    (await alice.post('/docs', { kind: 'rich_text', record_id: recordId, field_id: table.f.Notes })).body.id as string;
  const settled = (s: DocumentSession) => waitFor('acknowledged', () => s.unacknowledged === 0);

  beforeAll(async () => {
    server = await startServer({ db: 'pglite', overrides: { docUnloadMs: 300, docPlainDebounceMs: 100 } });
    ({ owner, alice, bob, viewer, workspaceId } = await newTeam(server.url, {
      alice: ['Alice', 'editor'],
      bob: ['Bob', 'editor'],
      viewer: ['Vera', 'viewer'],
    }));
    table = await createTable(owner, workspaceId, [
      { name: 'Title', type: 'text' },
      { name: 'Notes', type: 'rich_text' },
    ]);
  });
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('two people typing into one paragraph at once converge on the same text, and it is stored', async () => {
    const record = await createRecord(owner, table.id, { [table.f.Title]: 'Spec' });
    const id = await notesDoc(record.id);
    const a = await open(client(alice), id);
    const b = await open(client(bob), id);
    type(a.doc, 'Hello world');
    await waitFor('Bob has the paragraph', () => paragraphs(b.doc)[0] === 'Hello world');
    // Both insert at once, at the same place and elsewhere.
    type(a.doc, ' brave', 5);
    type(b.doc, ' new', 5);
    type(b.doc, '!', paragraphs(b.doc)[0]?.length ?? 0);
    await waitFor(
      'both converged',
      () => paragraphs(a.doc).join() === paragraphs(b.doc).join() && paragraphs(a.doc)[0]?.length === 'Hello world brave new!'.length,
    );
    expect(paragraphs(a.doc)[0]).toMatch(/^Hello( brave new| new brave) world!$/);
    await settled(a);
    await settled(b);

    // A third client, joining later, loads what was stored.
    const c = await open(client(owner), id);
    expect(paragraphs(c.doc)).toEqual(paragraphs(a.doc));
  });

  it('syncs over the SSE fallback (SSE down, POST up) with a WebSocket client', async () => {
    const record = await createRecord(owner, table.id, { [table.f.Title]: 'Fallback' });
    const id = await notesDoc(record.id);
    const sseClient = clientFor(alice, server.url, { transport: 'sse' });
    cleanup.push(() => sseClient.close());
    const overSse = sseClient.doc(id);
    cleanup.push(overSse.start());
    await overSse.whenSynced();
    expect(sseClient.transportKind).toBe('sse');
    const overWs = await open(client(bob), id);
    type(overSse.doc, 'typed over SSE');
    await waitFor('WebSocket side has it', () => paragraphs(overWs.doc)[0] === 'typed over SSE');
    type(overWs.doc, ', answered over WS', 'typed over SSE'.length);
    await waitFor('SSE side has it', () => paragraphs(overSse.doc)[0] === 'typed over SSE, answered over WS');
  });

  it("refuses a viewer's update on the server and stores nothing of it", async () => {
    const record = await createRecord(owner, table.id, { [table.f.Title]: 'Read only' });
    const id = await notesDoc(record.id);
    const a = await open(client(alice), id);
    type(a.doc, 'by Alice');
    await settled(a);
    const v = await open(client(viewer), id);
    expect(paragraphs(v.doc)).toEqual(['by Alice']);
    type(v.doc, 'viewer was here ');
    await waitFor('refused', () => v.error?.code === 'forbidden');
    await new Promise((r) => setTimeout(r, 200));
    expect(paragraphs(a.doc)).toEqual(['by Alice']);
    const stored = await server.tandem.documents.store.load(id);
    const check = new Y.Doc();
    if (stored.snapshot) Y.applyUpdate(check, Buffer.from(stored.snapshot, 'base64'));
    for (const u of stored.updates) Y.applyUpdate(check, Buffer.from(u, 'base64'));
    expect(paragraphs(check)).toEqual(['by Alice']);
  });

  it('writes the plain text of a rich text field into the record, its activity and filters', async () => {
    const record = await createRecord(owner, table.id, { [table.f.Title]: 'Plain' });
    const id = await notesDoc(record.id);
    const a = await open(client(alice), id);
    type(a.doc, 'First line');
    type(a.doc, 'Second line', 0, 1);
    let values: Record<string, unknown> = {};
    for (let i = 0; i < 100 && values[table.f.Notes] !== 'First line\n\nSecond line'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      values = (await alice.get(`/records/${record.id}`)).body.values;
    }
    expect(values[table.f.Notes]).toBe('First line\n\nSecond line');
    const activity = (await alice.get(`/records/${record.id}/activity`)).body;
    expect(JSON.stringify(activity)).toContain('Second line');
    const found = await alice.get(
      `/tables/${table.id}/records?filter=${encodeURIComponent(JSON.stringify([{ field_id: table.f.Notes, op: 'contains', value: 'second' }]))}`,
    );
    expect((found.body.records as { id: string }[]).map((r) => r.id)).toEqual([record.id]);
  });

  it('restoring a version reaches every collaborator as an ordinary update', async () => {
    const record = await createRecord(owner, table.id, { [table.f.Title]: 'Versions' });
    const id = await notesDoc(record.id);
    const a = await open(client(alice), id);
    const b = await open(client(bob), id);
    type(a.doc, 'Draft one');
    await settled(a);
    const version = await alice.post(`/docs/${id}/versions`, { name: 'First draft' });
    expect(version.status).toBe(201);
    type(b.doc, 'Rewritten by Bob: ');
    await waitFor('Alice sees Bob', () => paragraphs(a.doc)[0] === 'Rewritten by Bob: Draft one');
    await settled(b);

    const list = (await alice.get(`/docs/${id}/versions`)).body.versions as { id: string; name: string; changed_since_by: { name: string }[] }[];
    expect(list[0]).toMatchObject({ name: 'First draft' });
    expect(list[0]?.changed_since_by.map((c) => c.name)).toContain('Bob');
    const preview = (await bob.get(`/docs/${id}/versions/${version.body.id}`)).body;
    expect(preview.text).toBe('Draft one');

    expect((await viewer.post(`/docs/${id}/versions/${version.body.id}/restore`)).status).toBe(403);
    expect((await alice.post(`/docs/${id}/versions/${version.body.id}/restore`)).status).toBe(204);
    await waitFor('Bob follows the restore', () => paragraphs(b.doc).join() === 'Draft one');
    await waitFor('Alice too', () => paragraphs(a.doc).join() === 'Draft one');
  });

  it('unloads a document nobody is in, and loads it again on the next join', async () => {
    const record = await createRecord(owner, table.id, { [table.f.Title]: 'Idle' });
    const id = await notesDoc(record.id);
    const c = client(alice);
    const session = c.doc(id);
    const stop = session.start();
    await session.whenSynced();
    type(session.doc, 'kept while unloaded');
    await settled(session);
    expect(server.tandem.documents.hub.isLoaded(id)).toBe(true);
    stop();
    await waitFor('unloaded', () => !server.tandem.documents.hub.isLoaded(id), 5_000);
    const again = await open(client(bob), id);
    expect(paragraphs(again.doc)).toEqual(['kept while unloaded']);
  });

  it('a canvas: nodes and edges added by two people meet, and compaction keeps every one', async () => {
    const canvas = await alice.post('/docs', { kind: 'canvas', workspace_id: workspaceId, name: 'Flow' });
    expect(canvas.status).toBe(201);
    expect((await viewer.post('/docs', { kind: 'canvas', workspace_id: workspaceId, name: 'Nope' })).status).toBe(403);
    const a = await open(client(alice), canvas.body.id);
    const b = await open(client(bob), canvas.body.id);
    const addNode = (s: DocumentSession, key: string) => {
      const node = new Y.Map<unknown>();
      for (const [k, v] of Object.entries({ title: key, text: '', color: '#fff', x: 0, y: 0 })) node.set(k, v);
      s.doc.getMap('nodes').set(key, node);
    };
    for (let i = 0; i < 30; i++) addNode(i % 2 ? a : b, `n${i}`);
    const edge = new Y.Map<unknown>();
    edge.set('source', 'n0');
    edge.set('target', 'n1');
    a.doc.getMap('edges').set('e1', edge);
    await waitFor('both see all nodes', () => a.doc.getMap('nodes').size === 30 && b.doc.getMap('nodes').size === 30 && b.doc.getMap('edges').size === 1);
    await settled(a);
    await settled(b);
    expect(await server.tandem.documents.compact(1)).toBeGreaterThan(0);
    expect((await server.tandem.documents.store.load(canvas.body.id)).updates).toHaveLength(0);
    const later = await open(client(owner), canvas.body.id);
    expect(later.doc.getMap('nodes').size).toBe(30);
    expect((await alice.get(`/docs?workspace_id=${workspaceId}`)).body.documents.map((d: { id: string }) => d.id)).toContain(canvas.body.id);
  });

  it('edits made during 30 s offline merge on reconnect with no lost or doubled text', async () => {
    const record = await createRecord(owner, table.id, { [table.f.Title]: 'Offline' });
    const id = await notesDoc(record.id);
    const proxy = await new TcpProxy(Number(new URL(server.url).port)).start();
    cleanup.push(() => proxy.close());
    const traveller = await open(client(alice, proxy.url), id);
    const stay = await open(client(bob), id);
    type(traveller.doc, 'shared start');
    await waitFor('shared', () => paragraphs(stay.doc)[0] === 'shared start');

    proxy.cut();
    await waitFor('offline', () => traveller.status === 'offline');
    type(traveller.doc, 'offline A. ', 0, 1);
    type(stay.doc, ' online B.', 'shared start'.length);
    await new Promise((r) => setTimeout(r, 30_000));
    type(traveller.doc, 'still offline. ', 'offline A. '.length, 1);
    proxy.restore();
    await waitFor('merged', () => paragraphs(traveller.doc).join('|') === paragraphs(stay.doc).join('|') && paragraphs(stay.doc).length === 2, 15_000);
    expect(paragraphs(stay.doc)).toEqual(['shared start online B.', 'offline A. still offline. ']);
    await settled(traveller);
    // What the server stored is the same.
    const late = await open(client(owner), id);
    expect(paragraphs(late.doc)).toEqual(['shared start online B.', 'offline A. still offline. ']);
  }, 60_000);
});
