import { roomName } from '@tandem/protocol';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../support/each-database.ts';
import { newUser, workspaceWith } from '../support/http-client.ts';
import type { TestServer } from '../support/server.ts';
import { createRecord, createTable } from '../support/tables.ts';
import { connectWs } from '../support/ws-client.ts';
import { type CollabFixture, idOf, startCollabServer } from './collab-fixture.ts';

describeEachDatabase('comments', (db) => {
  let server: TestServer;
  let fx: CollabFixture;
  beforeAll(async () => {
    ({ server, fx } = await startCollabServer(db));
  });
  afterAll(async () => server?.close());

  it('a mention notifies the mentioned member over their WebSocket and never the author; non-members stay plain text', async () => {
    const editorWs = await connectWs(server.url, fx.editor);
    const authorWs = await connectWs(server.url, fx.commenter);
    try {
      await editorWs.subscribe(roomName('user', idOf(fx.editor)));
      await authorWs.subscribe(roomName('user', idOf(fx.commenter)));
      const body = `Can you check this, @[Eddie](${idOf(fx.editor)})? Also @[Me](${idOf(fx.commenter)}), @[Ghost](00000000-0000-4000-8000-000000000000) and @${fx.outsider.user?.email}`;
      const res = await fx.commenter.post(`/records/${fx.recordId}/comments`, { body });
      expect(res.status).toBe(201);
      expect(res.body.mentions).toEqual([idOf(fx.editor), idOf(fx.commenter)]);
      expect(res.body.body_html).toContain(`<span class="mention" data-user-id="${idOf(fx.editor)}">@Eddie Editor</span>`);
      expect(res.body.body_html).toContain('@Ghost');
      expect(res.body.body_html).not.toContain('00000000-0000-4000-8000-000000000000');
      expect(res.body.body_html).not.toContain(`data-user-id="${idOf(fx.outsider)}"`);

      const live = await editorWs.waitFor((m) => m.type === 'notification_created');
      expect(live.data).toMatchObject({ type: 'mention', comment_id: res.body.id, record_id: fx.recordId, actor: { id: idOf(fx.commenter) } });

      const inbox = await fx.editor.get('/notifications?unread=true');
      expect(inbox.body.notifications.map((n: { type: string; comment_id: string }) => [n.type, n.comment_id])).toContainEqual(['mention', res.body.id]);
      // The author mentioned themself: still nothing for them, live or stored.
      expect((await fx.commenter.get('/notifications/unread-count')).body.unread_count).toBe(0);
      expect(authorWs.messages.some((m) => m.type === 'notification_created')).toBe(false);
    } finally {
      await editorWs.close();
      await authorWs.close();
    }
  });

  it('@Name of a unique member is a mention like @[Name](id); a shared, unknown or outside name stays plain text', async () => {
    const [twinA, twinB, rita] = await Promise.all([newUser(server.url, 'Sam Twin'), newUser(server.url, 'Sam Twin'), newUser(server.url, 'Rita Ng')]);
    const workspaceId = await workspaceWith(fx.owner, [
      [fx.editor, 'editor'],
      [twinA, 'commenter'],
      [twinB, 'commenter'],
      [rita, 'commenter'],
    ]);
    const table = await createTable(fx.owner, workspaceId, [{ name: 'Name', type: 'text' }]);
    const record = await createRecord(fx.owner, table.id, { [table.f.Name ?? '']: 'Named mentions' });

    const body = 'Thanks @eddie editor, and @Rita Ng! Ask @Sam Twin, not @Oscar Outsider or @Nobody; rita@example.com is no mention.';
    const res = await fx.owner.post(`/records/${record.id}/comments`, { body });
    expect(res.status).toBe(201);
    expect(res.body.mentions).toEqual([idOf(fx.editor), idOf(rita)]);
    expect(res.body.body_html).toContain(`<span class="mention" data-user-id="${idOf(fx.editor)}">@Eddie Editor</span>, and`);
    expect(res.body.body_html).toContain(`<span class="mention" data-user-id="${idOf(rita)}">@Rita Ng</span>!`);
    expect(res.body.body_html).toContain('Ask @Sam Twin, not @Oscar Outsider or @Nobody');
    expect(res.body.body_html).not.toContain(`data-user-id="${idOf(twinA)}"`);
    expect(res.body.body_html).not.toContain(`data-user-id="${idOf(twinB)}"`);
    expect(res.body.body).toBe(body);

    const inbox = await rita.get('/notifications?unread=true');
    expect(inbox.body.notifications.map((n: { type: string; comment_id: string }) => [n.type, n.comment_id])).toContainEqual(['mention', res.body.id]);
    expect((await twinA.get('/notifications/unread-count')).body.unread_count).toBe(0);

    // A name that runs on is not a mention of its prefix.
    const longer = await fx.owner.post(`/records/${record.id}/comments`, { body: '@Rita Ngozi is someone else' });
    expect(longer.body.mentions).toEqual([]);
  });

  it('comment events reach the record and table rooms', async () => {
    const ws = await connectWs(server.url, fx.viewer);
    try {
      await ws.subscribe(roomName('record', fx.recordId));
      await ws.subscribe(roomName('table', fx.table.id));
      const made = await fx.editor.post(`/records/${fx.recordId}/comments`, { body: 'Live **now**' });
      expect(made.status).toBe(201);
      await ws.waitFor((m) => m.type === 'comment_created' && m.room === roomName('record', fx.recordId) && (m.data as { id: string }).id === made.body.id);
      await ws.waitFor((m) => m.type === 'comment_created' && m.room === roomName('table', fx.table.id) && (m.data as { id: string }).id === made.body.id);
      expect((await fx.editor.patch(`/comments/${made.body.id}`, { body: 'Live *edited*' })).status).toBe(200);
      await ws.waitFor((m) => m.type === 'comment_updated' && (m.data as { id: string }).id === made.body.id);
      expect((await fx.editor.delete(`/comments/${made.body.id}`)).status).toBe(204);
      await ws.waitFor((m) => m.type === 'comment_deleted' && (m.data as { id: string }).id === made.body.id);
    } finally {
      await ws.close();
    }
  });

  it('replies form a thread and notify its participants; followers hear about new comments until they unfollow', async () => {
    const record = await fx.owner.post(`/tables/${fx.table.id}/records`, { values: { [fx.table.f.Name ?? '']: 'Threaded' } });
    const recordId: string = record.body.id;
    const unread = async (c: typeof fx.owner, type: string) =>
      (await c.get('/notifications?unread=true&limit=200')).body.notifications.filter(
        (n: { type: string; record_id: string }) => n.type === type && n.record_id === recordId,
      ).length;

    // The record's creator follows automatically.
    const root = await fx.commenter.post(`/records/${recordId}/comments`, { body: 'Is the seal replaced?' });
    expect(await unread(fx.owner, 'comment_on_followed')).toBe(1);

    const reply = await fx.editor.post(`/records/${recordId}/comments`, { body: 'Yes, yesterday.', parent_id: root.body.id });
    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({ parent_id: root.body.id, thread_id: root.body.id });
    expect(await unread(fx.commenter, 'reply')).toBe(1);
    // The commenter is told once, as a thread participant, not again as a follower.
    expect(await unread(fx.commenter, 'comment_on_followed')).toBe(0);
    expect(await unread(fx.owner, 'comment_on_followed')).toBe(2);

    const nested = await fx.commenter.post(`/records/${recordId}/comments`, { body: 'Thanks', parent_id: reply.body.id });
    expect(nested.body.thread_id).toBe(root.body.id);
    expect(await unread(fx.editor, 'reply')).toBe(1);
    expect(await unread(fx.owner, 'comment_on_followed')).toBe(3);

    const followers = await fx.owner.get(`/records/${recordId}/followers`);
    expect(followers.body.following).toBe(true);
    expect(new Set(followers.body.followers)).toEqual(new Set([idOf(fx.owner), idOf(fx.commenter), idOf(fx.editor)]));

    expect((await fx.owner.delete(`/records/${recordId}/follow`)).body.following).toBe(false);
    await fx.editor.post(`/records/${recordId}/comments`, { body: 'A new topic' });
    expect(await unread(fx.owner, 'comment_on_followed')).toBe(3);

    // A viewer can follow too, and then hears about comments.
    expect((await fx.viewer.post(`/records/${recordId}/follow`)).body.following).toBe(true);
    await fx.editor.post(`/records/${recordId}/comments`, { body: 'Another topic' });
    expect(await unread(fx.viewer, 'comment_on_followed')).toBe(1);
    expect(await unread(fx.owner, 'comment_on_followed')).toBe(3);

    const list = await fx.viewer.get(`/records/${recordId}/comments`);
    expect(list.body.comments.map((c: { id: string }) => c.id).slice(0, 3)).toEqual([root.body.id, reply.body.id, nested.body.id]);

    const foreign = await fx.editor.post(`/records/${fx.recordId}/comments`, { body: 'wrong thread', parent_id: root.body.id });
    expect(foreign.status).toBe(400);
  });

  it('a commenter can comment but not edit records; a viewer can do neither', async () => {
    const name = fx.table.f.Name ?? '';
    expect((await fx.commenter.post(`/records/${fx.recordId}/comments`, { body: 'I may comment' })).status).toBe(201);
    const commenterWrite = await fx.commenter.patch(`/records/${fx.recordId}`, { values: { [name]: 'changed by commenter' } });
    expect(commenterWrite.status).toBe(403);
    expect(commenterWrite.body.error.code).toBe('forbidden');

    const viewerComment = await fx.viewer.post(`/records/${fx.recordId}/comments`, { body: 'I may not' });
    expect(viewerComment.status).toBe(403);
    expect(viewerComment.body.error.code).toBe('forbidden');
    expect((await fx.viewer.patch(`/records/${fx.recordId}`, { values: { [name]: 'changed by viewer' } })).status).toBe(403);
    expect((await fx.viewer.get(`/records/${fx.recordId}/comments`)).status).toBe(200);

    // Outsiders learn nothing about the record.
    expect((await fx.outsider.get(`/records/${fx.recordId}/comments`)).status).toBe(404);
    expect((await fx.outsider.post(`/records/${fx.recordId}/comments`, { body: 'hi' })).status).toBe(404);
    expect((await fx.owner.get(`/records/${fx.recordId}`)).body.values[name]).toBe('Pump overhaul');
  });

  it('only the author or an admin edits or deletes a comment; an edit is marked and a deletion keeps the thread', async () => {
    const root = await fx.commenter.post(`/records/${fx.recordId}/comments`, { body: 'original' });
    await fx.editor.post(`/records/${fx.recordId}/comments`, { body: 'a reply', parent_id: root.body.id });
    const byOther = await fx.editor.patch(`/comments/${root.body.id}`, { body: 'hijacked' });
    expect(byOther.status).toBe(403);
    expect((await fx.viewer.delete(`/comments/${root.body.id}`)).status).toBe(403);

    const edited = await fx.commenter.patch(`/comments/${root.body.id}`, { body: 'original, **fixed**' });
    expect(edited.status).toBe(200);
    expect(edited.body.edited_at).not.toBeNull();
    expect(edited.body.body_html).toBe('<p>original, <strong>fixed</strong></p>');

    expect((await fx.owner.delete(`/comments/${root.body.id}`)).status).toBe(204);
    const list = (await fx.viewer.get(`/records/${fx.recordId}/comments`)).body.comments as {
      id: string;
      thread_id: string;
      deleted_at: string | null;
      body: string;
    }[];
    const gone = list.find((c) => c.id === root.body.id);
    expect(gone?.deleted_at).not.toBeNull();
    expect(gone?.body).toBe('');
    expect(list.filter((c) => c.thread_id === root.body.id)).toHaveLength(2);
    expect((await fx.commenter.patch(`/comments/${root.body.id}`, { body: 'back' })).status).toBe(409);
  });

  it('threads resolve and reopen, by any commenter, through the root or a reply', async () => {
    const root = await fx.commenter.post(`/records/${fx.recordId}/comments`, { body: 'Open question' });
    const reply = await fx.editor.post(`/records/${fx.recordId}/comments`, { body: 'Answer', parent_id: root.body.id });
    const resolved = await fx.commenter.post(`/comments/${reply.body.id}/resolve`);
    expect(resolved.body).toMatchObject({ id: root.body.id, resolved: true, resolved_by: idOf(fx.commenter) });
    expect((await fx.viewer.post(`/comments/${root.body.id}/resolve`)).status).toBe(403);
    const listed = (await fx.viewer.get(`/records/${fx.recordId}/comments`)).body.comments.find((c: { id: string }) => c.id === root.body.id);
    expect(listed.resolved).toBe(true);

    const reopened = await fx.editor.patch(`/comments/${root.body.id}`, { resolved: false });
    expect(reopened.body).toMatchObject({ id: root.body.id, resolved: false, resolved_at: null });
    const feed = await fx.viewer.get(`/records/${fx.recordId}/activity?type=comments`);
    const actions = feed.body.activity.filter((a: { entity_id: string }) => a.entity_id === root.body.id).map((a: { action: string }) => a.action);
    expect(actions.slice(0, 2)).toEqual(['reopened', 'resolved']);
  });

  it('records can be filtered to those with an unresolved comment thread', async () => {
    const name = fx.table.f.Name ?? '';
    const open = await fx.owner.post(`/tables/${fx.table.id}/records`, { values: { [name]: 'Needs answers' } });
    const settled = await fx.owner.post(`/tables/${fx.table.id}/records`, { values: { [name]: 'All clear' } });
    const root = await fx.commenter.post(`/records/${open.body.id}/comments`, { body: 'Open question' });
    const done = await fx.commenter.post(`/records/${settled.body.id}/comments`, { body: 'Settled' });
    await fx.commenter.post(`/comments/${done.body.id}/resolve`);
    const unresolved = async () =>
      (await fx.viewer.get(`/tables/${fx.table.id}/records?has_unresolved_comments=true&limit=1000`)).body.records.map((r: { id: string }) => r.id);
    expect(await unresolved()).toContain(open.body.id);
    expect(await unresolved()).not.toContain(settled.body.id);
    await fx.editor.post(`/comments/${root.body.id}/resolve`);
    expect(await unresolved()).not.toContain(open.body.id);
    await fx.editor.post(`/comments/${root.body.id}/reopen`);
    expect(await unresolved()).toContain(open.body.id);
    // A deleted thread is not an open question.
    await fx.commenter.delete(`/comments/${root.body.id}`);
    expect(await unresolved()).not.toContain(open.body.id);
  });

  it('members comment on activity entries, and the feed filters comments by type', async () => {
    const feed = await fx.viewer.get(`/records/${fx.recordId}/activity?type=changes`);
    expect(feed.status).toBe(200);
    const entry = feed.body.activity.find((a: { entity_type: string; action: string }) => a.entity_type === 'record' && a.action === 'created');
    expect(entry).toBeDefined();
    const made = await fx.commenter.post(`/activity/${entry.id}/comments`, { body: 'Why was this created?' });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ activity_id: entry.id, record_id: null });
    expect((await fx.viewer.post(`/activity/${entry.id}/comments`, { body: 'no' })).status).toBe(403);
    expect((await fx.outsider.get(`/activity/${entry.id}/comments`)).status).toBe(404);
    const list = await fx.viewer.get(`/activity/${entry.id}/comments`);
    expect(list.body.comments.map((c: { id: string }) => c.id)).toEqual([made.body.id]);

    const comments = await fx.viewer.get(`/tables/${fx.table.id}/activity?type=comments`);
    expect(comments.body.activity.length).toBeGreaterThan(0);
    expect(comments.body.activity.every((a: { entity_type: string }) => a.entity_type === 'comment')).toBe(true);
    expect(comments.body.activity.some((a: { entity_id: string }) => a.entity_id === made.body.id)).toBe(true);
  });
});
