import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors/app-error.ts';
import { type ApiClient, newUser, workspaceWith } from '../support/http-client.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { connectWs } from '../support/ws-client.ts';

describe('domains registering client messages and rooms with the gateway', () => {
  let server: TestServer;
  let alice: ApiClient;
  let bob: ApiClient;
  const openRoom = `chat:${randomUUID()}`;
  const closedRoom = `chat:${randomUUID()}`;

  beforeAll(async () => {
    server = await startServer({ db: 'pglite' });
    alice = await newUser(server.url, 'Alice');
    bob = await newUser(server.url, 'Bob');
    await workspaceWith(alice, [[bob, 'editor']]);
    const { gateway } = server.tandem.realtime;
    gateway.registerRoomCheck('chat', async (_userId, _kind, id) => `chat:${id}` === openRoom);
    // Replaces the gateway's default typing relay, as the domain that owns typing would.
    gateway.registerHandler('typing', (message, context) => {
      if (message.room !== openRoom) throw new AppError('not_found', 'No such conversation.', { room: message.room });
      context.requireSubscribed(message.room);
      const { user } = context.caller.auth;
      const relayed = context.relayAtMost('typing', message.room, { type: 'typing', room: message.room, user_id: user.id, name: user.name }, 1000);
      return { relayed, by: 'chat' };
    });
  });
  afterAll(async () => server?.close());

  it('a room kind is readable exactly where its registered check says so', async () => {
    const ws = await connectWs(server.url, alice);
    expect(await ws.request({ type: 'subscribe', room: openRoom })).toMatchObject({ type: 'ack', room: openRoom });
    expect(await ws.request({ type: 'subscribe', room: closedRoom })).toMatchObject({ type: 'error', code: 'forbidden' });
    await ws.close();
  });

  it('a re-registered message type is answered by the new handler, whose AppError reaches the client as error', async () => {
    const a = await connectWs(server.url, alice);
    const b = await connectWs(server.url, bob);
    await a.subscribe(openRoom);
    await b.subscribe(openRoom);
    expect(await a.request({ type: 'typing', room: openRoom })).toMatchObject({ type: 'ack', relayed: true, by: 'chat' });
    expect(await b.waitFor((m) => m.type === 'typing')).toMatchObject({ room: openRoom, user_id: alice.user?.id });
    expect(await a.request({ type: 'typing', room: closedRoom })).toMatchObject({ type: 'error', code: 'not_found', details: { room: closedRoom } });
    expect(a.messages.some((m) => m.type === 'typing')).toBe(false);
    await Promise.all([a.close(), b.close()]);
  });
});
