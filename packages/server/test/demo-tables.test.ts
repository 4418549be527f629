import type { RecordInfo } from '@tandem/protocol';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEMO_PASSWORD, ensureDemoData } from '../src/demo/demo-data.ts';
import { describeEachDatabase } from './support/each-database.ts';
import { ApiClient } from './support/http-client.ts';
import { startServer, type TestServer } from './support/server.ts';
import { allRecords } from './support/tables.ts';

interface DemoField {
  id: string;
  name: string;
  type: string;
  options: { choices?: { id: string; name: string }[]; linked_table_id?: string };
}

async function logIn(url: string, email: string): Promise<ApiClient> {
  const res = await new ApiClient(url).post('/auth/login', { email, password: DEMO_PASSWORD });
  if (res.status !== 200) throw new Error(`demo login failed: ${res.status}`);
  return new ApiClient(url, res.body.token, res.body.user);
}

describeEachDatabase('demo tables', (db) => {
  let server: TestServer;
  let alice: ApiClient;
  let bob: ApiClient;
  let tables: { id: string; name: string }[];

  beforeAll(async () => {
    server = await startServer({ db });
    await ensureDemoData(server.tandem.ctx);
    alice = await logIn(server.url, 'alice@demo.tandem.dev');
    bob = await logIn(server.url, 'bob@demo.tandem.dev');
    const me = await alice.get('/me');
    const ws = me.body.workspaces[0].id;
    tables = (await alice.get(`/workspaces/${ws}/tables`)).body.tables;
  });
  afterAll(async () => server?.close());

  it('the demo workspace has Inventory, Work Orders and Engineering Change Orders with a few dozen records', async () => {
    expect(tables.map((t) => t.name)).toEqual(['Inventory', 'Work Orders', 'Engineering Change Orders']);
    let total = 0;
    for (const table of tables) total += (await allRecords(alice, table.id)).length;
    expect(total).toBeGreaterThanOrEqual(30);
  });

  it('every demo record passes the same validation as an API write, and every link resolves', async () => {
    for (const table of tables) {
      const fields: DemoField[] = (await alice.get(`/tables/${table.id}`)).body.fields;
      for (const record of await allRecords(alice, table.id)) {
        const rewrite = await alice.patch(`/records/${record.id}`, { values: record.values, expected_version: record.version });
        expect(rewrite.status, `${table.name} ${JSON.stringify(rewrite.body)}`).toBe(200);
        expect(rewrite.body.version).toBe(record.version);
        for (const field of fields.filter((f) => f.type === 'link')) {
          for (const id of (record.values[field.id] as string[] | undefined) ?? []) {
            const linked = await alice.get(`/records/${id}`);
            expect(linked.body.table_id).toBe(field.options.linked_table_id);
          }
        }
      }
    }
  });

  it('"My work orders" shows the asking user\'s open orders, most urgent first', async () => {
    const workOrders = tables.find((t) => t.name === 'Work Orders');
    const detail = (await bob.get(`/tables/${workOrders?.id}`)).body;
    const view = detail.views.find((v: { name: string }) => v.name === 'My work orders');
    const field = (name: string): DemoField => detail.fields.find((f: DemoField) => f.name === name);
    const choiceName = (name: string, id: unknown) => field(name).options.choices?.find((c) => c.id === id)?.name;
    const mine: RecordInfo[] = await allRecords(bob, workOrders?.id ?? '', `view=${view.id}`);
    expect(mine.length).toBeGreaterThan(3);
    for (const record of mine) {
      expect(record.values[field('Assignee').id]).toBe(bob.user?.id);
      expect(choiceName('Status', record.values[field('Status').id])).not.toBe('Done');
    }
    expect(choiceName('Priority', mine[0]?.values[field('Priority').id])).toBe('Urgent');
  });

  it('the demo has a #general channel and a DM with messages Bob can read and answer, with unread counts', async () => {
    const workspaceId = (await bob.get('/workspaces')).body.workspaces[0].id;
    const rooms = (await bob.get(`/chat/rooms?workspace_id=${workspaceId}`)).body.rooms as { id: string; kind: string; name: string | null; unread: number }[];
    expect(rooms.map((r) => [r.kind, r.name]).sort()).toEqual([
      ['channel', 'general'],
      ['dm', null],
    ]);
    const dm = rooms.find((r) => r.kind === 'dm');
    expect(dm?.unread).toBe(2);
    const page = await bob.get(`/chat/rooms/${dm?.id}/messages`);
    expect(page.body.messages).toHaveLength(2);
    expect((await bob.post(`/chat/rooms/${dm?.id}/messages`, { body: 'On it.' })).status).toBe(201);
    expect((await alice.get(`/chat/search?workspace_id=${workspaceId}&q=bearing`)).body.hits).toHaveLength(1);
  });

  it('lowering stock below its reorder point in the demo raises a low-stock alert for the owner', async () => {
    const inventory = tables.find((t) => t.name === 'Inventory');
    const fields: DemoField[] = (await alice.get(`/tables/${inventory?.id}`)).body.fields;
    const onHand = fields.find((f) => f.name === 'On hand')?.id ?? '';
    const [record] = await allRecords(alice, inventory?.id ?? '');
    expect((await bob.patch(`/records/${record?.id}`, { values: { [onHand]: 0 } })).status).toBe(200);
    const notes = (await alice.get('/notifications')).body.notifications as { type: string; title: string; record_id: string; alert_id: string }[];
    const alert = notes.find((n) => n.type === 'alert' && n.record_id === record?.id);
    expect(alert?.title).toMatch(/^Warning: Low stock: /);
    expect(alert?.alert_id).toBeTruthy();
  });

  it('the demo has a production-flow canvas and work instructions that open as a rich text document', async () => {
    const workspaceId = (await alice.get('/me')).body.workspaces[0].id;
    const canvases = (await bob.get(`/docs?workspace_id=${workspaceId}`)).body.documents as { id: string; name: string }[];
    expect(canvases.map((c) => c.name)).toEqual(['Production flow']);
    const version = await alice.post(`/docs/${canvases[0]?.id}/versions`, { name: 'As shipped' });
    const flow = (await alice.get(`/docs/${canvases[0]?.id}/versions/${version.body.id}`)).body.text as string;
    expect(flow).toContain('- Receiving: Incoming steel');
    expect(flow).toContain('- Quality check → Shipping');

    const workOrders = tables.find((t) => t.name === 'Work Orders');
    const fields: DemoField[] = (await alice.get(`/tables/${workOrders?.id}`)).body.fields;
    const instructions = fields.find((f) => f.name === 'Work instructions');
    expect(instructions?.type).toBe('rich_text');
    const record = (await allRecords(alice, workOrders?.id ?? '')).find((r) => typeof r.values[instructions?.id ?? ''] === 'string');
    const doc = await bob.post('/docs', { kind: 'rich_text', record_id: record?.id, field_id: instructions?.id });
    expect(doc.status).toBe(201);
    const v = await bob.post(`/docs/${doc.body.id}/versions`, { name: 'Seeded' });
    const text = (await bob.get(`/docs/${doc.body.id}/versions/${v.body.id}`)).body.text as string;
    // One paragraph per line of the value the field had.
    expect(text).toBe(
      String(record?.values[instructions?.id ?? ''] ?? '')
        .split('\n')
        .join('\n\n'),
    );
  });
});

describeEachDatabase('demo analytics', (db) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer({ db });
    await ensureDemoData(server.tandem.ctx);
  });
  afterAll(async () => server?.close());

  it('the demo workspace tracks a storefront with two months of consistent visits, and this app itself', async () => {
    const alice = await logIn(server.url, 'alice@demo.tandem.dev');
    const bob = await logIn(server.url, 'bob@demo.tandem.dev');
    const ws = (await alice.get('/me')).body.workspaces[0].id;
    const sites = (await alice.get(`/workspaces/${ws}/analytics/sites`)).body.sites as { id: string; name: string; domains: string[]; tracks_app: boolean }[];
    expect(sites.map((s) => s.name)).toEqual(['Northwind storefront', 'Tandem (this app)']);
    const app = sites.find((s) => s.tracks_app);
    expect(app?.domains).toContain(new URL(server.url).host);
    expect((await bob.get(`/workspaces/${ws}/analytics/app-site`)).body.site_key).toMatch(/^ts_/);
    expect((await bob.get(`/workspaces/${ws}/analytics/sites`)).status).toBe(403);

    const [counts] = await server.tandem.ctx.db.query<{
      sessions: number;
      views: number;
      counted: number;
      days: number;
      events: number;
      counted_events: number;
    }>(
      `SELECT (SELECT count(*)::int FROM analytics_sessions WHERE site_id = $1) AS sessions,
              (SELECT count(*)::int FROM analytics_pageviews WHERE site_id = $1) AS views,
              (SELECT sum(pageviews)::int FROM analytics_sessions WHERE site_id = $1) AS counted,
              (SELECT count(DISTINCT day)::int FROM analytics_sessions WHERE site_id = $1) AS days,
              (SELECT count(*)::int FROM analytics_events WHERE site_id = $1) AS events,
              (SELECT sum(events)::int FROM analytics_sessions WHERE site_id = $1) AS counted_events`,
      [sites.find((s) => s.name === 'Northwind storefront')?.id ?? ''],
    );
    expect(counts?.sessions).toBeGreaterThan(3000);
    expect(counts?.days).toBeGreaterThanOrEqual(60);
    // Every session's counters agree with its rows, as ingestion would have left them.
    expect(counts?.counted).toBe(counts?.views);
    expect(counts?.counted_events).toBe(counts?.events);
  });
});
