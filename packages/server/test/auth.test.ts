import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from './support/each-database.ts';
import { ApiClient, newUser } from './support/http-client.ts';
import { startServer, type TestServer } from './support/server.ts';

describeEachDatabase('accounts', (db) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ db });
  });
  afterAll(async () => server?.close());

  it('a registered user logs in with the cookie and sees themself at /me', async () => {
    const anon = new ApiClient(server.url);
    const email = `cookie.${Date.now()}@example.test`;
    expect((await anon.post('/auth/register', { email, name: 'Cookie', password: 'long enough pw' })).status).toBe(201);
    const res = await fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: email.toUpperCase(), password: 'long enough pw' }),
    });
    expect(res.status).toBe(200);
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/tandem_session=tds_/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    const me = await fetch(`${server.url}/api/v1/me`, { headers: { cookie: cookie.split(';')[0] ?? '' } });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { user: { email: string } }).user.email).toBe(email);
  });

  it('a wrong password, an unknown email and a duplicate registration are refused', async () => {
    const user = await newUser(server.url, 'Dup');
    const anon = new ApiClient(server.url);
    expect((await anon.post('/auth/login', { email: user.user?.email, password: 'wrong password' })).body.error.code).toBe('unauthenticated');
    expect((await anon.post('/auth/login', { email: 'nobody@example.test', password: 'whatever12' })).status).toBe(401);
    const dup = await anon.post('/auth/register', { email: user.user?.email, name: 'Again', password: 'long enough pw' });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('conflict');
  });

  it('registration validates its input and names the field', async () => {
    const res = await new ApiClient(server.url).post('/auth/register', { email: 'not-an-email', name: 'X', password: 'short' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_input');
    expect(res.body.error.message).toMatch(/email/);
  });

  it('the session endpoint tells who is logged in without a 401 for visitors', async () => {
    const anon = await new ApiClient(server.url).get('/auth/session');
    expect(anon.status).toBe(200);
    expect(anon.body.user).toBeNull();
    const user = await newUser(server.url, 'Sessioned');
    const mine = await user.get('/auth/session');
    expect(mine.body.user.id).toBe(user.user?.id);
    expect(mine.body.workspaces).toEqual([]);
  });

  it('logout ends the session; the token stops working', async () => {
    const user = await newUser(server.url, 'Leaver');
    expect((await user.get('/me')).status).toBe(200);
    expect((await user.post('/auth/logout')).status).toBe(204);
    const after = await user.get('/me');
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('unauthenticated');
  });

  it('an API token authenticates as its owner and is stored hashed', async () => {
    const user = await newUser(server.url, 'Tokened');
    const made = await user.post('/auth/tokens', { name: 'ci' });
    expect(made.status).toBe(201);
    expect(made.body.token).toMatch(/^tdt_/);
    const viaToken = new ApiClient(server.url, made.body.token);
    expect((await viaToken.get('/me')).body.user.id).toBe(user.user?.id);
    const stored = await server.tandem.ctx.db.query<{ token_hash: string }>('SELECT token_hash FROM api_tokens WHERE id = $1', [made.body.id]);
    expect(stored[0]?.token_hash).not.toContain(made.body.token);
    expect(stored[0]?.token_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('passwords are stored as Argon2id hashes', async () => {
    const user = await newUser(server.url, 'Hashed');
    const [row] = await server.tandem.ctx.db.query<{ password_hash: string }>('SELECT password_hash FROM users WHERE id = $1', [user.user?.id ?? '']);
    expect(row?.password_hash).toMatch(/^\$argon2id\$/);
  });

  it('a cookie-authenticated write from another site is refused', async () => {
    const anon = new ApiClient(server.url);
    const email = `csrf.${Date.now()}@example.test`;
    await anon.post('/auth/register', { email, name: 'Csrf', password: 'long enough pw' });
    const login = await fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: 'long enough pw' }),
    });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const post = (origin: string) =>
      fetch(`${server.url}/api/v1/workspaces`, {
        method: 'POST',
        headers: { cookie, origin, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'W' }),
      });
    const evil = await post('https://evil.example');
    expect(evil.status).toBe(403);
    expect(((await evil.json()) as { error: { code: string } }).error.code).toBe('forbidden');
    expect((await post(server.url)).status).toBe(201);
  });

  it('unknown routes and malformed JSON get registry errors', async () => {
    const user = await newUser(server.url, 'Bad');
    expect((await user.get('/no/such/route')).body.error.code).toBe('not_found');
    const res = await fetch(`${server.url}/api/v1/workspaces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${user.token}` },
      body: '{"name": ',
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_input');
  });
});
