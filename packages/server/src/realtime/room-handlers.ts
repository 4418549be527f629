import type { Connection } from './connection.ts';
import type { ConnectionContext } from './connection-context.ts';
import type { HandlerRegistry } from './handler-registry.ts';
import type { PresenceService } from './presence-service.ts';

/** Minimum spacing of `typing` signals per connection and room (extra ones are dropped). */
export const TYPING_THROTTLE_MS = 1000;

/** What `subscribe` reports back (the fields of its `ack`). */
export interface SubscribeResult {
  readonly room: string;
  /** The last seq the client now has: replayed up to here, or the live starting point. */
  readonly seq: number;
  /** Events replayed (from the room's recent events in memory, or from the log). */
  readonly replayed: number;
  /** True when `since` was older than the retained history and a `resync` was sent. */
  readonly resync: boolean;
}

/** What the gateway's own message handlers act on. */
export interface RoomHandlerDeps {
  subscribe(conn: Connection, room: string, since?: number): Promise<SubscribeResult>;
  unsubscribe(conn: Connection, room: string): Promise<void>;
  readonly presence: PresenceService;
}

/**
 * Registers the messages that are about rooms and connections, not about any domain:
 * `subscribe`, `unsubscribe`, `ping`, room presence, cursors, and the default `typing` relay (a
 * throttled signal to the room, which the domain that owns typing may replace by registering its
 * own handler).
 */
export function registerRoomHandlers(registry: HandlerRegistry<ConnectionContext>, rooms: RoomHandlerDeps): void {
  registry.register('subscribe', async (message, { connection }) => ({ ...(await rooms.subscribe(connection, message.room, message.since)) }));
  registry.register('unsubscribe', async (message, { connection }) => {
    await rooms.unsubscribe(connection, message.room);
    return { room: message.room };
  });
  registry.register('ping', (message, { connection }) => {
    connection.send({ type: 'pong', ...(message.id !== undefined ? { id: message.id } : {}), ts: new Date().toISOString() });
    return null;
  });
  registry.register('presence', async (message, context) => {
    context.requireSubscribed(message.room);
    const user = await rooms.presence.announce(context.connection, message);
    return { room: message.room, user };
  });
  registry.register('user_cursor', (message, context) => {
    const { room, position } = message;
    context.requireSubscribed(room);
    const { user } = context.caller.auth;
    context.relayLatest(`cursor:${room}`, room, { type: 'user_cursor', room, user_id: user.id, name: user.name, color: user.color, position });
    return {};
  });
  registry.register('typing', (message, context) => {
    const { room } = message;
    context.requireSubscribed(room);
    const { user } = context.caller.auth;
    return { relayed: context.relayAtMost(`typing:${room}`, room, { type: 'typing', room, user_id: user.id, name: user.name }, TYPING_THROTTLE_MS) };
  });
}
