import WebSocket from 'ws';
import { withTimeout } from '../generator/adapters/client-adapter.ts';

/** Memory of a Node process as `process.memoryUsage()` reports it, in bytes. */
export interface NodeMemory {
  readonly rss: number;
  readonly heapUsed: number;
  readonly external: number;
  readonly arrayBuffers: number;
}

/**
 * Asks a server process, through its inspector (every server under test runs with
 * `--inspect=127.0.0.1:0`), to run a full garbage collection and report its memory, so memory
 * per connection compares live data rather than whenever each heap last happened to shrink.
 */
export async function settledMemory(inspectorUrl: string): Promise<NodeMemory> {
  const socket = new WebSocket(inspectorUrl, { perMessageDeflate: false });
  await withTimeout(
    new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    }),
    10_000,
    'inspector connect',
  );
  let nextId = 1;
  const call = (method: string, params: Record<string, unknown> = {}) => {
    const id = nextId++;
    return withTimeout(
      new Promise<{ result?: { result?: { value?: unknown } } }>((resolve) => {
        const onMessage = (data: WebSocket.RawData) => {
          const msg = JSON.parse(data.toString()) as { id?: number; result?: { result?: { value?: unknown } } };
          if (msg.id !== id) return;
          socket.off('message', onMessage);
          resolve(msg);
        };
        socket.on('message', onMessage);
        socket.send(JSON.stringify({ id, method, params }));
      }),
      60_000,
      `inspector ${method}`,
    );
  };
  try {
    // Twice: the first pass can leave finalisers that free more on the second.
    await call('HeapProfiler.collectGarbage');
    await call('HeapProfiler.collectGarbage');
    const reply = await call('Runtime.evaluate', { expression: 'JSON.stringify(process.memoryUsage())', returnByValue: true });
    return JSON.parse(String(reply.result?.result?.value ?? '{}')) as NodeMemory;
  } finally {
    socket.close();
  }
}
