import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachDatabase } from './support/each-database.ts';
import { type ApiClient, newTeam } from './support/http-client.ts';
import { startServer, type TestServer } from './support/server.ts';
import { allRecords, createRecord, createTable, type TestField } from './support/tables.ts';
import { connectWs } from './support/ws-client.ts';

describeEachDatabase('editing a field: conversion preview, description, choices, number format', (db) => {
  let server: TestServer;
  let owner: ApiClient;
  let editor: ApiClient;
  let viewer: ApiClient;
  let ws: string;

  beforeAll(async () => {
    server = await startServer({ db });
    ({ owner, editor, viewer, workspaceId: ws } = await newTeam(server.url, { editor: ['Editor', 'editor'], viewer: ['Viewer', 'viewer'] }));
  });
  afterAll(async () => server?.close());

  /** A table with a text field "Amount" holding "12", "3.5", "n/a" and one record without a value. */
  async function amounts() {
    const table = await createTable(owner, ws, [
      { name: 'Name', type: 'text' },
      { name: 'Amount', type: 'text' },
    ]);
    for (const [name, amount] of [
      ['a', '12'],
      ['b', '3.5'],
      ['c', 'n/a'],
      ['d', undefined],
    ] as const) {
      await createRecord(owner, table.id, { [table.f.Name]: name, ...(amount ? { [table.f.Amount]: amount } : {}) });
    }
    return table;
  }

  const fieldOf = async (tableId: string, fieldId: string): Promise<TestField> =>
    (await owner.get(`/tables/${tableId}`)).body.fields.find((f: TestField) => f.id === fieldId);

  it('a preview of text → number counts the records that would change and the values that would be cleared, and writes nothing', async () => {
    const table = await amounts();
    const before = await allRecords(owner, table.id);
    const preview = await owner.post(`/fields/${table.f.Amount}/conversion-preview`, { type: 'number' });
    expect(preview.status).toBe(200);
    expect(preview.body).toEqual({ records_total: 4, records_changed: 3, values_cleared: 1 });
    expect(await allRecords(owner, table.id)).toEqual(before);
    expect((await fieldOf(table.id, table.f.Amount)).type).toBe('text');

    const changed = await owner.patch(`/fields/${table.f.Amount}`, { type: 'number' });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ type: 'number', records_changed: 3 });
    const values = (await allRecords(owner, table.id)).map((r) => r.values[table.f.Amount] ?? null);
    expect(values).toEqual([12, 3.5, null, null]);
  });

  it('a preview that changes nothing says so', async () => {
    const table = await amounts();
    const same = await owner.post(`/fields/${table.f.Amount}/conversion-preview`, { type: 'text' });
    expect(same.body).toEqual({ records_total: 4, records_changed: 0, values_cleared: 0 });
    const toLong = await owner.post(`/fields/${table.f.Amount}/conversion-preview`, { type: 'long_text' });
    expect(toLong.body).toEqual({ records_total: 4, records_changed: 0, values_cleared: 0 });
  });

  it('a description is set on creation, changed, shown with the table and cleared with an empty string', async () => {
    const table = await createTable(owner, ws, [{ name: 'Name', type: 'text' }]);
    const added = await owner.post(`/tables/${table.id}/fields`, { name: 'Due', type: 'date', description: 'When the customer needs it' });
    expect(added.body).toMatchObject({ description: 'When the customer needs it' });
    expect(table.fields.Name).toMatchObject({ description: '' });
    const changed = await owner.patch(`/fields/${added.body.id}`, { description: 'Promised delivery date' });
    expect(changed.body).toMatchObject({ name: 'Due', description: 'Promised delivery date', records_changed: 0 });
    expect(await fieldOf(table.id, added.body.id)).toMatchObject({ description: 'Promised delivery date' });
    // A patch without a description keeps it.
    await owner.patch(`/fields/${added.body.id}`, { name: 'Due date' });
    expect(await fieldOf(table.id, added.body.id)).toMatchObject({ name: 'Due date', description: 'Promised delivery date' });
    await owner.patch(`/fields/${added.body.id}`, { description: '' });
    expect(await fieldOf(table.id, added.body.id)).toMatchObject({ description: '' });
  });

  it('choices keep their ids: renaming and recolouring keep values, reordering persists, deleting clears (and the preview counts it)', async () => {
    const table = await createTable(owner, ws, [{ name: 'Status', type: 'single_select', options: { choices: ['Open', 'Blocked', 'Done'] } }]);
    const [open, blocked, done] = table.fields.Status.options.choices ?? [];
    if (!open || !blocked || !done) throw new Error('choices missing');
    const r1 = await createRecord(owner, table.id, { [table.f.Status]: open.id });
    const r2 = await createRecord(owner, table.id, { [table.f.Status]: blocked.id });
    const r3 = await createRecord(owner, table.id, { [table.f.Status]: blocked.id });
    const next = { choices: [{ ...done }, { ...open, name: 'To do', color: 'purple' }] };

    const preview = await owner.post(`/fields/${table.f.Status}/conversion-preview`, { options: next });
    expect(preview.body).toEqual({ records_total: 3, records_changed: 2, values_cleared: 2 });
    const changed = await owner.patch(`/fields/${table.f.Status}`, { options: next });
    expect(changed.status).toBe(200);
    expect(changed.body.records_changed).toBe(2);
    expect(changed.body.options.choices).toEqual([
      { id: done.id, name: 'Done', color: done.color },
      { id: open.id, name: 'To do', color: 'purple' },
    ]);
    expect((await owner.get(`/records/${r1.id}`)).body.values[table.f.Status]).toBe(open.id);
    expect((await owner.get(`/records/${r2.id}`)).body.values).toEqual({});
    expect((await owner.get(`/records/${r3.id}`)).body.values).toEqual({});
    expect((await fieldOf(table.id, table.f.Status)).options.choices?.map((c) => c.name)).toEqual(['Done', 'To do']);
  });

  it('a number field keeps its format: decimals, currency with its code, percent', async () => {
    const table = await createTable(owner, ws, [{ name: 'Price', type: 'number' }]);
    const currency = await owner.patch(`/fields/${table.f.Price}`, { options: { precision: 2, format: 'currency', currency: 'EUR' } });
    expect(currency.status).toBe(200);
    expect(currency.body.options).toEqual({ precision: 2, format: 'currency', currency: 'EUR' });
    const percent = await owner.patch(`/fields/${table.f.Price}`, { options: { precision: 1, format: 'percent' } });
    expect(percent.body.options).toEqual({ precision: 1, format: 'percent' });
  });

  it('bad input is refused with invalid_input and changes nothing', async () => {
    const table = await createTable(owner, ws, [
      { name: 'Price', type: 'number' },
      { name: 'Status', type: 'single_select', options: { choices: ['Open'] } },
    ]);
    const record = await createRecord(owner, table.id, { [table.f.Price]: 5 });
    const before = (await owner.get(`/tables/${table.id}`)).body.fields;
    const bad: [string, string, unknown][] = [
      ['PATCH', table.f.Price, { type: 'spreadsheet' }],
      ['POST', table.f.Price, { type: 'spreadsheet' }],
      ['PATCH', table.f.Price, { options: { precision: 11 } }],
      ['POST', table.f.Price, { options: { precision: -1 } }],
      ['PATCH', table.f.Price, { options: { format: 'scientific' } }],
      ['PATCH', table.f.Price, { options: { format: 'currency' } }],
      ['PATCH', table.f.Price, { options: { format: 'currency', currency: 'euro' } }],
      ['PATCH', table.f.Price, { options: { format: 'currency', currency: 'XYZ' } }],
      ['PATCH', table.f.Price, { description: 'x'.repeat(2001) }],
      ['PATCH', table.f.Status, { options: { choices: [{ name: 'Open', color: 'mauve' }] } }],
      ['POST', table.f.Status, { options: { choices: [{ name: 'Open', color: '#ff0000' }] } }],
    ];
    for (const [method, fieldId, body] of bad) {
      const path = method === 'PATCH' ? `/fields/${fieldId}` : `/fields/${fieldId}/conversion-preview`;
      const res = await owner.request(method, path, body);
      expect(res.status, `${method} ${JSON.stringify(body)}`).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'invalid_input', message: expect.any(String) });
    }
    expect((await owner.get(`/tables/${table.id}`)).body.fields).toEqual(before);
    expect((await owner.get(`/records/${record.id}`)).body).toMatchObject({ version: record.version, values: { [table.f.Price]: 5 } });
  });

  it('viewers and editors may not preview or change a field', async () => {
    const table = await amounts();
    for (const client of [viewer, editor]) {
      const preview = await client.post(`/fields/${table.f.Amount}/conversion-preview`, { type: 'number' });
      expect(preview.status).toBe(403);
      expect(preview.body.error.code).toBe('forbidden');
      const patch = await client.patch(`/fields/${table.f.Amount}`, { type: 'number', description: 'no' });
      expect(patch.status).toBe(403);
    }
    expect(await fieldOf(table.id, table.f.Amount)).toMatchObject({ type: 'text', description: '' });
  });

  it('the table room hears field_updated with the new type, options and description', async () => {
    const table = await amounts();
    const socket = await connectWs(server.url, viewer);
    try {
      await socket.subscribe(`table:${table.id}`);
      await owner.patch(`/fields/${table.f.Amount}`, { type: 'number', options: { format: 'currency', currency: 'USD', precision: 2 }, description: 'Net' });
      const event = await socket.waitFor((m) => m.type === 'field_updated');
      expect(event.data).toMatchObject({
        id: table.f.Amount,
        type: 'number',
        description: 'Net',
        options: { format: 'currency', currency: 'USD', precision: 2 },
        records_changed: 3,
      });
    } finally {
      await socket.close();
    }
  });
});

describe('conversion preview in the OpenAPI document', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ db: 'pglite' });
  });
  afterAll(async () => server?.close());

  it('is documented with its response schema', async () => {
    const doc = (await (await fetch(`${server.url}/docs/json`)).json()) as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
    expect(doc.paths['/api/v1/fields/{id}/conversion-preview']?.post?.responses['200']).toBeDefined();
  });
});
