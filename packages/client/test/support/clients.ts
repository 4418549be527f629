import type { DurableEvent } from '@tandem/protocol';
import WebSocket from 'ws';
import type { ApiClient } from '../../../server/test/support/http-client.ts';
import { isDurableEvent, TandemClient, type TandemClientOptions } from '../../src/index.ts';
import type { WebSocketLike } from '../../src/websocket-transport.ts';

/** A Tandem client acting as `user` against `url`, with short backoffs so tests stay fast. */
export function clientFor(user: ApiClient, url: string, options: Partial<TandemClientOptions> = {}): TandemClient {
  return new TandemClient({
    url,
    token: user.token,
    WebSocket: (address) => new WebSocket(address) as unknown as WebSocketLike,
    backoff: { minDelayMs: 20, maxDelayMs: 200, longMinDelayMs: 200, longMaxDelayMs: 400 },
    ...options,
  });
}

/** Collects the durable events a room delivers. */
export function collect(client: TandemClient, room: string): DurableEvent[] {
  const events: DurableEvent[] = [];
  client.room(room).on('*', (event) => {
    if (isDurableEvent(event)) events.push(event);
  });
  return events;
}
