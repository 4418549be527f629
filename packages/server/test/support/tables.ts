import type { ApiClient } from './http-client.ts';

/** A table created for a test, with its field ids by field name. */
export interface TestTable {
  readonly id: string;
  readonly workspaceId: string;
  /** Field id by field name. */
  readonly f: Record<string, string>;
  /** Field JSON by field name. */
  readonly fields: Record<string, { id: string; name: string; type: string; options: Record<string, any> }>;
}

/** Creates a table through the API and fails loudly when that does not work. */
export async function createTable(
  client: ApiClient,
  workspaceId: string,
  fields: readonly { name: string; type: string; options?: Record<string, unknown> }[],
  name = 'Things',
): Promise<TestTable> {
  const res = await client.post(`/workspaces/${workspaceId}/tables`, { name, fields });
  if (res.status !== 201) throw new Error(`create table failed: ${res.status} ${JSON.stringify(res.body)}`);
  const byName: TestTable['fields'] = {};
  for (const field of res.body.fields) byName[field.name] = field;
  return { id: res.body.id, workspaceId, f: Object.fromEntries(Object.entries(byName).map(([k, v]) => [k, v.id])), fields: byName };
}

/** Creates a record and returns its JSON; fails loudly when refused. */
export async function createRecord(client: ApiClient, tableId: string, values: Record<string, unknown>): Promise<any> {
  const res = await client.post(`/tables/${tableId}/records`, { values });
  if (res.status !== 201) throw new Error(`create record failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Every record of a table, following cursors; `query` is appended to each page request. */
export async function allRecords(client: ApiClient, tableId: string, query = '', limit = 100): Promise<any[]> {
  const out: any[] = [];
  let cursor: string | null = null;
  do {
    const qs: string = `limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}${query ? `&${query}` : ''}`;
    const res = await client.get(`/tables/${tableId}/records?${qs}`);
    if (res.status !== 200) throw new Error(`list failed: ${res.status} ${JSON.stringify(res.body)}`);
    out.push(...res.body.records);
    cursor = res.body.next_cursor;
  } while (cursor);
  return out;
}
