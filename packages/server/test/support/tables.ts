import type { RecordInfo } from '@tandem/protocol';
import type { ApiClient } from './http-client.ts';

/** Field options as tests read them. */
export interface TestFieldOptions {
  readonly choices?: { id: string; name: string; color: string }[];
  readonly [key: string]: unknown;
}

/** A table created for a test, with its field ids by field name. */
export interface TestTable<N extends string = string> {
  readonly id: string;
  readonly workspaceId: string;
  /** Field id by field name. */
  readonly f: Record<N, string>;
  /** Field JSON by field name. */
  readonly fields: Record<N, TestField>;
}

/** A field as tests read it. */
export interface TestField {
  readonly id: string;
  readonly name: string;
  readonly type: string;
  readonly options: TestFieldOptions;
}

/** Creates a table through the API and fails loudly when that does not work. */
export async function createTable<const N extends string>(
  client: ApiClient,
  workspaceId: string,
  fields: readonly { name: N; type: string; options?: Record<string, unknown> }[],
  name = 'Things',
): Promise<TestTable<N>> {
  const res = await client.post(`/workspaces/${workspaceId}/tables`, { name, fields });
  if (res.status !== 201) throw new Error(`create table failed: ${res.status} ${JSON.stringify(res.body)}`);
  const byName = Object.fromEntries((res.body.fields as TestField[]).map((field) => [field.name, field])) as Record<N, TestField>;
  const ids = Object.fromEntries((res.body.fields as TestField[]).map((field) => [field.name, field.id])) as Record<N, string>;
  return { id: res.body.id, workspaceId, f: ids, fields: byName };
}

/** Creates a record and returns its JSON; fails loudly when refused. */
export async function createRecord(client: ApiClient, tableId: string, values: Record<string, unknown>): Promise<RecordInfo> {
  const res = await client.post(`/tables/${tableId}/records`, { values });
  if (res.status !== 201) throw new Error(`create record failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Every record of a table, following cursors; `query` is appended to each page request. */
export async function allRecords(client: ApiClient, tableId: string, query = '', limit = 100): Promise<RecordInfo[]> {
  const out: RecordInfo[] = [];
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
