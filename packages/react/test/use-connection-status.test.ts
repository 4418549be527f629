import './support/dom.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TcpProxy } from '../../client/test/support/tcp-proxy.ts';
import { type ApiClient, newUser } from '../../server/test/support/http-client.ts';
import { startServer, type TestServer } from '../../server/test/support/server.ts';
import { useConnectionStatus } from '../src/use-connection-status.ts';
import { hookClient, waitFor } from './support/real-server.ts';
import { renderHook } from './support/render-hook.ts';

let server: TestServer;
let user: ApiClient;
let proxy: TcpProxy;

beforeAll(async () => {
  server = await startServer({ db: 'pglite' });
  user = await newUser(server.url, 'Watcher');
  proxy = await new TcpProxy(Number(new URL(server.url).port)).start();
});
afterAll(async () => {
  await proxy?.close();
  await server?.close();
});

describe('useConnectionStatus', () => {
  it('re-renders through connecting, connected, reconnecting and back as the network comes and goes', async () => {
    const client = hookClient(user, proxy.url, { autoConnect: false });
    const seen: string[] = [];
    const hook = renderHook(() => {
      const status = useConnectionStatus();
      if (seen.at(-1) !== status) seen.push(status);
      return status;
    }, client);
    expect(hook.current()).toBe('idle');
    client.connect();
    await waitFor('connected', () => hook.current() === 'connected');
    proxy.cut();
    await waitFor('reconnecting', () => hook.current() === 'reconnecting');
    proxy.restore();
    await waitFor('connected again', () => hook.current() === 'connected');
    client.close();
    await waitFor('closed', () => hook.current() === 'closed');
    expect(seen).toEqual(['idle', 'connecting', 'connected', 'reconnecting', 'connected', 'closed']);
    hook.unmount();
  });
});
