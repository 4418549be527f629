import { type Role, roleAtLeast } from '@tandem/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idOf } from '../support/http-client.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { SseTestClient } from '../support/sse-client.ts';
import { connectWs, type WsTestClient } from '../support/ws-client.ts';
import { errorShapeProblem, type RawResponse } from './raw-request.ts';
import { ACTORS, type Actor, buildSecurityFixture, FIXTURE_TIMEOUT_MS, SECRET, type SecurityFixture } from './security-fixture.ts';

/** Who may join a room: a workspace role and above, only the user the room is of, or everyone logged in. */
type RoomRule = Role | 'owner-only' | 'any-user';

/** One room of every kind (two chat rooms: one of every member, one of the owner and the admin only). */
const ROOMS: readonly { readonly kind: string; readonly rule: RoomRule; readonly room: (fx: SecurityFixture) => string }[] = [
  { kind: 'workspace', rule: 'viewer', room: (fx) => `workspace:${fx.ws}` },
  { kind: 'table', rule: 'viewer', room: (fx) => `table:${fx.table}` },
  { kind: 'record', rule: 'viewer', room: (fx) => `record:${fx.record}` },
  { kind: 'user', rule: 'owner-only', room: (fx) => `user:${idOf(fx.clients.owner)}` },
  { kind: 'chat', rule: 'viewer', room: (fx) => `chat:${fx.chatRoom}` },
  // Only its members, the owner and the admin, read the private group: roles below are refused as not in it.
  { kind: 'chat (private group)', rule: 'admin', room: (fx) => `chat:${fx.privateRoom}` },
  { kind: 'doc', rule: 'viewer', room: (fx) => `doc:${fx.doc}` },
  { kind: 'analytics', rule: 'admin', room: (fx) => `analytics:${fx.ws}` },
  { kind: 'system', rule: 'any-user', room: () => 'system' },
];

function mayJoin(rule: RoomRule, actor: Actor): boolean {
  if (rule === 'any-user') return true;
  if (rule === 'owner-only') return actor === 'owner';
  return actor !== 'outsider' && roleAtLeast(actor as Role, rule);
}

/** Every room kind × every actor × {WebSocket, SSE}: the cells of this matrix. */
export const ROOM_MATRIX_CELLS = ROOMS.length * ACTORS.length * 2;

describe('security matrix: every room kind for every role and a member of another workspace, over WebSocket and SSE', () => {
  let server: TestServer;
  let fx: SecurityFixture;
  const sockets = new Map<Actor, WsTestClient>();

  beforeAll(async () => {
    server = await startServer({ db: 'pglite', overrides: { wsMaxConnectionsPerUser: 50 } });
    fx = await buildSecurityFixture(server);
    for (const actor of ACTORS) sockets.set(actor, await connectWs(server.url, fx.clients[actor]));
  }, FIXTURE_TIMEOUT_MS);
  afterAll(async () => {
    for (const socket of sockets.values()) await socket.close();
    await server?.close();
  });

  it.each(ROOMS.map((r) => [r.kind, r] as const))('a %s room lets in exactly who may read it', async (_kind, r) => {
    const room = r.room(fx);
    const problems: string[] = [];
    for (const actor of ACTORS) {
      const allowed = mayJoin(r.rule, actor);
      const answer = await (sockets.get(actor) as WsTestClient).request({ type: 'subscribe', room });
      if (allowed && answer.type !== 'ack') problems.push(`ws ${actor}: ${JSON.stringify(answer)}`);
      if (!allowed && !(answer.type === 'error' && ['forbidden', 'not_found'].includes(String(answer.code)))) {
        problems.push(`ws ${actor}: ${JSON.stringify(answer)}`);
      }
      const token = fx.clients[actor].token ?? '';
      const sse = await SseTestClient.open(server.url, token, [room]);
      try {
        if (allowed && sse.status !== 200) problems.push(`sse ${actor}: ${sse.status}`);
        if (!allowed) {
          await sse.ended;
          if (![403, 404].includes(sse.status)) problems.push(`sse ${actor}: ${sse.status}`);
        }
      } finally {
        sse.close();
      }
    }
    const anonymous = await fetch(`${server.url}/api/v1/events?room=${encodeURIComponent(room)}`);
    const text = await anonymous.text();
    const res: RawResponse = { status: anonymous.status, text, json: JSON.parse(text), headers: anonymous.headers };
    if (res.status !== 401 || errorShapeProblem(res, ['unauthenticated'])) problems.push(`sse anonymous: ${res.status} ${text}`);
    expect(problems).toEqual([]);
  });

  it('a refused SSE stream answers with the error shape, not a stream', async () => {
    const res = await fetch(`${server.url}/api/v1/events?room=${encodeURIComponent(`record:${fx.record}`)}`, {
      headers: { authorization: `Bearer ${fx.clients.outsider.token}` },
    });
    const text = await res.text();
    expect(res.status).toBe(403);
    expect(errorShapeProblem({ status: res.status, text, json: JSON.parse(text), headers: res.headers }, ['forbidden', 'not_found'])).toBeNull();
    expect(text).not.toContain(SECRET);
  });

  it("events of the victim workspace's rooms reach its readers and no one who was refused", async () => {
    const { owner } = fx.clients;
    await owner.patch(`/records/${fx.record}`, { values: { [fx.field]: `${SECRET} changed` } });
    await owner.post(`/chat/rooms/${fx.privateRoom}/messages`, { body: `${SECRET} for admins` });
    const viewerSocket = sockets.get('viewer') as WsTestClient;
    await viewerSocket.waitFor((m) => m.type === 'record_updated' && m.room === `record:${fx.record}`);
    await (sockets.get('admin') as WsTestClient).waitFor((m) => m.type === 'chat_message_created' && m.room === `chat:${fx.privateRoom}`);
    const leaked = (actor: Actor) => (sockets.get(actor) as WsTestClient).frames.filter((frame) => frame.includes(SECRET));
    expect(leaked('outsider')).toEqual([]);
    for (const actor of ['viewer', 'commenter', 'editor'] as const) {
      expect(
        leaked(actor).filter((frame) => frame.includes(fx.privateRoom) || frame.includes('for admins')),
        actor,
      ).toEqual([]);
    }
  });

  it('the system room sends the cluster figures to owners and admins only', async () => {
    const admin = sockets.get('admin') as WsTestClient;
    await admin.waitFor((m) => m.type === 'metrics_update', 15_000);
    for (const actor of ['viewer', 'commenter', 'editor'] as const) {
      expect(
        (sockets.get(actor) as WsTestClient).messages.filter((m) => m.type === 'metrics_update' || m.type === 'alert'),
        actor,
      ).toEqual([]);
    }
  });
});
