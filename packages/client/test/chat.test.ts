import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, newUser, workspaceWith } from '../../server/test/support/http-client.ts';
import { startServer, type TestServer } from '../../server/test/support/server.ts';
import type { ChatMessageList, ChatRoom, FetchLike, TandemClient } from '../src/index.ts';
import { clientFor } from './support/clients.ts';
import { TcpProxy, waitFor } from './support/tcp-proxy.ts';

let server: TestServer;
let alice: ApiClient;
let bob: ApiClient;
let workspaceId: string;
let proxy: TcpProxy;

beforeAll(async () => {
  server = await startServer({ db: 'pglite' });
  [alice, bob] = await Promise.all([newUser(server.url, 'Alice'), newUser(server.url, 'Bob')]);
  workspaceId = await workspaceWith(alice, [[bob, 'editor']]);
  proxy = await new TcpProxy(Number(new URL(server.url).port)).start();
});

afterAll(async () => {
  await proxy?.close();
  await server?.close();
});

const cleanup: (() => void)[] = [];
afterEach(() => {
  proxy.restore();
  for (const fn of cleanup.splice(0).reverse()) fn();
});

function track(client: TandemClient): TandemClient {
  cleanup.push(() => client.close());
  return client;
}

function started(list: ChatMessageList): ChatMessageList {
  cleanup.push(list.start());
  return list;
}

async function dm(client: TandemClient): Promise<ChatRoom> {
  return client.chat.createRoom(workspaceId, { kind: 'dm', user_id: bob.user?.id ?? '' });
}

describe('client.chat', () => {
  it('a message one member sends appears live in the other member’s list, and its edit, reaction and delete follow', async () => {
    const a = track(clientFor(alice, server.url));
    const b = track(clientFor(bob, server.url));
    const room = await dm(a);
    const mine = started(a.chat.messages(room.id));
    const theirs = started(b.chat.messages(room.id));
    await waitFor(
      'both lists loaded and subscribed',
      () => !mine.snapshot.loading && !theirs.snapshot.loading && b.room(`chat:${room.id}`).state === 'subscribed',
    );

    const sent = a.chat.send(room.id, 'Hello **Bob**');
    expect(mine.snapshot.pending.map((p) => p.body)).toEqual(['Hello **Bob**']);
    const message = await sent;
    await waitFor('the message at Bob', () => theirs.snapshot.messages.some((m) => m.id === message.id));
    expect(theirs.snapshot.messages.find((m) => m.id === message.id)?.body_html).toContain('<strong>Bob</strong>');
    await waitFor('the pending copy replaced by the stored one', () => mine.snapshot.pending.length === 0);
    expect(mine.snapshot.messages.filter((m) => m.id === message.id)).toHaveLength(1);

    await a.chat.edit(message.id, 'Hello Bob, edited');
    await waitFor('the edit at Bob', () => theirs.snapshot.messages.find((m) => m.id === message.id)?.edited_at != null);
    expect(theirs.snapshot.messages.find((m) => m.id === message.id)?.body).toBe('Hello Bob, edited');

    const reacted = await b.chat.react(message.id, '👍');
    expect(reacted.added).toBe(true);
    await waitFor('the reaction at Alice', () => (mine.snapshot.messages.find((m) => m.id === message.id)?.reactions[0]?.count ?? 0) === 1);
    expect((await b.chat.react(message.id, '👍')).added).toBe(false);
    await waitFor('the reaction gone at Alice', () => (mine.snapshot.messages.find((m) => m.id === message.id)?.reactions.length ?? 1) === 0);

    await a.chat.delete(message.id);
    await waitFor('the tombstone at Bob', () => theirs.snapshot.messages.find((m) => m.id === message.id)?.deleted_at != null);
    expect(theirs.snapshot.messages.find((m) => m.id === message.id)?.body_html).toBe('');
  });

  it('a send whose answer was lost is retried with its client_id and creates one message', async () => {
    let dropNextAnswer = true;
    const flaky: FetchLike = async (input, init) => {
      const response = await fetch(input, init);
      if (init?.method === 'POST' && input.includes('/messages') && dropNextAnswer) {
        dropNextAnswer = false;
        // The server stored the message; the client never hears back.
        throw new TypeError('network connection lost');
      }
      return response;
    };
    const a = track(clientFor(alice, server.url, { fetch: flaky }));
    const room = await dm(a);
    const message = await a.chat.send(room.id, 'Only once please');
    expect(dropNextAnswer).toBe(false);
    const page = await bob.get(`/chat/rooms/${room.id}/messages`);
    expect(page.body.messages.filter((m: { body: string }) => m.body === 'Only once please')).toHaveLength(1);
    expect(page.body.messages.find((m: { body: string }) => m.body === 'Only once please').id).toBe(message.id);
  });

  it('a message written while offline waits in the outbox and is sent once when the connection is back', async () => {
    const a = track(clientFor(alice, proxy.url));
    const b = track(clientFor(bob, server.url));
    const room = await dm(a);
    const mine = started(a.chat.messages(room.id));
    const theirs = started(b.chat.messages(room.id));
    await waitFor('connected and loaded', () => a.status === 'connected' && !mine.snapshot.loading && b.room(`chat:${room.id}`).state === 'subscribed');

    proxy.cut();
    await waitFor('the client notices', () => a.status !== 'connected');
    const sent = a.chat.send(room.id, 'Written in a tunnel');
    await waitFor('queued, not lost', () => mine.snapshot.pending[0]?.status === 'queued');
    expect(theirs.snapshot.messages.some((m) => m.body === 'Written in a tunnel')).toBe(false);

    proxy.restore();
    const message = await sent;
    await waitFor('the message at Bob', () => theirs.snapshot.messages.some((m) => m.id === message.id));
    await waitFor('the outbox empty', () => mine.snapshot.pending.length === 0);
    expect(theirs.snapshot.messages.filter((m) => m.body === 'Written in a tunnel')).toHaveLength(1);
  });
});
