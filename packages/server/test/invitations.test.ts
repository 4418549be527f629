import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from './support/each-database.ts';
import { ApiClient, idOf, newTeam, newUser, type Team } from './support/http-client.ts';
import { startServer, type TestServer } from './support/server.ts';

/** The body of an `.eml` file, quoted-printable soft breaks and escapes undone. */
function decodeEml(raw: string): string {
  return raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

let counter = 0;
function freshAddress(name: string): string {
  counter += 1;
  return `${name}.${Date.now()}.${counter}@invited.example`;
}

describeEachDatabase('invitations by email', (db) => {
  let server: TestServer;
  let team: Team<'admin' | 'editor'>;

  /** The invitation emails written to the outbox for `address`. */
  const mailsTo = async (address: string) => {
    const dir = join(server.dataDir, 'mail');
    const names = await readdir(dir).catch(() => [] as string[]);
    const mails = await Promise.all(names.filter((n) => n.endsWith('.eml')).map(async (n) => decodeEml(await readFile(join(dir, n), 'utf8'))));
    return mails.filter((m) => m.includes(`To: ${address}`));
  };
  /** The token of the one link in the newest email to `address`. */
  const tokenFor = async (address: string) => {
    const mails = await mailsTo(address);
    const link = mails.at(-1)?.match(/https?:\/\/\S+\/invite\/(\S+)/);
    if (!link?.[1]) throw new Error(`no invitation link in ${mails.length} mails to ${address}`);
    return link[1];
  };
  const invite = (by: ApiClient, email: string, role = 'editor', workspaceId = team.workspaceId) =>
    by.post(`/workspaces/${workspaceId}/invitations`, { email, role });
  const anon = () => new ApiClient(server.url);

  beforeAll(async () => {
    server = await startServer({ db });
    team = await newTeam(server.url, { admin: ['Ada Admin', 'admin'], editor: ['Eddie Editor', 'editor'] });
  });
  afterAll(async () => server?.close());

  it('an invited address gets a link by email, registers through it and is a member with the invited role', async () => {
    const email = freshAddress('nora');
    const res = await invite(team.admin, email, 'commenter');
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'invited', invitation: { email, role: 'commenter', invited_by: { id: idOf(team.admin), name: 'Ada Admin' } } });

    const mails = await mailsTo(email);
    expect(mails).toHaveLength(1);
    expect(mails[0]).toContain('Subject: Ada Admin invited you to Test workspace on Tandem');
    expect(mails[0]).toContain(`${server.url}/invite/`);
    const token = await tokenFor(email);
    // Only the token's hash is stored.
    const stored = await server.tandem.ctx.db.query<{ token_hash: string }>('SELECT token_hash FROM workspace_invitations WHERE id = $1', [
      res.body.invitation.id,
    ]);
    expect(stored[0]?.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored[0]?.token_hash).not.toContain(token);

    const pending = await team.admin.get(`/workspaces/${team.workspaceId}/invitations`);
    expect(pending.body.invitations.map((i: { email: string }) => i.email)).toContain(email);

    const preview = await anon().get(`/invitations/${token}`);
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ workspace: { id: team.workspaceId, name: 'Test workspace' }, email, role: 'commenter', invited_by: 'Ada Admin' });

    const registered = await anon().post(`/invitations/${token}/register`, { name: 'Nora New', password: 'a long password' });
    expect(registered.status).toBe(201);
    expect(registered.body.user).toMatchObject({ email, name: 'Nora New' });
    expect(registered.body.member).toMatchObject({ user_id: registered.body.user.id, role: 'commenter' });

    const login = await anon().post('/auth/login', { email, password: 'a long password' });
    const nora = new ApiClient(server.url, login.body.token, login.body.user);
    const me = await nora.get('/me');
    expect(me.body.workspaces).toEqual([{ id: team.workspaceId, name: 'Test workspace', role: 'commenter' }]);
    const members = await team.owner.get(`/workspaces/${team.workspaceId}/members`);
    expect(members.body.members).toContainEqual(expect.objectContaining({ email, role: 'commenter' }));
    // No longer pending.
    const after = await team.admin.get(`/workspaces/${team.workspaceId}/invitations`);
    expect(after.body.invitations.map((i: { email: string }) => i.email)).not.toContain(email);
  });

  it('a link works once: a second registration through it is refused as used and creates nothing', async () => {
    const email = freshAddress('once');
    await invite(team.admin, email);
    const token = await tokenFor(email);
    expect((await anon().post(`/invitations/${token}/register`, { name: 'Once', password: 'a long password' })).status).toBe(201);
    const again = await anon().post(`/invitations/${token}/register`, { name: 'Twice', password: 'another password' });
    expect(again.status).toBe(400);
    expect(again.body.error).toMatchObject({ code: 'invalid_input', details: { reason: 'used' } });
    expect((await anon().get(`/invitations/${token}`)).body.error.details.reason).toBe('used');
    const users = await server.tandem.ctx.db.query<{ name: string }>('SELECT name FROM users WHERE lower(email) = lower($1)', [email]);
    expect(users.map((u) => u.name)).toEqual(['Once']);
  });

  it('an expired link is refused with a clear error and creates no account', async () => {
    const email = freshAddress('late');
    const res = await invite(team.admin, email);
    const token = await tokenFor(email);
    const days = (Date.parse(res.body.invitation.expires_at) - Date.parse(res.body.invitation.created_at)) / 86_400_000;
    expect(days).toBeCloseTo(7, 3);
    await server.tandem.ctx.db.query(`UPDATE workspace_invitations SET expires_at = now() - interval '1 minute' WHERE id = $1`, [res.body.invitation.id]);
    const late = await anon().post(`/invitations/${token}/register`, { name: 'Late', password: 'a long password' });
    expect(late.status).toBe(400);
    expect(late.body.error).toMatchObject({ code: 'invalid_input', details: { field: 'token', reason: 'expired' } });
    expect(late.body.error.message).toMatch(/expired/);
    expect(await server.tandem.ctx.db.query('SELECT id FROM users WHERE lower(email) = lower($1)', [email])).toHaveLength(0);
    const pending = await team.admin.get(`/workspaces/${team.workspaceId}/invitations`);
    expect(pending.body.invitations.map((i: { id: string }) => i.id)).not.toContain(res.body.invitation.id);
  });

  it('a revoked link stops working; a new invitation to the same address replaces the old link', async () => {
    const email = freshAddress('withdrawn');
    const res = await invite(team.admin, email);
    const token = await tokenFor(email);
    expect((await team.admin.delete(`/workspaces/${team.workspaceId}/invitations/${res.body.invitation.id}`)).status).toBe(204);
    const revoked = await anon().post(`/invitations/${token}/register`, { name: 'Withdrawn', password: 'a long password' });
    expect(revoked.body.error).toMatchObject({ code: 'invalid_input', details: { reason: 'revoked' } });
    // Revoking twice: nothing pending any more.
    expect((await team.admin.delete(`/workspaces/${team.workspaceId}/invitations/${res.body.invitation.id}`)).status).toBe(404);

    await invite(team.admin, email, 'viewer');
    const first = await tokenFor(email);
    await invite(team.admin, email, 'editor');
    const second = await tokenFor(email);
    expect(second).not.toBe(first);
    expect((await anon().get(`/invitations/${first}`)).body.error.details.reason).toBe('revoked');
    const joined = await anon().post(`/invitations/${second}/register`, { name: 'Second Try', password: 'a long password' });
    expect(joined.body.member.role).toBe('editor');
  });

  it('an unknown token is refused, and an invitation cannot be listed or revoked through another workspace', async () => {
    const bogus = await anon().post('/invitations/tdi_not-a-real-token/register', { name: 'Nobody', password: 'a long password' });
    expect(bogus.status).toBe(400);
    expect(bogus.body.error).toMatchObject({ code: 'invalid_input', details: { reason: 'unknown' } });

    const email = freshAddress('elsewhere');
    const res = await invite(team.admin, email);
    const stranger = await newUser(server.url, 'Stranger');
    const other = await stranger.post('/workspaces', { name: 'Other workspace' });
    // Revoking through a workspace the invitation is not in finds nothing, even for its admin.
    expect((await stranger.delete(`/workspaces/${other.body.id}/invitations/${res.body.invitation.id}`)).status).toBe(404);
    expect((await stranger.get(`/workspaces/${team.workspaceId}/invitations`)).status).toBe(404);
    expect((await stranger.delete(`/workspaces/${team.workspaceId}/invitations/${res.body.invitation.id}`)).status).toBe(404);
    expect((await stranger.get(`/workspaces/${other.body.id}/invitations`)).body.invitations).toEqual([]);
    // Still pending in its own workspace.
    const pending = await team.admin.get(`/workspaces/${team.workspaceId}/invitations`);
    expect(pending.body.invitations.map((i: { id: string }) => i.id)).toContain(res.body.invitation.id);
  });

  it('only admins invite and see invitations; only an owner invites an owner', async () => {
    const email = freshAddress('nope');
    const byEditor = await invite(team.editor, email);
    expect(byEditor.status).toBe(403);
    expect(byEditor.body.error.code).toBe('forbidden');
    expect((await team.editor.get(`/workspaces/${team.workspaceId}/invitations`)).status).toBe(403);
    expect((await invite(team.admin, email, 'owner')).status).toBe(403);
    expect(await mailsTo(email)).toHaveLength(0);
    expect((await invite(team.owner, email, 'owner')).body.invitation.role).toBe('owner');
  });

  it('an address that already has an account is added at once, without an email', async () => {
    const existing = await newUser(server.url, 'Already Here');
    const email = existing.user?.email ?? '';
    const res = await invite(team.admin, email, 'viewer');
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'added', member: { user_id: idOf(existing), role: 'viewer' } });
    expect(await mailsTo(email)).toHaveLength(0);
    expect((await existing.get('/me')).body.workspaces).toContainEqual(expect.objectContaining({ id: team.workspaceId, role: 'viewer' }));
  });

  it('someone who registered meanwhile accepts the link logged in; another account cannot use it', async () => {
    const email = freshAddress('meanwhile');
    await invite(team.admin, email, 'commenter');
    const token = await tokenFor(email);
    await anon().post('/auth/register', { email, name: 'Meanwhile', password: 'a long password' });
    // Registering through the link now would create a second account for the address.
    const dup = await anon().post(`/invitations/${token}/register`, { name: 'Again', password: 'a long password' });
    expect(dup.status).toBe(409);
    const someoneElse = await newUser(server.url, 'Someone Else');
    expect((await someoneElse.post(`/invitations/${token}/accept`)).status).toBe(403);
    const login = await anon().post('/auth/login', { email, password: 'a long password' });
    const owner = new ApiClient(server.url, login.body.token, login.body.user);
    const accepted = await owner.post(`/invitations/${token}/accept`);
    expect(accepted.status).toBe(200);
    expect(accepted.body.member).toMatchObject({ email, role: 'commenter' });
  });
});
