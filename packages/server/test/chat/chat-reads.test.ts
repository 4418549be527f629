import type { ChatSearchHit, UnreadCounts } from '@tandem/protocol';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../support/each-database.ts';
import { type ApiClient, idOf, newTeam, type Team } from '../support/http-client.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { connectWs } from '../support/ws-client.ts';

describeEachDatabase('chat reads, unread counts and search', (db) => {
  let server: TestServer;
  let team: Team<'ann' | 'ben' | 'cat' | 'dan'>;
  beforeAll(async () => {
    server = await startServer({ db });
    team = await newTeam(server.url, { ann: ['Ann', 'editor'], ben: ['Ben', 'editor'], cat: ['Cat', 'editor'], dan: ['Dan', 'editor'] });
  });
  afterAll(async () => server?.close());

  async function group(name: string, ...members: ApiClient[]): Promise<string> {
    const res = await team.ann.post('/chat/rooms', { kind: 'group', workspace_id: team.workspaceId, name, member_ids: members.map(idOf) });
    expect(res.status).toBe(201);
    return res.body.id;
  }

  async function unread(client: ApiClient): Promise<UnreadCounts> {
    return (await client.get(`/chat/unread?workspace_id=${team.workspaceId}`)).body;
  }

  it('room and thread unread counts are right after reads, and a read on one device clears the badge on the other', async () => {
    const room = await group('Counting', team.ben);
    const m1 = (await team.ann.post(`/chat/rooms/${room}/messages`, { body: 'one' })).body;
    await team.ann.post(`/chat/rooms/${room}/messages`, { body: `two @[Ben](${idOf(team.ben)})` });
    const m3 = (await team.ann.post(`/chat/rooms/${room}/messages`, { body: 'three' })).body;
    // Ben takes part in m1's thread; replies count in the thread, never in the room.
    const r1 = (await team.ben.post(`/chat/rooms/${room}/messages`, { body: 'reply by Ben', parent_id: m1.id })).body;
    await team.ann.post(`/chat/rooms/${room}/messages`, { body: 'reply by Ann', parent_id: m1.id });
    await team.ann.post(`/chat/rooms/${room}/messages`, { body: 'second reply by Ann', parent_id: m1.id });

    const before = await unread(team.ben);
    expect(before.rooms[room]).toEqual({ unread: 3, mentions: 1, threads: { [m1.id]: 2 } });
    expect((await unread(team.ann)).rooms[room]?.unread).toBe(0);

    const phone = await connectWs(server.url, team.ben);
    try {
      await phone.subscribe(`user:${idOf(team.ben)}`);
      const answer = await team.ben.post(`/chat/rooms/${room}/read`, { message_id: m3.id });
      expect(answer.status).toBe(200);
      expect(answer.body.unread.rooms[room]).toEqual({ unread: 0, mentions: 0, threads: { [m1.id]: 2 } });
      const pushed = await phone.waitFor((m) => m.type === 'chat_unread' && (m.data as { unread: UnreadCounts }).unread.rooms[room]?.unread === 0);
      expect((pushed.data as { workspace_id: string }).workspace_id).toBe(team.workspaceId);

      // Reading part of the thread leaves the rest unread there.
      const thread = (await team.ben.get(`/chat/rooms/${room}/messages?thread=${m1.id}`)).body.messages;
      const afterThread = await team.ben.post(`/chat/rooms/${room}/read`, { message_id: thread[1].id, thread_id: m1.id });
      expect(afterThread.body.unread.rooms[room].threads).toEqual({ [m1.id]: 1 });
      // Markers only move forward.
      const back = await team.ben.post(`/chat/rooms/${room}/read`, { message_id: m1.id });
      expect(back.body.unread.rooms[room].unread).toBe(0);
      expect(r1.parent_id).toBe(m1.id);
    } finally {
      await phone.close();
    }
  });

  it('new messages push each member their new counts once per window', async () => {
    const room = await group('Pushing', team.cat);
    const cat = await connectWs(server.url, team.cat);
    try {
      await cat.subscribe(`user:${idOf(team.cat)}`);
      for (let i = 0; i < 5; i++) await team.ann.post(`/chat/rooms/${room}/messages`, { body: `burst ${i}` });
      const pushed = await cat.waitFor((m) => m.type === 'chat_unread' && (m.data as { unread: UnreadCounts }).unread.rooms[room]?.unread === 5);
      expect((pushed.data as { unread: UnreadCounts }).unread.total).toBeGreaterThanOrEqual(5);
    } finally {
      await cat.close();
    }
  });

  it('Seen by lists members who read up to a message, never one who hides receipts, and no receipt of theirs goes out', async () => {
    const room = await group('Receipts', team.ben, team.cat);
    const message = (await team.ann.post(`/chat/rooms/${room}/messages`, { body: 'Did you see this?' })).body;
    expect((await team.cat.put('/chat/settings', { hide_read_receipts: true })).body).toEqual({ hide_read_receipts: true });
    const annWs = await connectWs(server.url, team.ann);
    try {
      await annWs.subscribe(`chat:${room}`);
      await team.ben.post(`/chat/rooms/${room}/read`, { message_id: message.id });
      await team.cat.post(`/chat/rooms/${room}/read`, { message_id: message.id });
      const receipt = await annWs.waitFor((m) => m.type === 'chat_read');
      expect(receipt.data).toMatchObject({ user_id: idOf(team.ben), message_id: message.id });
      const seen = await team.ann.get(`/chat/messages/${message.id}/seen-by`);
      expect(seen.body.users.map((u: { id: string }) => u.id)).toEqual([idOf(team.ben)]);
      // Cat still sees her own state as read.
      expect((await unread(team.cat)).rooms[room]?.unread).toBe(0);
      // Ben's view of who has seen it leaves Cat out as well.
      expect((await team.ben.get(`/chat/messages/${message.id}/seen-by`)).body.users).toEqual([]);
      // Ben's receipt was followed by no receipt of Cat's.
      await team.ann.post(`/chat/rooms/${room}/messages`, { body: 'marker' });
      await annWs.waitFor((m) => m.type === 'chat_message_created' && (m.data as { body: string }).body === 'marker');
      expect(
        annWs
          .events(`chat:${room}`)
          .filter((e) => e.type === 'chat_read')
          .map((e) => (e.data as { user_id: string }).user_id),
      ).toEqual([idOf(team.ben)]);
    } finally {
      await annWs.close();
      await team.cat.put('/chat/settings', { hide_read_receipts: false });
    }
  });

  it('search finds ranked, highlighted hits only in rooms the caller can read', async () => {
    const mine = await group('Search mine', team.dan);
    const hidden = await group('Search hidden', team.ben);
    const channel = (await team.ann.post('/chat/rooms', { kind: 'channel', workspace_id: team.workspaceId, name: 'search-open' })).body.id;
    await team.ann.post(`/chat/rooms/${mine}/messages`, { body: 'The zebracorn deploy <b>ships</b> R&D 5 < 6 tonight' });
    await team.ann.post(`/chat/rooms/${hidden}/messages`, { body: 'zebracorn secret in a room Dan is not in' });
    await team.ann.post(`/chat/rooms/${channel}/messages`, { body: 'zebracorn zebracorn in the open channel' });
    await team.ann.post(`/chat/rooms/${mine}/messages`, { body: 'nothing to see' });

    const res = await team.dan.get(`/chat/search?workspace_id=${team.workspaceId}&q=zebracorn`);
    expect(res.status).toBe(200);
    const hits = res.body.hits as ChatSearchHit[];
    expect(hits.map((h) => h.room.id).sort()).toEqual([mine, channel].sort());
    expect(hits[0]?.room.id).toBe(channel); // two matches rank first
    const deploy = hits.find((h) => h.room.id === mine);
    expect(deploy?.snippet_html).toContain('<mark>zebracorn</mark>');
    expect(deploy?.snippet_html).toContain('R&amp;D 5 &lt; 6');
    expect(deploy?.snippet_html).not.toContain('<b>');

    const inRoom = await team.dan.get(`/chat/search?workspace_id=${team.workspaceId}&q=zebracorn&room=${mine}`);
    expect(inRoom.body.hits.map((h: ChatSearchHit) => h.room.id)).toEqual([mine]);
    const ben = await team.ben.get(`/chat/search?workspace_id=${team.workspaceId}&q=zebracorn`);
    expect(ben.body.hits.map((h: ChatSearchHit) => h.room.id).sort()).toEqual([hidden, channel].sort());
    expect((await team.dan.get(`/chat/search?workspace_id=${team.workspaceId}&q=`)).status).toBe(400);
  });
});
