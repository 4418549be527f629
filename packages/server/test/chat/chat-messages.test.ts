import { randomUUID } from 'node:crypto';
import type { ChatMessage, ChatRoom } from '@tandem/protocol';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../support/each-database.ts';
import { type ApiClient, idOf, newTeam, type Team } from '../support/http-client.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { connectWs } from '../support/ws-client.ts';

type Members = 'ann' | 'ben' | 'cat';

describeEachDatabase('chat messages', (db) => {
  let server: TestServer;
  let team: Team<Members>;
  beforeAll(async () => {
    server = await startServer({ db });
    team = await newTeam(server.url, { ann: ['Ann Archer', 'editor'], ben: ['Ben Baker', 'editor'], cat: ['Cat Cole', 'viewer'] });
  });
  afterAll(async () => server?.close());

  async function dm(a: ApiClient, b: ApiClient): Promise<ChatRoom> {
    const res = await a.post('/chat/rooms', { kind: 'dm', workspace_id: team.workspaceId, user_id: idOf(b) });
    expect([200, 201]).toContain(res.status);
    return res.body;
  }

  it('asking for a DM with the same member again, from either side, answers the one room', async () => {
    const first = await team.ann.post('/chat/rooms', { kind: 'dm', workspace_id: team.workspaceId, user_id: idOf(team.cat) });
    const again = await team.ann.post('/chat/rooms', { kind: 'dm', workspace_id: team.workspaceId, user_id: idOf(team.cat) });
    const reverse = await team.cat.post('/chat/rooms', { kind: 'dm', workspace_id: team.workspaceId, user_id: idOf(team.ann) });
    expect([first.status, again.status, reverse.status]).toEqual([201, 200, 200]);
    expect(new Set([first.body.id, again.body.id, reverse.body.id]).size).toBe(1);
    expect(reverse.body.dm_peer).toEqual({ id: idOf(team.ann), name: 'Ann Archer' });
    const self = await team.ann.post('/chat/rooms', { kind: 'dm', workspace_id: team.workspaceId, user_id: idOf(team.ann) });
    expect(self.status).toBe(400);
    expect(self.body.error.code).toBe('invalid_input');
  });

  it('a retried send with the same client_id creates one message, and a new client_id a second', async () => {
    const room = await dm(team.ann, team.ben);
    const clientId = randomUUID();
    const first = await team.ann.post(`/chat/rooms/${room.id}/messages`, { body: 'Once only', client_id: clientId });
    const retry = await team.ann.post(`/chat/rooms/${room.id}/messages`, { body: 'Once only', client_id: clientId });
    const other = await team.ann.post(`/chat/rooms/${room.id}/messages`, { body: 'Once only', client_id: randomUUID() });
    expect([first.status, retry.status, other.status]).toEqual([201, 200, 201]);
    expect(retry.body.id).toBe(first.body.id);
    expect(other.body.id).not.toBe(first.body.id);
    const page = await team.ben.get(`/chat/rooms/${room.id}/messages`);
    expect(page.body.messages.filter((m: ChatMessage) => m.body === 'Once only')).toHaveLength(2);
  });

  it('markdown is rendered sanitised, a mention notifies with a link to the message, and a DM notifies its peer', async () => {
    const room = await dm(team.ann, team.ben);
    const res = await team.ann.post(`/chat/rooms/${room.id}/messages`, {
      body: `**Look** <img src=x onerror=alert(1)> @[Ben](${idOf(team.ben)}) [x](javascript:alert(1))`,
    });
    expect(res.status).toBe(201);
    expect(res.body.body_html).toContain('<strong>Look</strong>');
    expect(res.body.body_html).not.toMatch(/onerror|<img|javascript:/);
    expect(res.body.body_html).toContain(`data-user-id="${idOf(team.ben)}">@Ben Baker</span>`);
    expect(res.body.mentions).toEqual([idOf(team.ben)]);
    const inbox = (await team.ben.get('/notifications')).body.notifications;
    const mention = inbox.find((n: { chat_message_id: string }) => n.chat_message_id === res.body.id);
    expect(mention).toMatchObject({ type: 'chat_mention', chat_room_id: room.id, workspace_id: team.workspaceId });
    // The notification shows the rendered text: the mention by name, no markdown marks or markup.
    expect(mention.body).toBe('Look @Ben Baker x');
    // Mentioned already: no second notification for the same message.
    expect(inbox.filter((n: { chat_message_id: string }) => n.chat_message_id === res.body.id)).toHaveLength(1);

    const plain = await team.ann.post(`/chat/rooms/${room.id}/messages`, { body: 'Are you there?' });
    const dms = (await team.ben.get('/notifications')).body.notifications.filter((n: { chat_message_id: string }) => n.chat_message_id === plain.body.id);
    expect(dms.map((n: { type: string }) => n.type)).toEqual(['chat_dm']);
    expect((await team.ann.get('/notifications')).body.notifications.some((n: { chat_message_id: string }) => n.chat_message_id === plain.body.id)).toBe(false);
  });

  it('a member who turned chat DMs off gets no DM notification, but still their mentions', async () => {
    const room = await dm(team.ben, team.cat);
    const prefs = await team.cat.put('/notifications/preferences', { channels: { chat_dm: { in_app: false, email: false, push: false } } });
    expect(prefs.status).toBe(200);
    const plain = await team.ben.post(`/chat/rooms/${room.id}/messages`, { body: 'Just saying hi' });
    const mention = await team.ben.post(`/chat/rooms/${room.id}/messages`, { body: `@[Cat](${idOf(team.cat)}) look` });
    const ids = (await team.cat.get('/notifications')).body.notifications.map((n: { chat_message_id: string; type: string }) => [n.type, n.chat_message_id]);
    expect(ids).toContainEqual(['chat_mention', mention.body.id]);
    expect(ids.some(([, id]: [string, string]) => id === plain.body.id)).toBe(false);
  });

  it('mentioning someone outside a group renders the name but notifies nobody outside it', async () => {
    const group = await team.ann.post('/chat/rooms', { kind: 'group', workspace_id: team.workspaceId, name: 'Pair', member_ids: [idOf(team.ben)] });
    const sent = await team.ann.post(`/chat/rooms/${group.body.id}/messages`, { body: `@[Cat](${idOf(team.cat)}) secret plan` });
    expect(sent.status).toBe(201);
    const catInbox = (await team.cat.get('/notifications')).body.notifications;
    expect(catInbox.some((n: { chat_message_id: string }) => n.chat_message_id === sent.body.id)).toBe(false);
  });

  it('reactions toggle per user and emoji, with counts and who reacted, live to the other member', async () => {
    const room = await dm(team.ann, team.ben);
    const message = (await team.ann.post(`/chat/rooms/${room.id}/messages`, { body: 'React to me' })).body;
    const benWs = await connectWs(server.url, team.ben);
    try {
      await benWs.subscribe(`chat:${room.id}`);
      const one = await team.ann.post(`/chat/messages/${message.id}/reactions`, { emoji: '👍' });
      const two = await team.ben.post(`/chat/messages/${message.id}/reactions`, { emoji: '👍' });
      expect(one.body.added).toBe(true);
      expect(two.body.message.reactions).toEqual([{ emoji: '👍', count: 2, user_ids: [idOf(team.ann), idOf(team.ben)] }]);
      const off = await team.ann.post(`/chat/messages/${message.id}/reactions`, { emoji: '👍' });
      expect(off.body.added).toBe(false);
      expect(off.body.message.reactions).toEqual([{ emoji: '👍', count: 1, user_ids: [idOf(team.ben)] }]);
      const removed = await benWs.waitFor((m) => m.type === 'chat_reaction_removed');
      expect(removed.data).toMatchObject({ message_id: message.id, emoji: '👍', user_id: idOf(team.ann), reactions: [{ emoji: '👍', count: 1 }] });
    } finally {
      await benWs.close();
    }
  });

  it('edits and deletes reach the other member live and, after a disconnect, on resume; the tombstone stays in place', async () => {
    const room = await dm(team.ann, team.ben);
    const message = (await team.ann.post(`/chat/rooms/${room.id}/messages`, { body: 'Draft text' })).body;
    const live = await connectWs(server.url, team.ben);
    await live.subscribe(`chat:${room.id}`);
    const edited = await team.ann.patch(`/chat/messages/${message.id}`, { body: 'Final text' });
    expect(edited.status).toBe(200);
    expect(edited.body.edited_at).not.toBeNull();
    const update = await live.waitFor((m) => m.type === 'chat_message_updated');
    expect(update.data).toMatchObject({ id: message.id, body: 'Final text' });
    const seq = update.seq as number;
    await live.close();

    expect((await team.ben.patch(`/chat/messages/${message.id}`, { body: 'Not mine' })).status).toBe(403);
    const deleted = await team.ann.delete(`/chat/messages/${message.id}`);
    expect(deleted.status).toBe(200);
    const resumed = await connectWs(server.url, team.ben);
    try {
      await resumed.subscribe(`chat:${room.id}`, seq);
      const tombstone = await resumed.waitFor((m) => m.type === 'chat_message_deleted');
      expect(tombstone.data).toMatchObject({ id: message.id, body: '', body_html: '' });
      expect((tombstone.data as ChatMessage).deleted_at).not.toBeNull();
    } finally {
      await resumed.close();
    }
    const page = await team.ben.get(`/chat/rooms/${room.id}/messages`);
    const kept = page.body.messages.find((m: ChatMessage) => m.id === message.id);
    expect(kept).toMatchObject({ body: '', deleted_at: expect.any(String) });
    // The earlier text is kept for workspace admins only.
    expect((await team.ben.get(`/chat/messages/${message.id}/history`)).status).toBe(403);
    const history = await team.owner.get(`/chat/messages/${message.id}/history`);
    expect(history.status).toBe(404); // the owner is not in this DM: it does not exist for them
  });

  it('announcement-only channels take posts from their admins only; everyone in the workspace reads them', async () => {
    const channel = (
      await team.ann.post('/chat/rooms', { kind: 'channel', workspace_id: team.workspaceId, name: `news-${randomUUID().slice(0, 6)}`, announcement_only: true })
    ).body;
    expect((await team.ben.post(`/chat/rooms/${channel.id}/members`, { user_ids: [idOf(team.ben)] })).status).toBe(200);
    const refused = await team.ben.post(`/chat/rooms/${channel.id}/messages`, { body: 'Me too' });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('forbidden');
    const posted = await team.ann.post(`/chat/rooms/${channel.id}/messages`, { body: 'Release on Friday' });
    expect(posted.status).toBe(201);
    // Cat never joined, yet reads the channel.
    const read = await team.cat.get(`/chat/rooms/${channel.id}/messages`);
    expect(read.body.messages.map((m: ChatMessage) => m.body)).toEqual(['Release on Friday']);
    expect((await team.ben.get(`/chat/rooms/${channel.id}/messages`)).body.messages).toHaveLength(1);
  });

  it('a thread reply names its root; the root carries reply count, last reply time and participants', async () => {
    const room = await dm(team.ann, team.ben);
    const root = (await team.ann.post(`/chat/rooms/${room.id}/messages`, { body: 'Thread root' })).body;
    const r1 = (await team.ben.post(`/chat/rooms/${room.id}/messages`, { body: 'Reply one', parent_id: root.id })).body;
    // A reply to a reply joins the root's thread.
    const r2 = (await team.ann.post(`/chat/rooms/${room.id}/messages`, { body: 'Reply two', parent_id: r1.id })).body;
    expect(r2.parent_id).toBe(root.id);
    const thread = await team.ann.get(`/chat/rooms/${room.id}/messages?thread=${root.id}`);
    expect(thread.body.messages.map((m: ChatMessage) => m.body)).toEqual(['Reply one', 'Reply two']);
    const top = await team.ann.get(`/chat/rooms/${room.id}/messages`);
    expect(top.body.messages.some((m: ChatMessage) => m.parent_id)).toBe(false);
    const updatedRoot = top.body.messages.find((m: ChatMessage) => m.id === root.id);
    expect(updatedRoot).toMatchObject({ reply_count: 2, last_reply_at: r2.created_at, thread_participants: [idOf(team.ben), idOf(team.ann)] });
  });

  it('pages older, newer and around a message without gaps or repeats', async () => {
    const room = (await team.ann.post('/chat/rooms', { kind: 'group', workspace_id: team.workspaceId, name: 'Paging', member_ids: [idOf(team.ben)] })).body;
    const sent: ChatMessage[] = [];
    for (let i = 0; i < 25; i++) sent.push((await team.ann.post(`/chat/rooms/${room.id}/messages`, { body: `m${i}` })).body);
    const bodies = (page: { messages: ChatMessage[] }) => page.messages.map((m) => m.body);
    const newest = (await team.ben.get(`/chat/rooms/${room.id}/messages?limit=10`)).body;
    expect(bodies(newest)).toEqual(sent.slice(15).map((m) => m.body));
    expect([newest.has_older, newest.has_newer]).toEqual([true, false]);
    const older = (await team.ben.get(`/chat/rooms/${room.id}/messages?limit=10&before=${newest.messages[0].id}`)).body;
    expect(bodies(older)).toEqual(sent.slice(5, 15).map((m) => m.body));
    const oldest = (await team.ben.get(`/chat/rooms/${room.id}/messages?limit=10&before=${older.messages[0].id}`)).body;
    expect(bodies(oldest)).toEqual(sent.slice(0, 5).map((m) => m.body));
    expect(oldest.has_older).toBe(false);
    const around = (await team.ben.get(`/chat/rooms/${room.id}/messages?limit=6&around=${sent[12]?.id}`)).body;
    expect(bodies(around)).toEqual(['m10', 'm11', 'm12', 'm13', 'm14', 'm15']);
    expect([around.has_older, around.has_newer]).toEqual([true, true]);
    const newer = (await team.ben.get(`/chat/rooms/${room.id}/messages?limit=6&after=${sent[20]?.id}`)).body;
    expect(bodies(newer)).toEqual(['m21', 'm22', 'm23', 'm24']);
    expect(newer.has_newer).toBe(false);
    const bad = await team.ben.get(`/chat/rooms/${room.id}/messages?before=${randomUUID()}`);
    expect(bad.status).toBe(400);
  });
});
