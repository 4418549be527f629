/** A response as tests see it. */
export interface ApiResponse<T = any> {
  readonly status: number;
  readonly body: T;
  readonly headers: Headers;
}

/** A user session against a test server, authenticated by bearer token. */
export class ApiClient {
  constructor(
    readonly baseUrl: string,
    readonly token: string | null = null,
    readonly user: { id: string; email: string; name: string } | null = null,
  ) {}

  async request<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse<T>> {
    const res = await fetch(`${this.baseUrl}/api/v1${path}`, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
  }

  get<T = any>(path: string) {
    return this.request<T>('GET', path);
  }
  post<T = any>(path: string, body: unknown = {}) {
    return this.request<T>('POST', path, body);
  }
  patch<T = any>(path: string, body: unknown, headers?: Record<string, string>) {
    return this.request<T>('PATCH', path, body, headers);
  }
  put<T = any>(path: string, body: unknown) {
    return this.request<T>('PUT', path, body);
  }
  delete<T = any>(path: string) {
    return this.request<T>('DELETE', path);
  }
}

let counter = 0;

/** Registers a new user and logs them in; returns a client acting as them. */
export async function newUser(baseUrl: string, name = 'User'): Promise<ApiClient> {
  counter += 1;
  const email = `${name.toLowerCase().replace(/\W+/g, '')}.${counter}.${Math.random().toString(36).slice(2, 8)}@example.test`;
  const anon = new ApiClient(baseUrl);
  const reg = await anon.post('/auth/register', { email, name, password: 'correct horse battery' });
  if (reg.status !== 201) throw new Error(`register failed: ${reg.status} ${JSON.stringify(reg.body)}`);
  const login = await anon.post('/auth/login', { email, password: 'correct horse battery' });
  if (login.status !== 200) throw new Error(`login failed: ${login.status} ${JSON.stringify(login.body)}`);
  return new ApiClient(baseUrl, login.body.token, login.body.user);
}

/** Creates a workspace owned by `owner` and adds the given users with their roles. */
export async function workspaceWith(owner: ApiClient, members: readonly [ApiClient, string][] = []): Promise<string> {
  const ws = await owner.post('/workspaces', { name: 'Test workspace' });
  if (ws.status !== 201) throw new Error(`workspace failed: ${ws.status} ${JSON.stringify(ws.body)}`);
  for (const [client, role] of members) {
    const res = await owner.post(`/workspaces/${ws.body.id}/members`, { email: client.user?.email, role });
    if (res.status !== 201) throw new Error(`add member failed: ${res.status} ${JSON.stringify(res.body)}`);
  }
  return ws.body.id;
}

/** An owner, the members named by the caller, and the workspace they share. */
export type Team<K extends string> = { readonly owner: ApiClient; readonly workspaceId: string } & { readonly [P in K]: ApiClient };

/**
 * Registers a user named `Owner` and then one user per entry of `members` (display name and role),
 * in that order, and creates a workspace of the owner with them all.
 */
export async function newTeam<K extends string>(baseUrl: string, members: Readonly<Record<K, readonly [name: string, role: string]>>): Promise<Team<K>> {
  const owner = await newUser(baseUrl, 'Owner');
  const clients: Record<string, ApiClient> = {};
  const roles: [ApiClient, string][] = [];
  for (const [key, [name, role]] of Object.entries<readonly [string, string]>(members)) {
    const client = await newUser(baseUrl, name);
    clients[key] = client;
    roles.push([client, role]);
  }
  return { ...clients, owner, workspaceId: await workspaceWith(owner, roles) } as Team<K>;
}

/** The id of a user client (tests always log in, so it is there). */
export function idOf(client: ApiClient): string {
  if (!client.user) throw new Error('client has no user');
  return client.user.id;
}
