import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from './support/each-database.ts';
import { type ApiClient, newUser, workspaceWith } from './support/http-client.ts';
import { startServer, type TestServer } from './support/server.ts';
import { createRecord, createTable, type TestTable } from './support/tables.ts';

describeEachDatabase('record values', (db) => {
  let server: TestServer;
  let owner: ApiClient;
  let member: ApiClient;
  let outsider: ApiClient;
  let parts: TestTable<'Part'>;
  let orders: TestTable<'Title' | 'Notes' | 'Qty' | 'Done' | 'Due' | 'Status' | 'Tags' | 'Assignee' | 'Parts' | 'Files'>;
  let partId: string;

  beforeAll(async () => {
    server = await startServer({ db });
    owner = await newUser(server.url, 'Owner');
    member = await newUser(server.url, 'Member');
    outsider = await newUser(server.url, 'Outsider');
    const ws = await workspaceWith(owner, [[member, 'editor']]);
    await workspaceWith(outsider);
    parts = await createTable(owner, ws, [{ name: 'Part', type: 'text' }], 'Parts');
    orders = await createTable(
      owner,
      ws,
      [
        { name: 'Title', type: 'text' },
        { name: 'Notes', type: 'long_text' },
        { name: 'Qty', type: 'number', options: { precision: 0 } },
        { name: 'Done', type: 'checkbox' },
        { name: 'Due', type: 'date' },
        { name: 'Status', type: 'single_select', options: { choices: [{ name: 'Open' }, { name: 'Closed', color: 'green' }] } },
        { name: 'Tags', type: 'multi_select', options: { choices: [{ name: 'Urgent' }, { name: 'Rework' }] } },
        { name: 'Assignee', type: 'user' },
        { name: 'Parts', type: 'link', options: { linked_table_id: parts.id } },
        { name: 'Files', type: 'attachment' },
      ],
      'Orders',
    );
    partId = (await createRecord(owner, parts.id, { [parts.f.Part]: 'Bracket' })).id;
  });
  afterAll(async () => server?.close());

  it('a record with a valid value in every field type is stored as given, selects by choice id', async () => {
    const f = orders.f;
    const choices = orders.fields.Status.options.choices ?? [];
    const created = await createRecord(owner, orders.id, {
      [f.Title as string]: 'Weld frame',
      [f.Notes as string]: 'Line 1\nLine 2',
      [f.Qty as string]: 12,
      [f.Done as string]: false,
      [f.Due as string]: '2025-03-01',
      [f.Status as string]: 'closed',
      [f.Tags as string]: ['Urgent', 'Rework', 'Urgent'],
      [f.Assignee as string]: member.user?.id,
      [f.Parts as string]: [partId],
      [f.Files as string]: [{ name: 'drawing.pdf', url: 'https://files.example/d.pdf', size: 1234, mime_type: 'application/pdf' }],
    });
    expect(created.version).toBe(1);
    expect(created.values[f.Status as string]).toBe(choices.find((c) => c.name === 'Closed')?.id);
    expect(created.values[f.Tags as string]).toHaveLength(2);
    expect(created.values[f.Qty as string]).toBe(12);
    expect(created.values[f.Done as string]).toBe(false);
    expect(created.values[f.Parts as string]).toEqual([partId]);
    expect(Object.keys(created)).toEqual(
      expect.arrayContaining(['id', 'table_id', 'values', 'version', 'created_by', 'updated_by', 'created_at', 'updated_at']),
    );
    const fetched = await owner.get(`/records/${created.id}`);
    expect(fetched.body).toEqual(created);
    expect(fetched.headers.get('etag')).toBe('"1"');
    // The stored form reads back with its keys in another order; writing it again is still no change.
    const same = await owner.patch(`/records/${created.id}`, { values: fetched.body.values });
    expect(same.body.version).toBe(1);
  });

  it.each([
    ['Title', 42, /Title/],
    ['Notes', { text: 'x' }, /Notes/],
    ['Qty', '12', /Qty.*number/],
    ['Done', 'yes', /Done.*true or false/],
    ['Due', '2025-02-30', /Due.*date/],
    ['Due', 'next tuesday', /Due.*date/],
    ['Status', 'Maybe', /Status.*Open, Closed/],
    ['Tags', 'Urgent', /Tags.*list/],
    ['Tags', ['Nope'], /Tags/],
    ['Assignee', 'not-a-uuid', /Assignee/],
    ['Parts', 'abc', /Parts.*record ids/],
    ['Files', [{ name: 'x.pdf', url: 'javascript:alert(1)', size: 1, mime_type: 'application/pdf' }], /Files/],
    ['Files', [{ name: 'x.pdf', size: 1 }], /Files/],
  ])('a wrong value for %s is 400 invalid_input naming the field', async (name, value, message) => {
    const fieldId = orders.f[name as keyof typeof orders.f];
    const res = await owner.post(`/tables/${orders.id}/records`, { values: { [fieldId]: value } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_input');
    expect(res.body.error.details.field_id).toBe(fieldId);
    expect(res.body.error.message).toMatch(message);
  });

  it('a user value must be a member of the workspace', async () => {
    const res = await owner.post(`/tables/${orders.id}/records`, { values: { [orders.f.Assignee]: outsider.user?.id } });
    expect(res.status).toBe(400);
    expect(res.body.error.details.field_id).toBe(orders.f.Assignee);
  });

  it('a link must point at existing records of the linked table', async () => {
    const other = await createRecord(owner, orders.id, { [orders.f.Title]: 'not a part' });
    for (const ids of [[other.id], ['00000000-0000-4000-8000-000000000000']]) {
      const res = await owner.post(`/tables/${orders.id}/records`, { values: { [orders.f.Parts]: ids } });
      expect(res.status).toBe(400);
      expect(res.body.error.details.field_id).toBe(orders.f.Parts);
    }
  });

  it('an unknown field id is refused and nothing is written', async () => {
    const record = await createRecord(owner, orders.id, { [orders.f.Title]: 'keep me' });
    const res = await owner.patch(`/records/${record.id}`, { values: { [orders.f.Title]: 'changed', [parts.f.Part]: 'x' } });
    expect(res.status).toBe(400);
    expect(res.body.error.details.field_id).toBe(parts.f.Part);
    const after = await owner.get(`/records/${record.id}`);
    expect(after.body.values[orders.f.Title]).toBe('keep me');
    expect(after.body.version).toBe(1);
  });

  it('null and empty values clear a cell; a write that changes nothing keeps the version', async () => {
    const title = orders.f.Title;
    const tags = orders.f.Tags;
    const record = await createRecord(owner, orders.id, { [title]: 'clear me', [tags]: ['Urgent'] });
    const cleared = await owner.patch(`/records/${record.id}`, { values: { [title]: null, [tags]: [] } });
    expect(cleared.status).toBe(200);
    expect(cleared.body.values).toEqual({});
    expect(cleared.body.version).toBe(2);
    const again = await owner.patch(`/records/${record.id}`, { values: { [title]: '' } });
    expect(again.body.version).toBe(2);
  });

  it('a date with a time is stored as a UTC instant', async () => {
    const record = await createRecord(owner, orders.id, { [orders.f.Due]: '2025-03-01T10:00:00+02:00' });
    expect(record.values[orders.f.Due]).toBe('2025-03-01T08:00:00.000Z');
  });

  it('a field name is unique per table and options are checked per type', async () => {
    const dup = await owner.post(`/tables/${orders.id}/fields`, { name: 'title', type: 'number' });
    expect(dup.status).toBe(409);
    const badLink = await owner.post(`/tables/${orders.id}/fields`, {
      name: 'Other',
      type: 'link',
      options: { linked_table_id: '00000000-0000-4000-8000-000000000000' },
    });
    expect(badLink.status).toBe(400);
    const unknownOption = await owner.post(`/tables/${orders.id}/fields`, { name: 'Other', type: 'text', options: { colour: 'red' } });
    expect(unknownOption.status).toBe(400);
    const dupChoice = await owner.post(`/tables/${orders.id}/fields`, {
      name: 'Other',
      type: 'single_select',
      options: { choices: [{ name: 'A' }, { name: 'a' }] },
    });
    expect(dupChoice.status).toBe(400);
  });
});
