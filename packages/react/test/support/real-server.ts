import type { DurableEvent } from '@tandem/protocol';
import WebSocket from 'ws';
import type { TandemClient, TandemClientOptions } from '../../../client/src/index.ts';
import { clientFor } from '../../../client/test/support/clients.ts';
import type { ApiClient } from '../../../server/test/support/http-client.ts';

export { waitFor } from '../../../client/test/support/tcp-proxy.ts';
export type { DurableEvent };

/** A client for hook tests: real server, `ws` sockets, Node-side fetch of the test environment. */
export function hookClient(user: ApiClient, url: string, options: Partial<TandemClientOptions> = {}): TandemClient {
  return clientFor(user, url, { WebSocket: (address) => new WebSocket(address) as never, ...options });
}
