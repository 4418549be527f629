import type { ChatMessage } from '@tandem/protocol';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../support/each-database.ts';
import { type ApiClient, idOf, newTeam, newUser, type Team } from '../support/http-client.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { SseTestClient } from '../support/sse-client.ts';
import { connectWs } from '../support/ws-client.ts';

describeEachDatabase('chat access', (db) => {
  let server: TestServer;
  let team: Team<'ann' | 'ben' | 'eve'>;
  let stranger: ApiClient;
  let groupId: string;
  let dmId: string;
  beforeAll(async () => {
    server = await startServer({ db });
    team = await newTeam(server.url, { ann: ['Ann', 'editor'], ben: ['Ben', 'editor'], eve: ['Eve', 'editor'] });
    stranger = await newUser(server.url, 'Stranger');
    groupId = (await team.ann.post('/chat/rooms', { kind: 'group', workspace_id: team.workspaceId, name: 'Private', member_ids: [idOf(team.ben)] })).body.id;
    dmId = (await team.ann.post('/chat/rooms', { kind: 'dm', workspace_id: team.workspaceId, user_id: idOf(team.ben) })).body.id;
    await team.ann.post(`/chat/rooms/${groupId}/messages`, { body: 'group secret' });
    await team.ann.post(`/chat/rooms/${dmId}/messages`, { body: 'dm secret' });
  });
  afterAll(async () => server?.close());

  it('a workspace member outside a group or DM gets 404 on every REST path, as if it did not exist', async () => {
    for (const room of [groupId, dmId]) {
      for (const client of [team.eve, team.owner, stranger]) {
        const answers = await Promise.all([
          client.get(`/chat/rooms/${room}`),
          client.get(`/chat/rooms/${room}/messages`),
          client.get(`/chat/rooms/${room}/members`),
          client.post(`/chat/rooms/${room}/messages`, { body: 'let me in' }),
          client.post(`/chat/rooms/${room}/read`, { message_id: room }),
          client.post('/chat/typing', { room: `chat:${room}` }),
        ]);
        expect(answers.map((a) => a.status)).toEqual([404, 404, 404, 404, 404, 404]);
        expect(answers.every((a) => a.body.error.code === 'not_found')).toBe(true);
      }
    }
    // Nothing was stored by the refused posts.
    const page = await team.ben.get(`/chat/rooms/${groupId}/messages`);
    expect(page.body.messages.map((m: ChatMessage) => m.body)).toEqual(['group secret']);
    // A message of the group, asked for directly, is just as hidden.
    const message = page.body.messages[0] as ChatMessage;
    expect((await team.eve.get(`/chat/messages/${message.id}`)).status).toBe(404);
    expect((await team.eve.post(`/chat/messages/${message.id}/reactions`, { emoji: '👀' })).status).toBe(404);
    expect((await team.eve.get(`/chat/messages/${message.id}/seen-by`)).status).toBe(404);
  });

  it('a non-member cannot subscribe to a group or DM over the WebSocket or SSE; a member can', async () => {
    const eve = await connectWs(server.url, team.eve);
    try {
      for (const room of [groupId, dmId]) {
        const answer = await eve.request({ type: 'subscribe', room: `chat:${room}` });
        expect(answer).toMatchObject({ type: 'error', code: 'forbidden' });
      }
    } finally {
      await eve.close();
    }
    const sse = await SseTestClient.open(server.url, team.eve.token ?? '', [`chat:${groupId}`]);
    expect(sse.status).toBe(403);
    const ben = await connectWs(server.url, team.ben);
    try {
      const ok = await ben.subscribe(`chat:${groupId}`);
      expect(ok).toMatchObject({ type: 'ack' });
    } finally {
      await ben.close();
    }
  });

  it('a member removed from a group loses its live events at once', async () => {
    const room = (await team.ann.post('/chat/rooms', { kind: 'group', workspace_id: team.workspaceId, name: 'Shrinking', member_ids: [idOf(team.eve)] })).body
      .id;
    const eve = await connectWs(server.url, team.eve);
    try {
      await eve.subscribe(`chat:${room}`);
      expect((await team.ann.delete(`/chat/rooms/${room}/members/${idOf(team.eve)}`)).status).toBe(204);
      const gone = await eve.waitFor((m) => m.type === 'unsubscribed');
      expect(gone).toMatchObject({ room: `chat:${room}`, reason: 'forbidden' });
      await team.ann.post(`/chat/rooms/${room}/messages`, { body: 'after Eve left' });
      expect((await team.eve.get(`/chat/rooms/${room}/messages`)).status).toBe(404);
      expect(eve.events(`chat:${room}`).some((e) => (e.data as ChatMessage).body === 'after Eve left')).toBe(false);
    } finally {
      await eve.close();
    }
  });

  it('bad input changes nothing and answers the registry error', async () => {
    const long = 'x'.repeat(20_001);
    const answers = await Promise.all([
      team.ann.post(`/chat/rooms/${groupId}/messages`, { body: long }),
      team.ann.post(`/chat/rooms/${groupId}/messages`, { body: '   ' }),
      team.ann.post(`/chat/rooms/${groupId}/messages`, { body: 'hi', parent_id: dmId }),
      team.ann.post('/chat/rooms', { kind: 'group', workspace_id: team.workspaceId, name: 'With a stranger', member_ids: [idOf(stranger)] }),
      team.ann.post('/chat/rooms', { kind: 'nope', workspace_id: team.workspaceId }),
      team.ann.get(`/chat/rooms/${groupId}/messages?limit=100000`),
    ]);
    expect(answers.map((a) => a.status)).toEqual([400, 400, 400, 400, 400, 400]);
    expect(answers.every((a) => a.body.error.code === 'invalid_input')).toBe(true);
    const page = await team.ben.get(`/chat/rooms/${groupId}/messages`);
    expect(page.body.messages.map((m: ChatMessage) => m.body)).toEqual(['group secret']);
  });
});
