import WebSocket from 'ws';
import { peerPayload } from '../../measure/stamp.ts';
import type { RoomSpec } from '../messages.ts';
import { type ClientAdapter, type ClientConnection, type FrameSink, type OpenOptions, withTimeout } from './client-adapter.ts';

/** Talks the bare `ws` server's text protocol (`S<room>` → `A<room>`, `P<room>\n<payload>`). */
export const wsAdapter: ClientAdapter = {
  async open(options: OpenOptions, sink: FrameSink): Promise<ClientConnection> {
    const socket = new WebSocket(options.url.replace(/^http/, 'ws'), { perMessageDeflate: false, localAddress: options.localAddress });
    const waiting = new Map<string, () => void>();
    socket.on('message', (data) => {
      const text = data.toString();
      if (text.charCodeAt(0) === 65 /* A */) {
        const room = text.slice(1);
        waiting.get(room)?.();
        waiting.delete(room);
        return;
      }
      sink.frame(text);
    });
    socket.on('close', () => sink.closed());
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        socket.once('open', () => resolve());
        socket.once('error', reject);
      }),
      options.timeoutMs,
      'ws connect',
    );
    socket.on('error', () => undefined);
    return {
      subscribe(room: RoomSpec) {
        const joined = new Promise<void>((resolve) => waiting.set(room.name, resolve));
        socket.send(`S${room.name}`);
        return withTimeout(joined, options.timeoutMs, 'ws join').then(() => undefined);
      },
      publish(room: RoomSpec, marker: string) {
        socket.send(`P${room.name}\n${peerPayload(room.name, marker)}`);
      },
      bufferedAmount: () => socket.bufferedAmount,
      terminate: () => socket.terminate(),
    };
  },
  counts: () => true,
  orderKey: (_text, msgno) => msgno,
};
