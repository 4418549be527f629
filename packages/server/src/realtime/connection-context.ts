import type { ServerSignal } from '@tandem/protocol';
import { errors } from '../errors/app-error.ts';
import type { HandlerContext } from '../gateway-api.ts';
import type { Connection } from './connection.ts';
import type { SignalRelay } from './signal-relay.ts';

/** The handler context the gateway passes: the public {@link HandlerContext} plus the connection itself, for the gateway's own handlers. */
export interface ConnectionContext extends HandlerContext {
  readonly connection: Connection;
}

/** Throws `invalid_input` unless `conn` subscribes to `room`. */
export function requireSubscribed(conn: Connection, room: string): void {
  if (!conn.subscriptions.has(room)) throw errors.invalid(`Subscribe to ${room} first.`, { room });
}

/** The context for one message from `conn`. */
export function connectionContext(conn: Connection, relay: SignalRelay): ConnectionContext {
  return {
    caller: conn,
    connection: conn,
    requireSubscribed: (room: string) => requireSubscribed(conn, room),
    relayLatest: (key: string, room: string, signal: ServerSignal) => relay.latest(conn, key, room, signal),
    relayAtMost: (key: string, room: string, signal: ServerSignal, intervalMs: number) => relay.atMost(conn, key, room, signal, intervalMs),
  };
}
