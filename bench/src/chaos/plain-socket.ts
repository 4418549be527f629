import { PROTOCOL_VERSION } from '@tandem/protocol';
import WebSocket from 'ws';
import { withTimeout } from '../generator/adapters/client-adapter.ts';

/**
 * A plain WebSocket to a node's `/ws` (no SDK, no batching, no reconnect): the suite's stand-in
 * for a tab that goes away with its node, a client that stops reading, or a hostile one.
 */
export async function openPlainSocket(url: string, token: string): Promise<WebSocket> {
  const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/ws?v=${PROTOCOL_VERSION}`, {
    headers: { authorization: `Bearer ${token}` },
    perMessageDeflate: false,
  });
  socket.on('error', () => undefined);
  const opened = new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('close', (code) => reject(new Error(`closed before it opened: ${code}`)));
  });
  await withTimeout(opened, 10_000, 'plain socket');
  return socket;
}

let nextId = 1;

/** Sends a message with an `id` and waits (at most 10 s) for its `ack`; rejects on an `error` answer. */
export async function requestOn(socket: WebSocket, message: Record<string, unknown>): Promise<void> {
  const id = nextId++;
  const answered = new Promise<void>((resolve, reject) => {
    const onMessage = (data: WebSocket.RawData) => {
      const reply = JSON.parse(String(data)) as { type: string; id?: number; code?: string };
      if (reply.id !== id) return;
      socket.off('message', onMessage);
      if (reply.type === 'ack') resolve();
      else reject(new Error(`${String(message.type)}: ${reply.code}`));
    };
    socket.on('message', onMessage);
  });
  socket.send(JSON.stringify({ ...message, id }));
  await withTimeout(answered, 10_000, String(message.type));
}
