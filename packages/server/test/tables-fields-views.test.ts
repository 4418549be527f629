import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachDatabase } from './support/each-database.ts';
import { type ApiClient, newTeam } from './support/http-client.ts';
import { startServer, type TestServer } from './support/server.ts';
import { allRecords, createRecord, createTable } from './support/tables.ts';

describeEachDatabase('tables, fields and views', (db) => {
  let server: TestServer;
  let owner: ApiClient;
  let editor: ApiClient;
  let ws: string;

  beforeAll(async () => {
    server = await startServer({ db });
    ({ owner, editor, workspaceId: ws } = await newTeam(server.url, { editor: ['Editor', 'editor'] }));
  });
  afterAll(async () => server?.close());

  it('the OpenAPI document lists every table, field, view, record and activity route', async () => {
    const doc = (await (await fetch(`${server.url}/docs/json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    const routes = Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path.replace('/api/v1', '')}`));
    for (const route of [
      'GET /workspaces/{id}/tables',
      'POST /workspaces/{id}/tables',
      'GET /tables/{id}',
      'PATCH /tables/{id}',
      'DELETE /tables/{id}',
      'POST /tables/{id}/fields',
      'PATCH /fields/{id}',
      'DELETE /fields/{id}',
      'GET /tables/{id}/views',
      'POST /tables/{id}/views',
      'PATCH /views/{id}',
      'DELETE /views/{id}',
      'GET /tables/{id}/records',
      'POST /tables/{id}/records',
      'GET /records/{id}',
      'PATCH /records/{id}',
      'DELETE /records/{id}',
      'GET /tables/{id}/activity',
      'GET /records/{id}/activity',
      'GET /workspaces/{id}/activity',
    ]) {
      expect(routes).toContain(route);
    }
  });

  describe('tables', () => {
    it('a new table without fields gets a text field "Name" and is listed in its workspace', async () => {
      const created = await owner.post(`/workspaces/${ws}/tables`, { name: 'Plain' });
      expect(created.status).toBe(201);
      expect(created.body.fields.map((f: { name: string; type: string }) => [f.name, f.type])).toEqual([['Name', 'text']]);
      const list = await owner.get(`/workspaces/${ws}/tables`);
      expect(list.body.tables.map((t: { id: string }) => t.id)).toContain(created.body.id);
      const renamed = await owner.patch(`/tables/${created.body.id}`, { name: 'Renamed', description: 'about' });
      expect(renamed.body).toMatchObject({ name: 'Renamed', description: 'about' });
      const detail = await owner.get(`/tables/${created.body.id}`);
      expect(detail.body).toMatchObject({ name: 'Renamed', fields: [{ name: 'Name' }], views: [] });
    });

    it('deleting a table removes its records and the link fields of other tables that point at it', async () => {
      const target = await createTable(owner, ws, [{ name: 'Name', type: 'text' }], 'Target');
      const source = await createTable(owner, ws, [{ name: 'Name', type: 'text' }], 'Source');
      const link = await owner.post(`/tables/${source.id}/fields`, { name: 'Target', type: 'link', options: { linked_table_id: target.id } });
      const t = await createRecord(owner, target.id, { [target.f.Name]: 'a' });
      const s = await createRecord(owner, source.id, { [source.f.Name]: 'b', [link.body.id]: [t.id] });
      expect((await owner.delete(`/tables/${target.id}`)).status).toBe(204);
      expect((await owner.get(`/tables/${target.id}`)).status).toBe(404);
      expect((await owner.get(`/records/${t.id}`)).status).toBe(404);
      const after = await owner.get(`/records/${s.id}`);
      expect(after.body.values).toEqual({ [source.f.Name]: 'b' });
      expect((await owner.get(`/tables/${source.id}`)).body.fields.map((f: { name: string }) => f.name)).toEqual(['Name']);
    });
  });

  describe('fields keep records consistent', () => {
    it('renaming a field changes no record', async () => {
      const table = await createTable(owner, ws, [{ name: 'Title', type: 'text' }]);
      const record = await createRecord(owner, table.id, { [table.f.Title]: 'x' });
      const renamed = await owner.patch(`/fields/${table.f.Title}`, { name: 'Heading' });
      expect(renamed.status).toBe(200);
      expect(renamed.body.name).toBe('Heading');
      const after = await owner.get(`/records/${record.id}`);
      expect(after.body).toEqual(record);
    });

    it('deleting a field removes its value from every record and from every view in one step', async () => {
      const table = await createTable(owner, ws, [
        { name: 'Title', type: 'text' },
        { name: 'Qty', type: 'number' },
      ]);
      const withQty = await createRecord(owner, table.id, { [table.f.Title]: 'a', [table.f.Qty]: 1 });
      const withoutQty = await createRecord(owner, table.id, { [table.f.Title]: 'b' });
      const view = await editor.post(`/tables/${table.id}/views`, {
        name: 'Big',
        filters: [{ field_id: table.f.Qty, op: 'gt', value: 0 }],
        sorts: [{ field_id: 'Qty', direction: 'desc' }],
        hidden_fields: [table.f.Qty, table.f.Title],
      });
      expect(view.status).toBe(201);
      const removed = await owner.delete(`/fields/${table.f.Qty}`);
      expect(removed.status).toBe(200);
      expect(removed.body.records_changed).toBe(1);
      const a = (await owner.get(`/records/${withQty.id}`)).body;
      expect(a.values).toEqual({ [table.f.Title]: 'a' });
      expect(a.version).toBe(2);
      expect((await owner.get(`/records/${withoutQty.id}`)).body.version).toBe(1);
      const v = (await owner.get(`/tables/${table.id}/views`)).body.views[0];
      expect(v).toMatchObject({ filters: [], sorts: [], hidden_fields: [table.f.Title] });
      const write = await owner.patch(`/records/${withQty.id}`, { values: { [table.f.Qty]: 2 } });
      expect(write.status).toBe(400);
      expect(write.body.error.details.field_id).toBe(table.f.Qty);
    });

    it('changing a type converts values that have a form in the new type and clears the rest', async () => {
      const table = await createTable(owner, ws, [{ name: 'Code', type: 'text' }]);
      const numeric = await createRecord(owner, table.id, { [table.f.Code]: ' 42 ' });
      const wordy = await createRecord(owner, table.id, { [table.f.Code]: 'forty-two' });
      const toNumber = await owner.patch(`/fields/${table.f.Code}`, { type: 'number' });
      expect(toNumber.status).toBe(200);
      expect(toNumber.body.records_changed).toBe(2);
      const n = (await owner.get(`/records/${numeric.id}`)).body;
      expect(n.values[table.f.Code]).toBe(42);
      expect(n.version).toBe(2);
      expect((await owner.get(`/records/${wordy.id}`)).body.values).toEqual({});
      await owner.patch(`/fields/${table.f.Code}`, { type: 'text' });
      expect((await owner.get(`/records/${numeric.id}`)).body.values[table.f.Code]).toBe('42');
    });

    it('a text field that becomes a select gets one choice per distinct value', async () => {
      const table = await createTable(owner, ws, [{ name: 'Status', type: 'text' }]);
      const open = await createRecord(owner, table.id, { [table.f.Status]: 'Open' });
      await createRecord(owner, table.id, { [table.f.Status]: 'open' });
      await createRecord(owner, table.id, { [table.f.Status]: 'Done' });
      const res = await owner.patch(`/fields/${table.f.Status}`, { type: 'single_select' });
      expect(res.status).toBe(200);
      const choices: { id: string; name: string }[] = res.body.options.choices;
      expect(choices.map((c) => c.name)).toEqual(['Open', 'Done']);
      expect((await owner.get(`/records/${open.id}`)).body.values[table.f.Status]).toBe(choices[0]?.id);
    });

    it('renaming a choice keeps the values; removing a choice clears them', async () => {
      const table = await createTable(owner, ws, [{ name: 'Tags', type: 'multi_select', options: { choices: [{ name: 'Red' }, { name: 'Blue' }] } }]);
      const [red, blue] = table.fields.Tags.options.choices ?? [];
      const record = await createRecord(owner, table.id, { [table.f.Tags]: ['Red', 'Blue'] });
      const renamed = await owner.patch(`/fields/${table.f.Tags}`, { options: { choices: [{ ...red, name: 'Crimson' }, blue] } });
      expect(renamed.body.records_changed).toBe(0);
      expect((await owner.get(`/records/${record.id}`)).body.values[table.f.Tags]).toEqual([red?.id, blue?.id]);
      const dropped = await owner.patch(`/fields/${table.f.Tags}`, { options: { choices: [blue] } });
      expect(dropped.body.records_changed).toBe(1);
      expect((await owner.get(`/records/${record.id}`)).body.values[table.f.Tags]).toEqual([blue?.id]);
    });
    it('a select field takes its choices as plain names as well as objects, and refuses a blank or doubled one', async () => {
      const table = await createTable(owner, ws, [{ name: 'Name', type: 'text' }]);
      const made = await owner.post(`/tables/${table.id}/fields`, {
        name: 'Stage',
        type: 'single_select',
        options: { choices: ['Draft', { name: 'Ready', color: 'green' }, '  Done  '] },
      });
      expect(made.status).toBe(201);
      const choices: { id: string; name: string; color: string }[] = made.body.options.choices;
      expect(choices.map((c) => c.name)).toEqual(['Draft', 'Ready', 'Done']);
      expect(choices.every((c) => c.id.length > 0 && c.color.length > 0)).toBe(true);
      expect(choices[1]?.color).toBe('green');
      const record = await createRecord(owner, table.id, { [made.body.id]: 'Ready' });
      expect(record.values[made.body.id]).toBe(choices[1]?.id);

      const fieldsBefore = (await owner.get(`/tables/${table.id}`)).body.fields.length;
      const blank = await owner.post(`/tables/${table.id}/fields`, { name: 'Blank', type: 'single_select', options: { choices: ['  '] } });
      expect(blank.status).toBe(400);
      expect(blank.body.error.code).toBe('invalid_input');
      const twice = await owner.post(`/tables/${table.id}/fields`, { name: 'Twice', type: 'multi_select', options: { choices: ['Red', { name: 'red' }] } });
      expect(twice.status).toBe(400);
      expect((await owner.get(`/tables/${table.id}`)).body.fields.length).toBe(fieldsBefore);
    });
  });

  describe('views and listing', () => {
    it('a view filters and sorts records; ad-hoc filter and sort combine with it', async () => {
      const table = await createTable(owner, ws, [
        { name: 'Title', type: 'text' },
        { name: 'Qty', type: 'number' },
        { name: 'Status', type: 'single_select', options: { choices: [{ name: 'Open' }, { name: 'Done' }] } },
        { name: 'Owner', type: 'user' },
        { name: 'Due', type: 'date' },
      ]);
      const { f } = table;
      const rows = [
        ['alpha', 5, 'Open', owner, '2025-01-03'],
        ['beta', 9, 'Done', editor, '2025-01-01'],
        ['gamma', 1, 'Open', editor, '2025-01-02'],
        ['delta', null, 'Open', owner, null],
        ['epsilon', 7, null, owner, '2025-01-02T12:00:00Z'],
      ] as const;
      for (const [title, qty, status, who, due] of rows) {
        await createRecord(owner, table.id, { [f.Title]: title, [f.Qty]: qty, [f.Status]: status, [f.Owner]: who.user?.id, [f.Due]: due });
      }
      const view = await editor.post(`/tables/${table.id}/views`, {
        name: 'Open by qty',
        filters: [{ field_id: 'Status', op: 'neq', value: 'Done' }],
        sorts: [{ field_id: f.Qty, direction: 'desc' }],
      });
      expect(view.status).toBe(201);
      expect(view.body.filters[0].field_id).toBe(f.Status);
      const titles = async (query: string) => (await allRecords(editor, table.id, query, 2)).map((r) => r.values[f.Title]);
      // Empty values sort last in both directions; a "not Done" filter keeps records with no status.
      expect(await titles(`view=${view.body.id}`)).toEqual(['epsilon', 'alpha', 'gamma', 'delta']);
      expect(await titles(`view=${view.body.id}&sort=Qty`)).toEqual(['gamma', 'alpha', 'epsilon', 'delta']);
      const mine = encodeURIComponent(JSON.stringify([{ field_id: f.Owner, op: 'eq', value: 'me' }]));
      expect(await titles(`view=${view.body.id}&filter=${mine}`)).toEqual(['gamma']);
      const dueDay = encodeURIComponent(JSON.stringify([{ field_id: 'Due', op: 'eq', value: '2025-01-02' }]));
      expect(await titles(`filter=${dueDay}&sort=-Title`)).toEqual(['gamma', 'epsilon']);
      expect(await titles(`sort=${encodeURIComponent(JSON.stringify([{ field_id: f.Status, direction: 'asc' }]))}`)).toEqual([
        'alpha',
        'gamma',
        'delta',
        'beta',
        'epsilon',
      ]);
      const contains = encodeURIComponent(JSON.stringify([{ field_id: f.Title, op: 'contains', value: 'TA' }]));
      expect(await titles(`filter=${contains}`)).toEqual(['beta', 'delta']);
    });

    it('a filter the field type cannot take is refused', async () => {
      const table = await createTable(owner, ws, [{ name: 'Done', type: 'checkbox' }]);
      const res = await editor.post(`/tables/${table.id}/views`, { name: 'x', filters: [{ field_id: table.f.Done, op: 'gt', value: true }] });
      expect(res.status).toBe(400);
      expect(res.body.error.details.field_id).toBe(table.f.Done);
      const unknown = await editor.get(`/tables/${table.id}/records?sort=Nope`);
      expect(unknown.status).toBe(400);
    });

    it('pagination returns every record exactly once, in the same order as one big page', async () => {
      const table = await createTable(owner, ws, [
        { name: 'N', type: 'number' },
        { name: 'Label', type: 'text' },
      ]);
      const created: string[] = [];
      for (let i = 0; i < 60; i += 1) {
        const values = { [table.f.N]: i % 7 === 0 ? null : i % 5, [table.f.Label]: `r${i % 3}` };
        created.push((await createRecord(owner, table.id, values)).id);
      }
      for (const query of ['', 'sort=-N,Label', 'sort=Label,-N']) {
        const whole = (await allRecords(owner, table.id, query, 1000)).map((r) => r.id);
        const paged = (await allRecords(owner, table.id, query, 7)).map((r) => r.id);
        expect(paged).toEqual(whole);
        expect(new Set(paged).size).toBe(60);
        expect([...paged].sort()).toEqual([...created].sort());
      }
      expect((await allRecords(owner, table.id, '', 7)).map((r) => r.id)).toEqual(created);
    });

    it('a cursor from another sort order is refused', async () => {
      const table = await createTable(owner, ws, [{ name: 'N', type: 'number' }]);
      for (let i = 0; i < 3; i += 1) await createRecord(owner, table.id, { [table.f.N]: i });
      const first = await owner.get(`/tables/${table.id}/records?limit=1&sort=N`);
      const wrong = await owner.get(`/tables/${table.id}/records?limit=1&sort=-N&cursor=${first.body.next_cursor}`);
      expect(wrong.status).toBe(400);
      expect(wrong.body.error.code).toBe('invalid_input');
    });

    it('record, field and view changes are durable events in the record, table and workspace rooms', async () => {
      const table = await createTable(owner, ws, [{ name: 'Title', type: 'text' }]);
      const record = await createRecord(editor, table.id, { [table.f.Title]: 'one' });
      await editor.patch(`/records/${record.id}`, { values: { [table.f.Title]: 'two' } });
      await owner.post(`/tables/${table.id}/fields`, { name: 'Qty', type: 'number' });
      const { ctx } = server.tandem;
      const inRecord = await ctx.events.readAfter(ctx.db, `record:${record.id}`, 0);
      // The record's room carries its changes and its timeline (activity), each write's entry first.
      expect(inRecord.map((e) => [e.type, e.seq])).toEqual([
        ['activity_created', 1],
        ['record_created', 2],
        ['activity_created', 3],
        ['record_updated', 4],
      ]);
      expect(inRecord[3]?.data).toMatchObject({ id: record.id, version: 2, changed_fields: [table.f.Title], values: { [table.f.Title]: 'two' } });
      expect(inRecord[2]?.data).toMatchObject({ record_id: record.id, action: 'updated', changes: [{ field_id: table.f.Title, before: 'one', after: 'two' }] });
      // The table's room gets each record change once, and activity only for the table's own changes (the new field).
      const inTable = (await ctx.events.readAfter(ctx.db, `table:${table.id}`, 0)).map((e) => e.type);
      expect(inTable.filter((type) => type.startsWith('record_'))).toEqual(['record_created', 'record_updated']);
      expect(inTable).toEqual(expect.arrayContaining(['field_created', 'activity_created']));
      const activityInTable = (await ctx.events.readAfter(ctx.db, `table:${table.id}`, 0)).filter((e) => e.type === 'activity_created');
      expect(activityInTable.every((e) => (e.data as { record_id: string | null }).record_id === null)).toBe(true);
      const inWorkspace = (await ctx.events.readAfter(ctx.db, `workspace:${ws}`, 0)).filter((e) => (e.data as { id?: string }).id === table.id);
      expect(inWorkspace.map((e) => e.type)).toContain('table_created');
    });
  });
});
