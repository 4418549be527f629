import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Role } from '@tandem/protocol';
import sharp from 'sharp';
import { type ApiClient, idOf, newUser, workspaceWith } from '../support/http-client.ts';
import type { TestServer } from '../support/server.ts';
import { createRecord, createTable } from '../support/tables.ts';

/** Written into every name, value and message of the victim workspace: no refused answer may contain it. */
export const SECRET = 'SECRET-A';

/** Who tries a request: each workspace role, and a member of another workspace only. */
export type Actor = Role | 'outsider';

/** Actors from the least to the most powerful in the victim workspace. */
export const ACTORS: readonly Actor[] = ['outsider', 'viewer', 'commenter', 'editor', 'admin', 'owner'];

/** Ids of one resource of every kind in the victim workspace, plus the clients acting on them. */
export interface SecurityFixture {
  readonly server: TestServer;
  readonly clients: Readonly<Record<Actor, ApiClient>>;
  /** A viewer whose role and membership the member routes change. */
  readonly target: ApiClient;
  readonly ws: string;
  readonly table: string;
  readonly field: string;
  readonly richField: string;
  readonly view: string;
  readonly record: string;
  readonly comment: string;
  readonly activity: string;
  readonly approvals: Readonly<Record<'read' | 'approve' | 'reject' | 'cancel', string>>;
  readonly workflow: string;
  readonly notification: string;
  /** A group every member of the victim workspace is in. */
  readonly chatRoom: string;
  /** A group of only the owner and the admin. */
  readonly privateRoom: string;
  readonly chatMessage: string;
  readonly file: string;
  readonly alertRule: string;
  readonly alert: string;
  readonly doc: string;
  readonly docVersion: string;
  readonly site: string;
  readonly siteKey: string;
  readonly invitation: string;
  readonly invitationToken: string;
  /** The outsider's own workspace and a record in it. */
  readonly otherWs: string;
  readonly otherRecord: string;
}

function must<T>(res: { status: number; body: T }, what: string): T {
  if (res.status >= 300) throw new Error(`fixture: ${what} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** A small real PNG (so thumbnails work). */
async function png(): Promise<Uint8Array> {
  return new Uint8Array(
    await sharp({ create: { width: 640, height: 480, channels: 3, background: '#3366ff' } })
      .png()
      .toBuffer(),
  );
}

/** Uploads a file to a workspace as `client` and returns its id. */
export async function uploadFile(server: TestServer, client: ApiClient, workspaceId: string): Promise<string> {
  const form = new FormData();
  form.append('file', new Blob([await png()], { type: 'image/png' }), `${SECRET}.png`);
  const res = await fetch(`${server.url}/api/v1/files?workspace_id=${workspaceId}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${client.token}` },
    body: form,
  });
  const body = (await res.json()) as { id: string };
  if (res.status !== 201) throw new Error(`fixture: upload failed: ${res.status} ${JSON.stringify(body)}`);
  return body.id;
}

/** The token of the newest invitation link mailed to `address` (mail goes to the data directory). */
async function invitationToken(server: TestServer, address: string): Promise<string> {
  const dir = join(server.dataDir, 'mail');
  const names = (await readdir(dir)).filter((n) => n.endsWith('.eml'));
  for (const name of names) {
    const mail = (await readFile(join(dir, name), 'utf8'))
      .replace(/=\r?\n/g, '')
      .replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16)));
    const link = mail.includes(`To: ${address}`) ? mail.match(/\/invite\/([A-Za-z0-9_-]+)/) : null;
    if (link?.[1]) return link[1];
  }
  throw new Error(`fixture: no invitation mail to ${address}`);
}

/**
 * Builds the victim workspace (one member of every role, every kind of resource, each named with
 * {@link SECRET}) and the outsider's own workspace, all through the API.
 */
export async function buildSecurityFixture(server: TestServer): Promise<SecurityFixture> {
  const url = server.url;
  const owner = await newUser(url, 'Owner');
  const admin = await newUser(url, 'Admin');
  const editor = await newUser(url, 'Editor');
  const commenter = await newUser(url, 'Commenter');
  const viewer = await newUser(url, 'Viewer');
  const target = await newUser(url, 'Target');
  const outsider = await newUser(url, 'Outsider');
  const clients: Record<Actor, ApiClient> = { owner, admin, editor, commenter, viewer, outsider };

  const ws = (must(await owner.post('/workspaces', { name: `${SECRET} workspace` }), 'workspace') as { id: string }).id;
  for (const [client, role] of [
    [admin, 'admin'],
    [editor, 'editor'],
    [commenter, 'commenter'],
    [viewer, 'viewer'],
    [target, 'viewer'],
  ] as const) {
    must(await owner.post(`/workspaces/${ws}/members`, { email: client.user?.email, role }), `add ${role}`);
  }
  const otherWs = await workspaceWith(outsider);
  const otherTable = await createTable(outsider, otherWs, [{ name: 'Title', type: 'text' }], 'Outsider things');
  const otherRecord = (await createRecord(outsider, otherTable.id, { [otherTable.f.Title]: 'mine' })).id;

  const table = await createTable(
    owner,
    ws,
    [
      { name: 'Title', type: 'text' },
      { name: 'Notes', type: 'rich_text' },
    ],
    `${SECRET} table`,
  );
  const view = must(await owner.post(`/tables/${table.id}/views`, { name: `${SECRET} view` }), 'view') as { id: string };
  const record = await createRecord(owner, table.id, { [table.f.Title]: `${SECRET} record` });
  const comment = must(await admin.post(`/records/${record.id}/comments`, { body: `${SECRET} @[Owner](${idOf(owner)}) look` }), 'comment') as {
    id: string;
  };
  const activity = (must(await owner.get(`/records/${record.id}/activity`), 'activity') as { activity: { id: string }[] }).activity[0]?.id ?? '';

  const approval = async (title: string) =>
    (must(await owner.post('/approvals', { record_id: record.id, title: `${SECRET} ${title}`, assignee_ids: [idOf(owner)] }), 'approval') as { id: string }).id;
  const approvals = { read: await approval('read'), approve: await approval('approve'), reject: await approval('reject'), cancel: await approval('cancel') };
  const workflow = must(
    await owner.post(`/tables/${table.id}/workflows`, { field_id: table.f.Title, value: 'Ready', assignee_ids: [idOf(owner)], title: `${SECRET} check` }),
    'workflow',
  ) as { id: string };
  const notification = (must(await owner.get('/notifications'), 'notifications') as { notifications: { id: string }[] }).notifications[0]?.id;
  if (!notification) throw new Error('fixture: the owner has no notification');

  const members = [admin, editor, commenter, viewer].map(idOf);
  const chatRoom = must(await owner.post('/chat/rooms', { kind: 'group', workspace_id: ws, name: `${SECRET} group`, member_ids: members }), 'group') as {
    id: string;
  };
  const privateRoom = must(
    await owner.post('/chat/rooms', { kind: 'group', workspace_id: ws, name: `${SECRET} private`, member_ids: [idOf(admin)] }),
    'private group',
  ) as { id: string };
  const chatMessage = must(await owner.post(`/chat/rooms/${chatRoom.id}/messages`, { body: `${SECRET} message` }), 'message') as { id: string };
  must(await owner.post(`/chat/rooms/${privateRoom.id}/messages`, { body: `${SECRET} private message` }), 'private message');
  // A record's discussion room is created by its first read; opened here so reads in the tests change nothing.
  must(await owner.get(`/chat/records/${record.id}/room`), 'record room');
  // A file is readable beyond its uploader once something holds it: here a message of the group.
  const file = await uploadFile(server, owner, ws);
  must(await owner.post(`/chat/rooms/${chatRoom.id}/messages`, { body: `${SECRET} attached`, file_ids: [file] }), 'attachment');

  const alertRule = must(
    await owner.post('/alerts/rules', {
      workspace_id: ws,
      name: `${SECRET} rule`,
      kind: 'record',
      recipients: { user_ids: [idOf(owner)], roles: [] },
      table_id: table.id,
      conditions: [{ field_id: table.f.Title, comparison: 'eq', value: 'alarm' }],
    }),
    'alert rule',
  ) as { id: string };
  await createRecord(owner, table.id, { [table.f.Title]: 'alarm' });
  const alert = (must(await owner.get(`/alerts?workspace_id=${ws}`), 'alerts') as { alerts: { id: string }[] }).alerts[0]?.id;
  if (!alert) throw new Error('fixture: the alert rule did not fire');

  const doc = must(await owner.post('/docs', { kind: 'canvas', workspace_id: ws, name: `${SECRET} canvas` }), 'canvas') as { id: string };
  const docVersion = must(await owner.post(`/docs/${doc.id}/versions`, { name: `${SECRET} version` }), 'version') as { id: string };

  const site = must(await owner.post(`/workspaces/${ws}/analytics/sites`, { name: `${SECRET} site`, domains: ['shop.example'] }), 'site') as {
    site: { id: string; site_key: string };
  };

  const invitedEmail = `invited.${Date.now()}.${Math.random().toString(36).slice(2, 8)}@invited.example`;
  const invited = must(await owner.post(`/workspaces/${ws}/invitations`, { email: invitedEmail, role: 'viewer' }), 'invitation') as {
    invitation: { id: string };
  };

  return {
    server,
    clients,
    target,
    ws,
    table: table.id,
    field: table.f.Title,
    richField: table.f.Notes,
    view: view.id,
    record: record.id,
    comment: comment.id,
    activity,
    approvals,
    workflow: workflow.id,
    notification,
    chatRoom: chatRoom.id,
    privateRoom: privateRoom.id,
    chatMessage: chatMessage.id,
    file,
    alertRule: alertRule.id,
    alert,
    doc: doc.id,
    docVersion: docVersion.id,
    site: site.site.id,
    siteKey: site.site.site_key,
    invitation: invited.invitation.id,
    invitationToken: await invitationToken(server, invitedEmail),
    otherWs,
    otherRecord,
  };
}

/** How long building the fixture may take (about 5 s on an idle machine; a loaded CI runner is slower). */
export const FIXTURE_TIMEOUT_MS = 180_000;
