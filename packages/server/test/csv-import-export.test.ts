import { roomName } from '@tandem/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, newTeam, newUser, workspaceWith } from './support/http-client.ts';
import { startServer, type TestServer } from './support/server.ts';
import { allRecords, createRecord, createTable, type TestTable } from './support/tables.ts';
import { connectWs } from './support/ws-client.ts';

/** Sends a CSV body to the API as `client` and returns status, headers and the raw text. */
async function sendCsv(client: ApiClient, path: string, csv: string, accept = 'application/json') {
  const res = await fetch(`${client.baseUrl}/api/v1${path}`, {
    method: 'POST',
    headers: { 'content-type': 'text/csv', accept, authorization: `Bearer ${client.token}` },
    body: csv,
  });
  const text = await res.text();
  return { status: res.status, text, body: res.headers.get('content-type')?.includes('json') && !accept.includes('ndjson') ? JSON.parse(text) : null };
}

/** Downloads a CSV export as `client`. */
async function exportText(client: ApiClient, tableId: string, query = '') {
  const res = await fetch(`${client.baseUrl}/api/v1/tables/${tableId}/export${query ? `?${query}` : ''}`, {
    headers: { authorization: `Bearer ${client.token}` },
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

describe('CSV import and export', () => {
  let server: TestServer;
  let owner: ApiClient;
  let editor: ApiClient;
  let viewer: ApiClient;
  let stranger: ApiClient;
  let workspaceId: string;

  beforeAll(async () => {
    server = await startServer({ db: 'pglite' });
    const team = await newTeam(server.url, { editor: ['Eve', 'editor'], viewer: ['Vic', 'viewer'] });
    ({ owner, editor, viewer, workspaceId } = team);
    stranger = await newUser(server.url, 'Stranger');
    await workspaceWith(stranger);
  });
  afterAll(async () => server?.close());

  const newTable = () =>
    createTable(owner, workspaceId, [
      { name: 'Title', type: 'text' },
      { name: 'Qty', type: 'number' },
      { name: 'Done', type: 'checkbox' },
      { name: 'Due', type: 'date' },
      { name: 'Status', type: 'single_select', options: { choices: ['Open', 'Closed'] } },
    ]);
  const columnsOf = (t: TestTable<'Title' | 'Qty' | 'Done' | 'Due' | 'Status'>) =>
    encodeURIComponent(JSON.stringify([t.f.Title, t.f.Qty, t.f.Done, t.f.Due, t.f.Status]));

  it('imports the good rows of a file and reports each refused row with its row, line, code and field', async () => {
    const t = await newTable();
    const csv = [
      'Title,Qty,Done,Due,Status',
      'alpha,1,true,2026-01-05,Open',
      '"beta, with comma",2.5,false,,Closed',
      'gamma,many,true,2026-01-06,Open',
      'delta,4,yes,2026-02-30,Open',
      '"epsilon ""quoted""",5,,2026-03-01,Nope',
      'zeta,6,no,2026-03-02,',
    ].join('\n');
    const res = await sendCsv(editor, `/tables/${t.id}/import?columns=${columnsOf(t)}`, csv);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ rows: 6, created: 3, updated: 0, failed: 3 });
    expect(res.body.errors.map((e: { row: number; line: number; code: string; field_id: string }) => [e.row, e.line, e.code, e.field_id])).toEqual([
      [3, 4, 'invalid_input', t.f.Qty],
      [4, 5, 'invalid_input', t.f.Due],
      [5, 6, 'invalid_input', t.f.Status],
    ]);
    const records = await allRecords(owner, t.id);
    expect(records.map((r) => [r.values[t.f.Title], r.values[t.f.Qty], r.values[t.f.Done], r.values[t.f.Due] ?? null])).toEqual([
      ['alpha', 1, true, '2026-01-05'],
      ['beta, with comma', 2.5, false, null],
      ['zeta', 6, false, '2026-03-02'],
    ]);
    const closed = t.fields.Status.options.choices?.find((c) => c.name === 'Closed')?.id;
    expect(records[1]?.values[t.f.Status]).toBe(closed);
  });

  it('upserts by a key field: matching rows update their record, the others are created', async () => {
    const t = await newTable();
    const a = await createRecord(owner, t.id, { [t.f.Title]: 'A-1', [t.f.Qty]: 1 });
    const b = await createRecord(owner, t.id, { [t.f.Title]: 'B-2', [t.f.Qty]: 2, [t.f.Done]: true });
    const columns = encodeURIComponent(JSON.stringify([t.f.Title, t.f.Qty]));
    const csv = 'Key,Qty\nB-2,20\nC-3,30\nA-1,10\n,99\nC-3,31\n';
    const res = await sendCsv(editor, `/tables/${t.id}/import?columns=${columns}&mode=upsert&key=${t.f.Title}`, csv);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ rows: 5, created: 1, updated: 2, failed: 2 });
    expect(res.body.errors.map((e: { row: number }) => e.row)).toEqual([4, 5]);
    const records = await allRecords(owner, t.id);
    expect(records.map((r) => [r.values[t.f.Title], r.values[t.f.Qty], r.version])).toEqual([
      ['A-1', 10, 2],
      ['B-2', 20, 2],
      ['C-3', 30, 1],
    ]);
    // Columns the file does not carry keep their values.
    expect(records.find((r) => r.id === b.id)?.values[t.f.Done]).toBe(true);
    expect(records.find((r) => r.id === a.id)?.id).toBe(a.id);
  });

  it('announces every imported record to the table room and streams progress lines before the report', async () => {
    const t = await newTable();
    const watcher = await connectWs(server.url, viewer);
    const room = roomName('table', t.id);
    try {
      await watcher.subscribe(room);
      const lines = ['Title,Qty,Done,Due,Status', ...Array.from({ length: 1200 }, (_, i) => `row ${i},${i},,,`)];
      const res = await sendCsv(editor, `/tables/${t.id}/import?columns=${columnsOf(t)}`, lines.join('\n'), 'application/x-ndjson');
      expect(res.status).toBe(200);
      const messages = res.text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(messages.filter((m) => m.type === 'progress').map((m) => m.rows)).toEqual([500, 1000, 1200]);
      expect(messages.at(-1)).toMatchObject({ type: 'done', report: { rows: 1200, created: 1200, failed: 0 } });
      const events = (await watcher.collect(room, 1200)).filter((e) => e.type === 'record_created');
      expect(events).toHaveLength(1200);
      expect(new Set(events.map((e) => (e.data as { id: string }).id)).size).toBe(1200);
    } finally {
      await watcher.close();
    }
    expect((await allRecords(owner, t.id, '', 1000)).map((r) => r.values[t.f.Title])).toEqual(Array.from({ length: 1200 }, (_, i) => `row ${i}`));
  });

  it('refuses a viewer (403) and a member of another workspace (404), writing nothing; a viewer may export', async () => {
    const t = await newTable();
    const csv = 'Title,Qty,Done,Due,Status\nx,1,,,\n';
    expect((await sendCsv(viewer, `/tables/${t.id}/import?columns=${columnsOf(t)}`, csv)).status).toBe(403);
    expect((await sendCsv(stranger, `/tables/${t.id}/import?columns=${columnsOf(t)}`, csv)).status).toBe(404);
    expect((await sendCsv(viewer, `/tables/${t.id}/import?columns=${columnsOf(t)}`, csv, 'application/x-ndjson')).status).toBe(403);
    expect((await sendCsv(stranger, `/workspaces/${workspaceId}/csv/preview`, csv)).status).toBe(404);
    expect(await allRecords(owner, t.id)).toHaveLength(0);
    expect((await exportText(viewer, t.id)).status).toBe(200);
    expect((await exportText(stranger, t.id)).status).toBe(404);
  });

  it('refuses bad input before writing anything', async () => {
    const t = await newTable();
    const good = 'Title,Qty,Done,Due,Status\nx,1,,,\n';
    const cases: [string, string][] = [
      [`/tables/${t.id}/import?columns=not-json`, good],
      [`/tables/${t.id}/import?columns=${encodeURIComponent('[1,2]')}`, good],
      [`/tables/${t.id}/import?columns=${encodeURIComponent(JSON.stringify(['nope', null, null, null, null]))}`, good],
      [`/tables/${t.id}/import?columns=${encodeURIComponent(JSON.stringify([t.f.Title, t.f.Title, null, null, null]))}`, good],
      [`/tables/${t.id}/import?columns=${encodeURIComponent(JSON.stringify([null, null, null, null, null]))}`, good],
      [`/tables/${t.id}/import?columns=${encodeURIComponent(JSON.stringify([t.f.Title, t.f.Qty]))}`, good],
      [`/tables/${t.id}/import?columns=${columnsOf(t)}&mode=upsert`, good],
      [`/tables/${t.id}/import?columns=${columnsOf(t)}&mode=upsert&key=${t.f.Done}`, good],
      [`/tables/${t.id}/import?columns=${columnsOf(t)}`, ''],
    ];
    for (const [path, csv] of cases) {
      const res = await sendCsv(editor, path, csv);
      expect([path, res.status, res.body?.error?.code]).toEqual([path, 400, 'invalid_input']);
    }
    const json = await editor.post(`/tables/${t.id}/import?columns=${columnsOf(t)}`, { rows: [] });
    expect(json.status).toBe(400);
    expect(await allRecords(owner, t.id)).toHaveLength(0);
  });

  it('exports a view as CSV: its filters, sorts and hidden fields, values formatted per type', async () => {
    const t = await newTable();
    const open = t.fields.Status.options.choices?.find((c) => c.name === 'Open')?.id;
    await createRecord(owner, t.id, { [t.f.Title]: 'b, "two"', [t.f.Qty]: 2, [t.f.Done]: true, [t.f.Due]: '2026-05-01', [t.f.Status]: open });
    await createRecord(owner, t.id, { [t.f.Title]: 'a\nmultiline', [t.f.Qty]: 1.25, [t.f.Done]: false, [t.f.Status]: open });
    await createRecord(owner, t.id, { [t.f.Title]: 'c', [t.f.Qty]: 3, [t.f.Status]: 'Closed' });
    const view = await owner.post(`/tables/${t.id}/views`, {
      name: 'Open by qty',
      filters: [{ field_id: t.f.Status, op: 'eq', value: open }],
      sorts: [{ field_id: t.f.Qty, direction: 'asc' }],
      hidden_fields: [t.f.Due],
    });
    expect(view.status).toBe(201);
    const res = await exportText(viewer, t.id, `view=${view.body.id}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="Things.csv"; filename*=UTF-8''Things.csv`);
    expect(res.text).toBe('Title,Qty,Done,Status\n"a\nmultiline",1.25,false,Open\n"b, ""two""",2,true,Open\n');
    // Changes to the view as the grid holds them: another sort, nothing hidden.
    const ad = await exportText(viewer, t.id, `sort=${encodeURIComponent(`-${t.f.Qty}`)}&hidden=${encodeURIComponent('[]')}`);
    expect(ad.text.split('\n')[0]).toBe('Title,Qty,Done,Due,Status');
    expect(ad.text.split('\n')[1]).toBe('c,3,,,Closed');
  });

  it('guesses column types from the head of a file', async () => {
    const csv = 'Name,Amount,Active,When,Notes,Cut\nx,1.5,yes,2026-01-01,"two\nlines",a\ny,-2,no,2026-01-02,,b\nz,3,no,2026-01-0';
    const res = await sendCsv(editor, `/workspaces/${workspaceId}/csv/preview?truncated=true`, csv);
    expect(res.status).toBe(200);
    expect(res.body.columns.map((c: { name: string; type: string }) => [c.name, c.type])).toEqual([
      ['Name', 'text'],
      ['Amount', 'number'],
      ['Active', 'checkbox'],
      ['When', 'date'],
      ['Notes', 'long_text'],
      ['Cut', 'text'],
    ]);
    // The last row may be cut off, so it is not shown.
    expect(res.body.rows).toEqual([
      ['x', '1.5', 'yes', '2026-01-01', 'two\nlines', 'a'],
      ['y', '-2', 'no', '2026-01-02', '', 'b'],
    ]);
    expect((await sendCsv(viewer, `/workspaces/${workspaceId}/csv/preview`, csv)).status).toBe(403);
  });

  it('a preview that reads only the head of a large body still answers the next request on the connection', async () => {
    const big = ['A,B', ...Array.from({ length: 20_000 }, (_, i) => `row ${i},${i}`)].join('\n');
    for (let i = 0; i < 3; i++) {
      const res = await sendCsv(editor, `/workspaces/${workspaceId}/csv/preview`, big);
      expect(res.status).toBe(200);
      expect(res.body.sampled_rows).toBe(1000);
      expect((await editor.get('/me')).status).toBe(200);
    }
  });
});
