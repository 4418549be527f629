import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from './support/each-database.ts';
import { type ApiClient, newTeam, newUser, workspaceWith } from './support/http-client.ts';
import { startServer, type TestServer } from './support/server.ts';
import { createRecord, createTable, type TestTable } from './support/tables.ts';

describeEachDatabase('searching a table', (db) => {
  let server: TestServer;
  let owner: ApiClient;
  let viewer: ApiClient;
  let stranger: ApiClient;
  let table: TestTable<'Title' | 'Notes' | 'Qty' | 'Status' | 'Tags' | 'Owner' | 'Done'>;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    server = await startServer({ db });
    const team = await newTeam(server.url, { viewer: ['Vera Lindqvist', 'viewer'] });
    ({ owner, viewer } = team);
    stranger = await newUser(server.url, 'Stranger');
    await workspaceWith(stranger);
    table = await createTable(owner, team.workspaceId, [
      { name: 'Title', type: 'text' },
      { name: 'Notes', type: 'long_text' },
      { name: 'Qty', type: 'number' },
      { name: 'Status', type: 'single_select', options: { choices: ['Waiting for parts', 'Done'] } },
      { name: 'Tags', type: 'multi_select', options: { choices: ['Hydraulics', 'Electrical'] } },
      { name: 'Owner', type: 'user' },
      { name: 'Done', type: 'checkbox' },
    ]);
    const { f } = table;
    const vera = viewer.user?.id;
    ids.pump = (await createRecord(owner, table.id, { [f.Title]: 'Pump PARTS list', [f.Qty]: 1250, [f.Status]: 'Done', [f.Done]: true })).id;
    ids.valve = (await createRecord(owner, table.id, { [f.Title]: 'Valve', [f.Notes]: 'spare parts ordered', [f.Tags]: ['Hydraulics'], [f.Owner]: vera })).id;
    ids.motor = (await createRecord(owner, table.id, { [f.Title]: 'Motor 100% load', [f.Status]: 'Waiting for parts', [f.Tags]: ['Electrical'] })).id;
  });
  afterAll(async () => server?.close());

  const search = async (client: ApiClient, query: string) => client.get(`/tables/${table.id}/search?${query}`);
  const found = async (q: string, client = owner) => {
    const res = await search(client, `q=${encodeURIComponent(q)}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return Object.fromEntries((res.body.matches as { record_id: string; field_ids: string[] }[]).map((m) => [m.record_id, [...m.field_ids].sort()]));
  };

  it('finds text in every text field, ignoring case, with the fields each record has it in', async () => {
    const { f } = table;
    expect(await found('parts')).toEqual({
      [ids.pump as string]: [f.Title],
      [ids.valve as string]: [f.Notes],
      [ids.motor as string]: [f.Status],
    });
  });

  it('reads choices and people by the names people see, and numbers as written', async () => {
    const { f } = table;
    expect(await found('hydraul')).toEqual({ [ids.valve as string]: [f.Tags] });
    expect(await found('lindqvist')).toEqual({ [ids.valve as string]: [f.Owner] });
    expect(await found('125')).toEqual({ [ids.pump as string]: [f.Qty] });
    // "Done" is a choice of the pump's status; the checkbox is not searched.
    expect(await found('done')).toEqual({ [ids.pump as string]: [f.Status] });
  });

  it('takes % and _ as themselves, not as wildcards', async () => {
    const { f } = table;
    expect(await found('100%')).toEqual({ [ids.motor as string]: [f.Title] });
    expect(await found('%')).toEqual({ [ids.motor as string]: [f.Title] });
    expect(await found('_')).toEqual({});
  });

  it('searches only the fields asked for, and counts what it found', async () => {
    const { f } = table;
    const res = await search(owner, `q=parts&fields=${f.Title},${f.Notes}`);
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(2);
    expect(res.body.truncated).toBe(false);
    expect(res.body.matches.map((m: { record_id: string }) => m.record_id)).toEqual([ids.pump, ids.valve]);
  });

  it('is open to readers and closed to others; bad input is refused', async () => {
    expect(Object.keys(await found('valve', viewer))).toEqual([ids.valve]);
    const outsider = await search(stranger, 'q=valve');
    expect([403, 404]).toContain(outsider.status);
    expect(outsider.body.error.code).toMatch(/forbidden|not_found/);
    for (const query of [
      'q=',
      'q=%20%20',
      `q=${'x'.repeat(201)}`,
      'fields=x&q=a',
      `q=a&fields=${table.f.Title},nope`,
      'q=a&fields=00000000-0000-4000-8000-000000000000',
    ]) {
      const res = await search(owner, query);
      expect(res.status, query).toBe(400);
      expect(res.body.error.code, query).toBe('invalid_input');
    }
  });
});
