import { ApiClient } from '../../packages/server/test/support/http-client.ts';

/** Logs a user in over HTTP and returns a bearer-token client, for setting up data around browser steps. */
export async function apiAs(baseUrl: string, email: string, password: string): Promise<ApiClient> {
  const res = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (!res.ok) throw new Error(`log-in of ${email} failed: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { token: string; user: { id: string; email: string; name: string } };
  return new ApiClient(baseUrl, body.token, body.user);
}

/** A field as created through the API. */
export interface CreatedField {
  readonly id: string;
  readonly name: string;
  readonly type: string;
  readonly options: { readonly choices?: readonly { id: string; name: string }[] };
}

/** Creates a table with the given fields and returns its id and fields by name. */
export async function createTable(
  api: ApiClient,
  workspaceId: string,
  name: string,
  fields: readonly { name: string; type: string; options?: Record<string, unknown> }[],
): Promise<{ id: string; fields: Record<string, CreatedField> }> {
  const created = await api.post(`/workspaces/${workspaceId}/tables`, { name, fields });
  if (created.status !== 201) throw new Error(`table creation failed: ${created.status} ${JSON.stringify(created.body)}`);
  const detail = await api.get(`/tables/${created.body.id}`);
  const byName: Record<string, CreatedField> = {};
  for (const f of detail.body.fields as CreatedField[]) byName[f.name] = f;
  return { id: created.body.id, fields: byName };
}
