import type { Role } from '@tandem/protocol';
import { idOf, newUser } from '../support/http-client.ts';
import { createRecord, createTable } from '../support/tables.ts';
import type { RawCall } from './raw-request.ts';
import type { RouteKey } from './route-table.ts';
import { SECRET, type SecurityFixture } from './security-fixture.ts';

/**
 * Who may use a route:
 * - a workspace role: that role and above in the victim workspace; lower roles and the outsider are refused;
 * - `owner-only`: only the user the resource belongs to (their notification, the approval they were
 *   asked for or requested, the message they wrote): the fixture's owner; every other user is refused;
 * - `any-user`: any logged-in user, about their own things only (no id of someone else's is named):
 *   the outsider is answered too, and that answer must not contain the victim workspace's data.
 */
export type Allowed = Role | 'owner-only' | 'any-user';

/** One route of the matrix: who may use it, and a request with the victim workspace's real ids. */
export interface RouteCase {
  readonly route: RouteKey;
  readonly allowed: Allowed;
  /** Makes (as the owner) what the one allowed request consumes, e.g. the record a DELETE removes. */
  readonly fresh?: (fx: SecurityFixture) => Promise<string>;
  readonly call: (fx: SecurityFixture, fresh: string) => RawCall;
}

const get = (path: string): RawCall => ({ method: 'GET', path });
const post = (path: string, body: unknown = {}): RawCall => ({ method: 'POST', path, body });
const patch = (path: string, body: unknown): RawCall => ({ method: 'PATCH', path, body });
const put = (path: string, body: unknown): RawCall => ({ method: 'PUT', path, body });
const del = (path: string): RawCall => ({ method: 'DELETE', path });
const route = (key: RouteKey, allowed: Allowed, call: RouteCase['call'], fresh?: RouteCase['fresh']): RouteCase => ({ route: key, allowed, call, fresh });
const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

const csv = (text: string): Pick<RawCall, 'raw' | 'contentType'> => ({ raw: text, contentType: 'text/csv' });
/** A y-protocols sync step 1 with an empty state vector, and an awareness update of no clients. */
const SYNC_STEP_1 = Buffer.from([0, 1, 0]).toString('base64');
const EMPTY_AWARENESS = Buffer.from([0]).toString('base64');
const PUSH_KEYS = { p256dh: Buffer.alloc(65, 4).toString('base64url'), auth: Buffer.alloc(16, 7).toString('base64url') };
const DAY = 86_400_000;
const range = () => `from=${new Date(Date.now() - 7 * DAY).toISOString()}&to=${new Date(Date.now() + DAY).toISOString()}`;

const owner = (fx: SecurityFixture) => fx.clients.owner;

/** Every REST route that checks who calls it, with the least role (or rule) that may. */
export const ROUTE_CASES: readonly RouteCase[] = [
  // accounts and workspaces
  route('GET /api/v1/me', 'any-user', () => get('/me')),
  route('POST /api/v1/auth/tokens', 'any-user', () => post('/auth/tokens', { name: 'matrix' })),
  route('GET /api/v1/workspaces', 'any-user', () => get('/workspaces')),
  route('POST /api/v1/workspaces', 'any-user', () => post('/workspaces', { name: 'Mine' })),
  route('GET /api/v1/workspaces/{id}', 'viewer', (fx) => get(`/workspaces/${fx.ws}`)),
  route('GET /api/v1/workspaces/{id}/members', 'viewer', (fx) => get(`/workspaces/${fx.ws}/members`)),
  route(
    'POST /api/v1/workspaces/{id}/members',
    'admin',
    (fx, email) => post(`/workspaces/${fx.ws}/members`, { email, role: 'viewer' }),
    async (fx) => (await newUser(fx.server.url, 'Joiner')).user?.email ?? '',
  ),
  route('PATCH /api/v1/workspaces/{id}/members/{userId}', 'admin', (fx) => patch(`/workspaces/${fx.ws}/members/${idOf(fx.target)}`, { role: 'viewer' })),
  route(
    'DELETE /api/v1/workspaces/{id}/members/{userId}',
    'admin',
    (fx, userId) => del(`/workspaces/${fx.ws}/members/${userId}`),
    async (fx) => {
      const leaver = await newUser(fx.server.url, 'Leaver');
      await owner(fx).post(`/workspaces/${fx.ws}/members`, { email: leaver.user?.email, role: 'viewer' });
      return idOf(leaver);
    },
  ),
  route('POST /api/v1/workspaces/{id}/invitations', 'admin', (fx) => post(`/workspaces/${fx.ws}/invitations`, { email: `new.${unique()}@invited.example` })),
  route('GET /api/v1/workspaces/{id}/invitations', 'admin', (fx) => get(`/workspaces/${fx.ws}/invitations`)),
  route(
    'DELETE /api/v1/workspaces/{id}/invitations/{invitationId}',
    'admin',
    (fx, id) => del(`/workspaces/${fx.ws}/invitations/${id}`),
    async (fx) => (await owner(fx).post(`/workspaces/${fx.ws}/invitations`, { email: `gone.${unique()}@invited.example` })).body.invitation.id,
  ),

  // realtime
  route('POST /api/v1/realtime/token', 'any-user', () => post('/realtime/token')),
  route('GET /api/v1/presence', 'viewer', (fx) => get(`/presence?resource_type=table&resource_id=${fx.table}`)),
  route('GET /api/v1/realtime/online-users', 'viewer', (fx) => get(`/realtime/online-users?workspace_id=${fx.ws}`)),
  route('POST /api/v1/realtime/presence', 'any-user', () => post('/realtime/presence', { status: 'away' })),

  // tables, fields, views
  route('GET /api/v1/workspaces/{id}/tables', 'viewer', (fx) => get(`/workspaces/${fx.ws}/tables`)),
  route('POST /api/v1/workspaces/{id}/tables', 'admin', (fx) => post(`/workspaces/${fx.ws}/tables`, { name: `New ${unique()}` })),
  route('GET /api/v1/tables/{id}', 'viewer', (fx) => get(`/tables/${fx.table}`)),
  route('PATCH /api/v1/tables/{id}', 'admin', (fx) => patch(`/tables/${fx.table}`, { description: 'described' })),
  route(
    'DELETE /api/v1/tables/{id}',
    'admin',
    (_fx, id) => del(`/tables/${id}`),
    async (fx) => (await createTable(owner(fx), fx.ws, [{ name: 'Name', type: 'text' }], 'Doomed')).id,
  ),
  route('POST /api/v1/tables/{id}/fields', 'admin', (fx) => post(`/tables/${fx.table}/fields`, { name: `Added ${unique()}`, type: 'number' })),
  route('PATCH /api/v1/fields/{id}', 'admin', (fx) => patch(`/fields/${fx.field}`, { name: 'Title' })),
  route('POST /api/v1/fields/{id}/conversion-preview', 'admin', (fx) => post(`/fields/${fx.field}/conversion-preview`, { type: 'number' })),
  route(
    'DELETE /api/v1/fields/{id}',
    'admin',
    (_fx, id) => del(`/fields/${id}`),
    async (fx) => (await owner(fx).post(`/tables/${fx.table}/fields`, { name: `Temp ${unique()}`, type: 'text' })).body.id,
  ),
  route('GET /api/v1/tables/{id}/views', 'viewer', (fx) => get(`/tables/${fx.table}/views`)),
  route('POST /api/v1/tables/{id}/views', 'editor', (fx) => post(`/tables/${fx.table}/views`, { name: `View ${unique()}` })),
  route('PATCH /api/v1/views/{id}', 'editor', (fx) => patch(`/views/${fx.view}`, { name: `${SECRET} view` })),
  route(
    'DELETE /api/v1/views/{id}',
    'editor',
    (_fx, id) => del(`/views/${id}`),
    async (fx) => (await owner(fx).post(`/tables/${fx.table}/views`, { name: 'Temp' })).body.id,
  ),

  // records, CSV, activity
  route('GET /api/v1/tables/{id}/records', 'viewer', (fx) => get(`/tables/${fx.table}/records`)),
  route('GET /api/v1/tables/{id}/search', 'viewer', (fx) => get(`/tables/${fx.table}/search?q=record`)),
  route('POST /api/v1/tables/{id}/records', 'editor', (fx) => post(`/tables/${fx.table}/records`, { values: {} })),
  route('PATCH /api/v1/tables/{id}/records', 'editor', (fx) =>
    patch(`/tables/${fx.table}/records`, [{ id: fx.record, values: { [fx.field]: `${SECRET} record` } }]),
  ),
  route('GET /api/v1/records/{id}', 'viewer', (fx) => get(`/records/${fx.record}`)),
  route('PATCH /api/v1/records/{id}', 'editor', (fx) => patch(`/records/${fx.record}`, { values: { [fx.field]: `${SECRET} record` } })),
  route(
    'DELETE /api/v1/records/{id}',
    'editor',
    (_fx, id) => del(`/records/${id}`),
    async (fx) => (await createRecord(owner(fx), fx.table, {})).id,
  ),
  route('GET /api/v1/tables/{id}/export', 'viewer', (fx) => get(`/tables/${fx.table}/export`)),
  route('POST /api/v1/workspaces/{id}/csv/preview', 'editor', (fx) => ({ method: 'POST', path: `/workspaces/${fx.ws}/csv/preview`, ...csv('Name\nbolt\n') })),
  route('POST /api/v1/tables/{id}/import', 'editor', (fx) => ({
    method: 'POST',
    path: `/tables/${fx.table}/import?columns=${encodeURIComponent(JSON.stringify([fx.field]))}`,
    ...csv('Title\nimported\n'),
  })),
  route('GET /api/v1/workspaces/{id}/activity', 'viewer', (fx) => get(`/workspaces/${fx.ws}/activity`)),
  route('GET /api/v1/tables/{id}/activity', 'viewer', (fx) => get(`/tables/${fx.table}/activity`)),
  route('GET /api/v1/records/{id}/activity', 'viewer', (fx) => get(`/records/${fx.record}/activity`)),

  // comments and followers
  route('GET /api/v1/records/{id}/comments', 'viewer', (fx) => get(`/records/${fx.record}/comments`)),
  route('POST /api/v1/records/{id}/comments', 'commenter', (fx) => post(`/records/${fx.record}/comments`, { body: 'Looks right' })),
  route('GET /api/v1/activity/{id}/comments', 'viewer', (fx) => get(`/activity/${fx.activity}/comments`)),
  route('POST /api/v1/activity/{id}/comments', 'commenter', (fx) => post(`/activity/${fx.activity}/comments`, { body: 'Why?' })),
  route('PATCH /api/v1/comments/{id}', 'admin', (fx) => patch(`/comments/${fx.comment}`, { body: `${SECRET} edited` })),
  route(
    'DELETE /api/v1/comments/{id}',
    'admin',
    (_fx, id) => del(`/comments/${id}`),
    async (fx) => (await owner(fx).post(`/records/${fx.record}/comments`, { body: 'to delete' })).body.id,
  ),
  route('POST /api/v1/comments/{id}/resolve', 'commenter', (fx) => post(`/comments/${fx.comment}/resolve`)),
  route('POST /api/v1/comments/{id}/reopen', 'commenter', (fx) => post(`/comments/${fx.comment}/reopen`)),
  route('GET /api/v1/records/{id}/followers', 'viewer', (fx) => get(`/records/${fx.record}/followers`)),
  route('POST /api/v1/records/{id}/follow', 'viewer', (fx) => post(`/records/${fx.record}/follow`)),
  route('DELETE /api/v1/records/{id}/follow', 'viewer', (fx) => del(`/records/${fx.record}/follow`)),

  // approvals and workflows
  route('POST /api/v1/approvals', 'commenter', (fx) => post('/approvals', { record_id: fx.record, title: 'Please check', assignee_ids: [idOf(owner(fx))] })),
  route('GET /api/v1/approvals', 'any-user', () => get('/approvals')),
  route('GET /api/v1/approvals/{id}', 'viewer', (fx) => get(`/approvals/${fx.approvals.read}`)),
  route('POST /api/v1/approvals/{id}/approve', 'owner-only', (fx) => post(`/approvals/${fx.approvals.approve}/approve`, { note: 'ok' })),
  route('POST /api/v1/approvals/{id}/reject', 'owner-only', (fx) => post(`/approvals/${fx.approvals.reject}/reject`, { note: 'no' })),
  // The requester (the owner here) or an admin may cancel.
  route('POST /api/v1/approvals/{id}/cancel', 'admin', (fx) => post(`/approvals/${fx.approvals.cancel}/cancel`)),
  route('GET /api/v1/tables/{id}/workflows', 'viewer', (fx) => get(`/tables/${fx.table}/workflows`)),
  route('POST /api/v1/tables/{id}/workflows', 'admin', (fx) =>
    post(`/tables/${fx.table}/workflows`, { field_id: fx.field, value: 'Done', assignee_ids: [idOf(owner(fx))], title: 'Check' }),
  ),
  route('PATCH /api/v1/workflows/{id}', 'admin', (fx) => patch(`/workflows/${fx.workflow}`, { title: `${SECRET} check` })),
  route(
    'DELETE /api/v1/workflows/{id}',
    'admin',
    (_fx, id) => del(`/workflows/${id}`),
    async (fx) =>
      (await owner(fx).post(`/tables/${fx.table}/workflows`, { field_id: fx.field, value: 'Gone', assignee_ids: [idOf(owner(fx))], title: 'Temp' })).body.id,
  ),
  route('GET /api/v1/workflows/{id}/runs', 'viewer', (fx) => get(`/workflows/${fx.workflow}/runs`)),

  // notifications
  route('GET /api/v1/notifications', 'any-user', () => get('/notifications')),
  route('GET /api/v1/notifications/unread-count', 'any-user', () => get('/notifications/unread-count')),
  route('POST /api/v1/notifications/read', 'any-user', () => post('/notifications/read')),
  route('POST /api/v1/notifications/{id}/read', 'owner-only', (fx) => post(`/notifications/${fx.notification}/read`)),
  route('POST /api/v1/notifications/{id}/archive', 'owner-only', (fx) => post(`/notifications/${fx.notification}/archive`)),
  route('GET /api/v1/notifications/preferences', 'any-user', () => get('/notifications/preferences')),
  route('PUT /api/v1/notifications/preferences', 'any-user', () => put('/notifications/preferences', { email_delivery: 'daily' })),
  route('GET /api/v1/notifications/push-key', 'any-user', () => get('/notifications/push-key')),
  route('POST /api/v1/notifications/push-subscriptions', 'any-user', () =>
    post('/notifications/push-subscriptions', { endpoint: `https://push.example/${unique()}`, keys: PUSH_KEYS }),
  ),
  route('DELETE /api/v1/notifications/push-subscriptions', 'any-user', () => ({
    method: 'DELETE',
    path: '/notifications/push-subscriptions',
    body: { endpoint: 'https://push.example/none' },
  })),

  // chat
  route('GET /api/v1/chat/rooms', 'viewer', (fx) => get(`/chat/rooms?workspace_id=${fx.ws}`)),
  route('POST /api/v1/chat/rooms', 'viewer', (fx) => post('/chat/rooms', { kind: 'group', workspace_id: fx.ws, name: `Group ${unique()}` })),
  route('GET /api/v1/chat/channels', 'viewer', (fx) => get(`/chat/channels?workspace_id=${fx.ws}`)),
  route('GET /api/v1/chat/records/{id}/room', 'viewer', (fx) => get(`/chat/records/${fx.record}/room`)),
  route('GET /api/v1/chat/rooms/{id}', 'viewer', (fx) => get(`/chat/rooms/${fx.chatRoom}`)),
  route('PATCH /api/v1/chat/rooms/{id}', 'admin', (fx) => patch(`/chat/rooms/${fx.chatRoom}`, { topic: 'topic' })),
  route(
    'DELETE /api/v1/chat/rooms/{id}',
    'admin',
    (_fx, id) => del(`/chat/rooms/${id}`),
    async (fx) => {
      const members = [fx.clients.admin, fx.clients.editor, fx.clients.commenter, fx.clients.viewer].map(idOf);
      return (await owner(fx).post('/chat/rooms', { kind: 'group', workspace_id: fx.ws, name: 'Doomed', member_ids: members })).body.id;
    },
  ),
  route('GET /api/v1/chat/rooms/{id}/members', 'viewer', (fx) => get(`/chat/rooms/${fx.chatRoom}/members`)),
  route('POST /api/v1/chat/rooms/{id}/members', 'viewer', (fx) => post(`/chat/rooms/${fx.chatRoom}/members`, { user_ids: [idOf(fx.target)] })),
  route(
    'DELETE /api/v1/chat/rooms/{id}/members/{userId}',
    'admin',
    (fx, userId) => del(`/chat/rooms/${fx.chatRoom}/members/${userId}`),
    async (fx) => {
      await owner(fx).post(`/chat/rooms/${fx.chatRoom}/members`, { user_ids: [idOf(fx.target)] });
      return idOf(fx.target);
    },
  ),
  route('GET /api/v1/chat/rooms/{id}/messages', 'viewer', (fx) => get(`/chat/rooms/${fx.chatRoom}/messages`)),
  route('POST /api/v1/chat/rooms/{id}/messages', 'viewer', (fx) => post(`/chat/rooms/${fx.chatRoom}/messages`, { body: 'hello' })),
  route('GET /api/v1/chat/messages/{id}', 'viewer', (fx) => get(`/chat/messages/${fx.chatMessage}`)),
  route('PATCH /api/v1/chat/messages/{id}', 'owner-only', (fx) => patch(`/chat/messages/${fx.chatMessage}`, { body: `${SECRET} message` })),
  route(
    'DELETE /api/v1/chat/messages/{id}',
    'admin',
    (_fx, id) => del(`/chat/messages/${id}`),
    async (fx) => (await owner(fx).post(`/chat/rooms/${fx.chatRoom}/messages`, { body: 'to delete' })).body.id,
  ),
  route('GET /api/v1/chat/messages/{id}/history', 'admin', (fx) => get(`/chat/messages/${fx.chatMessage}/history`)),
  route('POST /api/v1/chat/messages/{id}/reactions', 'viewer', (fx) => post(`/chat/messages/${fx.chatMessage}/reactions`, { emoji: '👍' })),
  route('GET /api/v1/chat/messages/{id}/seen-by', 'viewer', (fx) => get(`/chat/messages/${fx.chatMessage}/seen-by`)),
  route('POST /api/v1/chat/rooms/{id}/read', 'viewer', (fx) => post(`/chat/rooms/${fx.chatRoom}/read`, { message_id: fx.chatMessage })),
  route('GET /api/v1/chat/unread', 'viewer', (fx) => get(`/chat/unread?workspace_id=${fx.ws}`)),
  route('GET /api/v1/chat/settings', 'any-user', () => get('/chat/settings')),
  route('PUT /api/v1/chat/settings', 'any-user', () => put('/chat/settings', { hide_read_receipts: false })),
  route('GET /api/v1/chat/search', 'viewer', (fx) => get(`/chat/search?workspace_id=${fx.ws}&q=${SECRET}`)),
  route('POST /api/v1/chat/typing', 'viewer', (fx) => post('/chat/typing', { room: `chat:${fx.chatRoom}` })),

  // files
  route('POST /api/v1/files', 'commenter', (fx) => {
    const form = new FormData();
    form.append('file', new Blob(['plain words'], { type: 'text/plain' }), 'note.txt');
    return { method: 'POST', path: `/files?workspace_id=${fx.ws}`, raw: form };
  }),
  route('GET /api/v1/files/{id}/meta', 'viewer', (fx) => get(`/files/${fx.file}/meta`)),
  route('GET /api/v1/files/{id}', 'viewer', (fx) => get(`/files/${fx.file}`)),
  route('GET /api/v1/files/{id}/thumbnail', 'viewer', (fx) => get(`/files/${fx.file}/thumbnail`)),

  // operations and alerts
  route('GET /api/v1/operations/metrics/history', 'admin', (fx) => get(`/operations/metrics/history?workspace_id=${fx.ws}`)),
  route('GET /api/v1/alerts/rules', 'admin', (fx) => get(`/alerts/rules?workspace_id=${fx.ws}`)),
  route('POST /api/v1/alerts/rules', 'admin', (fx) =>
    post('/alerts/rules', {
      workspace_id: fx.ws,
      name: 'Busy',
      kind: 'threshold',
      recipients: { roles: ['admin'] },
      condition: { metric: 'connections_ws', comparison: 'gt', threshold: 1_000_000 },
    }),
  ),
  route('PATCH /api/v1/alerts/rules/{id}', 'admin', (fx) => patch(`/alerts/rules/${fx.alertRule}`, { name: `${SECRET} rule` })),
  route(
    'DELETE /api/v1/alerts/rules/{id}',
    'admin',
    (_fx, id) => del(`/alerts/rules/${id}`),
    async (fx) =>
      (
        await owner(fx).post('/alerts/rules', {
          workspace_id: fx.ws,
          name: 'Temp',
          kind: 'threshold',
          recipients: { roles: ['admin'] },
          condition: { metric: 'connections_ws', comparison: 'gt', threshold: 1_000_000 },
        })
      ).body.id,
  ),
  route('POST /api/v1/alerts/rules/{id}/mute', 'admin', (fx) => post(`/alerts/rules/${fx.alertRule}/mute`, { minutes: 0 })),
  route('GET /api/v1/alerts', 'admin', (fx) => get(`/alerts?workspace_id=${fx.ws}`)),
  route('POST /api/v1/alerts/{id}/acknowledge', 'admin', (fx) => post(`/alerts/${fx.alert}/acknowledge`)),

  // collaborative documents
  route('POST /api/v1/docs', 'editor', (fx) => post('/docs', { kind: 'canvas', workspace_id: fx.ws, name: `Canvas ${unique()}` })),
  route('GET /api/v1/docs', 'viewer', (fx) => get(`/docs?workspace_id=${fx.ws}`)),
  route('GET /api/v1/docs/{id}', 'viewer', (fx) => get(`/docs/${fx.doc}`)),
  route('PATCH /api/v1/docs/{id}', 'editor', (fx) => patch(`/docs/${fx.doc}`, { name: `${SECRET} canvas` })),
  route(
    'DELETE /api/v1/docs/{id}',
    'editor',
    (_fx, id) => del(`/docs/${id}`),
    async (fx) => (await owner(fx).post('/docs', { kind: 'canvas', workspace_id: fx.ws, name: 'Doomed' })).body.id,
  ),
  route('POST /api/v1/docs/{id}/sync', 'viewer', (fx) => post(`/docs/${fx.doc}/sync`, { data: SYNC_STEP_1 })),
  route('POST /api/v1/docs/{id}/awareness', 'viewer', (fx) => post(`/docs/${fx.doc}/awareness`, { data: EMPTY_AWARENESS })),
  route('GET /api/v1/docs/{id}/versions', 'viewer', (fx) => get(`/docs/${fx.doc}/versions`)),
  route('POST /api/v1/docs/{id}/versions', 'editor', (fx) => post(`/docs/${fx.doc}/versions`, { name: 'Checkpoint' })),
  route('GET /api/v1/docs/{id}/versions/{versionId}', 'viewer', (fx) => get(`/docs/${fx.doc}/versions/${fx.docVersion}`)),
  route('POST /api/v1/docs/{id}/versions/{versionId}/restore', 'editor', (fx) => post(`/docs/${fx.doc}/versions/${fx.docVersion}/restore`)),

  // analytics
  route('GET /api/v1/workspaces/{id}/analytics/sites', 'admin', (fx) => get(`/workspaces/${fx.ws}/analytics/sites`)),
  route('POST /api/v1/workspaces/{id}/analytics/sites', 'admin', (fx) =>
    post(`/workspaces/${fx.ws}/analytics/sites`, { name: 'Blog', domains: [`${unique()}.example`] }),
  ),
  route('PATCH /api/v1/analytics/sites/{id}', 'admin', (fx) => patch(`/analytics/sites/${fx.site}`, { name: `${SECRET} site` })),
  route(
    'DELETE /api/v1/analytics/sites/{id}',
    'admin',
    (_fx, id) => del(`/analytics/sites/${id}`),
    async (fx) => (await owner(fx).post(`/workspaces/${fx.ws}/analytics/sites`, { name: 'Doomed', domains: [`${unique()}.example`] })).body.site.id,
  ),
  route('GET /api/v1/workspaces/{id}/analytics/access', 'admin', (fx) => get(`/workspaces/${fx.ws}/analytics/access`)),
  route('PUT /api/v1/workspaces/{id}/analytics/access/{userId}', 'admin', (fx) => put(`/workspaces/${fx.ws}/analytics/access/${idOf(fx.target)}`, {})),
  route('DELETE /api/v1/workspaces/{id}/analytics/access/{userId}', 'admin', (fx) => del(`/workspaces/${fx.ws}/analytics/access/${idOf(fx.target)}`)),
  route('GET /api/v1/workspaces/{id}/analytics/app-site', 'viewer', (fx) => get(`/workspaces/${fx.ws}/analytics/app-site`)),
  route('GET /api/v1/analytics/summary', 'admin', (fx) => get(`/analytics/summary?site=${fx.site}&${range()}`)),
  route('POST /api/v1/analytics/funnel', 'admin', (fx) =>
    post('/analytics/funnel', {
      site: fx.site,
      from: new Date(Date.now() - 7 * DAY).toISOString(),
      to: new Date(Date.now() + DAY).toISOString(),
      steps: [
        { type: 'page', value: '/' },
        { type: 'event', value: 'signup' },
      ],
    }),
  ),
];

/** Routes anyone may call, each with the reason it is public by design. */
export const PUBLIC_ROUTES: Readonly<Record<RouteKey, string>> = {
  'POST /api/v1/auth/register': 'creating an account needs no account',
  'POST /api/v1/auth/login': 'logging in needs no session',
  'GET /api/v1/auth/session': 'answers {user: null} when logged out, so the web app can ask before logging in',
  'POST /api/v1/auth/logout': "ends the caller's own session, whatever it is; names no one else's",
  'GET /api/v1/invitations/{token}': 'the unguessable token in the emailed link is the credential',
  'POST /api/v1/invitations/{token}/register': 'the unguessable token in the emailed link is the credential',
  'POST /api/v1/invitations/{token}/accept': 'the token is the credential, and the logged-in user must be the invited address',
  'POST /api/v1/analytics/pageview': 'a beacon from any visitor of a tracked site, authorised by the public site key',
  'POST /api/v1/analytics/event': 'a beacon from any visitor of a tracked site, authorised by the public site key',
  'OPTIONS /api/v1/analytics/pageview': "the beacon's CORS preflight",
  'OPTIONS /api/v1/analytics/event': "the beacon's CORS preflight",
  'GET /healthz': 'load balancers probe it; it says only that the node and its database are up',
  'GET /metrics': 'Prometheus scrapes it; METRICS_TOKEN or METRICS_PORT protects it in production',
  'GET /t.js': 'the tracker script every tracked site loads',
  'GET /docs': 'the API reference',
  'GET /docs/': 'the API reference',
  'GET /docs/static/index.html': 'the API reference',
  'GET /docs/static/swagger-initializer.js': 'the API reference',
  'GET /docs/*': 'the API reference',
  'GET /docs/json': 'the OpenAPI document',
  'GET /docs/yaml': 'the OpenAPI document',
  'GET /*': 'the web app shell (only when the web app is built); API paths under it answer 404',
};

/** The built web app's static files (each its own route when `apps/web/dist` exists): public like any website's. */
export const WEB_APP_FILES = /^GET \/(|index\.html|[\w.-]+\.(js|css|svg|png|ico|webmanifest|json|txt)|assets\/.+)(\.(gz|br))?$/;

/** Routes the REST matrix leaves to another suite, with where they are checked. */
export const CHECKED_ELSEWHERE: Readonly<Record<RouteKey, string>> = {
  'GET /api/v1/events': 'a Server-Sent Events stream: the room matrix opens it for every room kind and actor',
};
