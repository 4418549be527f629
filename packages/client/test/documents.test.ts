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

  it('a rich text value belongs to its document: a record may start with one, a REST write that changes it is refused and changes nothing', async () => {
    const record = await createRecord(owner, table.id, { [table.f.Title]: 'Owned', [table.f.Notes]: 'Seeded over REST' });
    expect(record.values[table.f.Notes]).toBe('Seeded over REST');
    const id = await notesDoc(record.id);
    const a = await open(client(alice), id);
    expect(paragraphs(a.doc)).toEqual(['Seeded over REST']);

    const refused = await alice.patch(`/records/${record.id}`, { values: { [table.f.Title]: 'Renamed', [table.f.Notes]: 'Overwritten' } });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ code: 'invalid_input', details: { field_id: table.f.Notes, reason: 'document_owned' } });
    expect(refused.body.error.message).toContain('changes only through it');
    const batch = await alice.patch(`/tables/${table.id}/records`, [{ id: record.id, values: { [table.f.Notes]: null } }]);
    expect(batch.status).toBe(400);
    const after = (await alice.get(`/records/${record.id}`)).body;
    expect(after.version).toBe(record.version);
    expect(after.values).toEqual(record.values);
    // Repeating the value (a CSV exported and imported again) is no change, so it passes.
    const same = await alice.patch(`/records/${record.id}`, { values: { [table.f.Title]: 'Renamed', [table.f.Notes]: 'Seeded over REST' } });
    expect(same.status).toBe(200);
    expect(same.body.values).toEqual({ [table.f.Title]: 'Renamed', [table.f.Notes]: 'Seeded over REST' });

    // The document still writes it.
    type(a.doc, 'Edited in the document: ');
    let value: unknown;
    for (let i = 0; i < 100 && value !== 'Edited in the document: Seeded over REST'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      value = (await alice.get(`/records/${record.id}`)).body.values[table.f.Notes];
    }
    expect(value).toBe('Edited in the document: Seeded over REST');
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
    expect((await alice.post(`/docs/${id}/versions/${version.body.id}/restore`)).status).toBe(200);
    await waitFor('Bob follows the restore', () => paragraphs(b.doc).join() === 'Draft one');
    await waitFor('Alice too', () => paragraphs(a.doc).join() === 'Draft one');
  });

  it('a restore first saves what it replaces as a version, so restoring that one undoes it', async () => {
    const record = await createRecord(owner, table.id, { [table.f.Title]: 'Undo a restore' });
    const id = await notesDoc(record.id);
    const a = await open(client(alice), id);
    const b = await open(client(bob), id);
    type(a.doc, 'Plan A');
    await settled(a);
    const planA = (await alice.post(`/docs/${id}/versions`, { name: 'Plan A' })).body.id as string;
    type(b.doc, 'Plan B, not A: ');
    await waitFor('Alice sees Bob', () => paragraphs(a.doc).join() === 'Plan B, not A: Plan A');
    await settled(b);

    const restored = await alice.post(`/docs/${id}/versions/${planA}/restore`);
    expect(restored.status).toBe(200);
    const saved = restored.body.saved_version as { id: string; name: string; automatic: boolean };
    expect(saved).toMatchObject({ name: 'Before restoring “Plan A”', automatic: false });
    await waitFor('Bob follows the restore', () => paragraphs(b.doc).join() === 'Plan A');
    // (The first edit took an automatic version as well.)
    const named = async () =>
      ((await bob.get(`/docs/${id}/versions`)).body.versions as { name: string; automatic: boolean }[]).filter((v) => !v.automatic).map((v) => v.name);
    expect(await named()).toEqual(['Before restoring “Plan A”', 'Plan A']);
    expect((await bob.get(`/docs/${id}/versions/${saved.id}`)).body.text).toBe('Plan B, not A: Plan A');

    // Restoring what the restore replaced brings Bob's text back, and saves the restored state in turn.
    expect((await bob.post(`/docs/${id}/versions/${saved.id}/restore`)).body.saved_version.name).toBe('Before restoring “Before restoring “Plan A””');
    await waitFor(
      'both have Bob’s text again',
      () => paragraphs(a.doc).join() === 'Plan B, not A: Plan A' && paragraphs(b.doc).join() === 'Plan B, not A: Plan A',
    );
    // Restoring what the document already holds changes nothing and saves nothing.
    expect((await bob.post(`/docs/${id}/versions/${saved.id}/restore`)).body).toEqual({ saved_version: null });
    expect(await named()).toHaveLength(3);
  });

  it('everyone in a document hears of each version taken: automatic, named, and before a restore', async () => {
    const record = await createRecord(owner, table.id, { [table.f.Title]: 'Live versions' });
    const id = await notesDoc(record.id);
    const bobsClient = client(bob);
    const heard: { name: string; restored_id: string | null }[] = [];
    cleanup.push(bobsClient.room(`doc:${id}`).on('doc_version', (signal) => heard.push({ name: signal.version.name, restored_id: signal.restored_id })));
    await open(bobsClient, id);
    const viewersClient = client(viewer);
    const viewerHeard: string[] = [];
    cleanup.push(viewersClient.room(`doc:${id}`).on('doc_version', (signal) => viewerHeard.push(signal.version.name)));
    await open(viewersClient, id);
    const a = await open(client(alice), id);
    type(a.doc, 'First');
    await settled(a);
    const first = (await alice.post(`/docs/${id}/versions`, { name: 'First' })).body.id as string;
    // The first edit took an automatic version, then came the named one.
    await waitFor('Bob heard of the automatic and the named version', () => heard.length === 2);
    expect(heard).toEqual([
      { name: 'Automatic', restored_id: null },
      { name: 'First', restored_id: null },
    ]);
    type(a.doc, 'Second ');
    await settled(a);
    await alice.post(`/docs/${id}/versions/${first}/restore`);
    await waitFor('Bob heard of the version before the restore', () => heard.length === 3);
    expect(heard[2]).toEqual({ name: 'Before restoring “First”', restored_id: first });
    await waitFor('so did the viewer', () => viewerHeard.length === 3);
  });

  it('a version shows what changed since: words added and removed in rich text', async () => {
    const record = await createRecord(owner, table.id, { [table.f.Title]: 'Diff' });
    const id = await notesDoc(record.id);
    const a = await open(client(alice), id);
    type(a.doc, 'The quick fox jumps');
    await settled(a);
    const version = (await alice.post(`/docs/${id}/versions`, { name: 'Draft' })).body.id as string;
    const p = (a.doc.getXmlFragment('content').get(0) as Y.XmlElement).get(0) as Y.XmlText;
    a.doc.transact(() => {
      p.delete(4, 'quick '.length);
      p.insert(4, 'brown ');
    });
    type(a.doc, 'A new line', 0, 1);
    await settled(a);
    const preview = (await bob.get(`/docs/${id}/versions/${version}`)).body;
    expect(preview.text).toBe('The quick fox jumps');
    expect(preview.changes.kind).toBe('rich_text');
    const runs = preview.changes.text as { kind: string; text: string }[];
    const of = (kind: string) =>
      runs
        .filter((r) => r.kind === kind)
        .map((r) => r.text.trim())
        .filter(Boolean);
    expect(of('removed')).toEqual(['quick']);
    expect(of('added')).toEqual(['brown', 'A new line']);
    // The runs rebuild both texts.
    expect(
      runs
        .filter((r) => r.kind !== 'added')
        .map((r) => r.text)
        .join(''),
    ).toBe('The quick fox jumps');
    expect(
      runs
        .filter((r) => r.kind !== 'removed')
        .map((r) => r.text)
        .join(''),
    ).toBe('The brown fox jumps\n\nA new line');
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

  it('a canvas is renamed and deleted by editors only, and everyone in it is told', async () => {
    const canvas = (await alice.post('/docs', { kind: 'canvas', workspace_id: workspaceId, name: 'Old name' })).body.id as string;
    const bobsClient = client(bob);
    const told: { name: string; deleted: boolean; by: string }[] = [];
    cleanup.push(
      bobsClient.room(`doc:${canvas}`).on('doc_info', (signal) => told.push({ name: signal.document.name, deleted: signal.deleted, by: signal.actor.name })),
    );
    await open(bobsClient, canvas);

    expect((await viewer.patch(`/docs/${canvas}`, { name: 'Viewer name' })).status).toBe(403);
    expect((await viewer.delete(`/docs/${canvas}`)).status).toBe(403);
    const renamed = await alice.patch(`/docs/${canvas}`, { name: 'New name' });
    expect(renamed.status).toBe(200);
    expect(renamed.body.name).toBe('New name');
    await waitFor('Bob is told of the new name', () => told.length === 1);
    expect(told[0]).toEqual({ name: 'New name', deleted: false, by: 'Alice' });

    expect((await alice.delete(`/docs/${canvas}`)).status).toBe(204);
    await waitFor('Bob is told of the deletion', () => told.length === 2);
    expect(told[1]).toEqual({ name: 'New name', deleted: true, by: 'Alice' });
    expect((await bob.get(`/docs/${canvas}`)).status).toBe(404);
    expect((await alice.get(`/docs?workspace_id=${workspaceId}`)).body.documents.map((d: { id: string }) => d.id)).not.toContain(canvas);

    // A rich text field's document is named after its field and goes with it.
    const record = await createRecord(owner, table.id, { [table.f.Title]: 'Named by its field' });
    const notes = await notesDoc(record.id);
    expect((await alice.patch(`/docs/${notes}`, { name: 'Other' })).status).toBe(400);
    expect((await alice.delete(`/docs/${notes}`)).status).toBe(400);
  });

  it('a canvas version shows the nodes and edges added, removed and changed since', async () => {
    const canvas = (await alice.post('/docs', { kind: 'canvas', workspace_id: workspaceId, name: 'Diffed flow' })).body.id as string;
    const a = await open(client(alice), canvas);
    const nodes = a.doc.getMap<Y.Map<unknown>>('nodes');
    const edges = a.doc.getMap<Y.Map<unknown>>('edges');
    const put = (map: Y.Map<Y.Map<unknown>>, key: string, fields: Record<string, unknown>) => {
      const entry = new Y.Map<unknown>();
      for (const [k, v] of Object.entries(fields)) entry.set(k, v);
      map.set(key, entry);
    };
    put(nodes, 'cut', { title: 'Cut', text: '', color: '#fff', x: 0, y: 0 });
    put(nodes, 'weld', { title: 'Weld', text: '', color: '#fff', x: 200, y: 0 });
    put(nodes, 'paint', { title: 'Paint', text: '', color: '#fff', x: 400, y: 0 });
    put(edges, 'cut-weld', { source: 'cut', target: 'weld' });
    await settled(a);
    const version = (await alice.post(`/docs/${canvas}/versions`, { name: 'Three steps' })).body.id as string;
    a.doc.transact(() => {
      nodes.delete('paint');
      nodes.get('weld')?.set('title', 'Weld frame');
      nodes.get('cut')?.set('x', 50);
      put(nodes, 'ship', { title: 'Ship', text: '', color: '#fff', x: 600, y: 0 });
      put(edges, 'weld-ship', { source: 'weld', target: 'ship' });
      edges.delete('cut-weld');
    });
    await settled(a);
    const { changes } = (await bob.get(`/docs/${canvas}/versions/${version}`)).body;
    expect(changes).toEqual({
      kind: 'canvas',
      nodes: {
        added: [{ id: 'ship', title: 'Ship' }],
        removed: [{ id: 'paint', title: 'Paint' }],
        changed: expect.arrayContaining([
          { id: 'weld', title: 'Weld frame', fields: ['title'] },
          { id: 'cut', title: 'Cut', fields: ['position'] },
        ]),
      },
      edges: {
        added: [{ id: 'weld-ship', source: 'Weld frame', target: 'Ship' }],
        removed: [{ id: 'cut-weld', source: 'Cut', target: 'Weld frame' }],
      },
    });
    expect(changes.nodes.changed).toHaveLength(2);
  });

  it('a session on a room the app already follows says offline when the link drops, and synced when it returns', async () => {
    const record = await createRecord(owner, table.id, { [table.f.Title]: 'Shared room' });
    const id = await notesDoc(record.id);
    const proxy = await new TcpProxy(Number(new URL(server.url).port)).start();
    cleanup.push(() => proxy.close());
    const c = client(alice, proxy.url);
    // Another part of the app follows the document's room first (a page listening for doc_info).
    const room = c.room(`doc:${id}`);
    cleanup.push(room.subscribe());
    await waitFor('room subscribed', () => room.state === 'subscribed');
    const session = await open(c, id);
    expect(session.status).toBe('synced');

    proxy.cut();
    await waitFor('offline', () => session.status === 'offline', 20_000);
    proxy.restore();
    await waitFor('synced again', () => session.status === 'synced', 20_000);
  }, 60_000);

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
