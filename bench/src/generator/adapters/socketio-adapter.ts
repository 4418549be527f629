import { io } from 'socket.io-client';
import { peerPayload } from '../../measure/stamp.ts';
import type { RoomSpec } from '../messages.ts';
import { type ClientAdapter, type ClientConnection, type FrameSink, type OpenOptions, withTimeout } from './client-adapter.ts';

/** Talks to the Socket.IO peer: websocket transport only, no automatic reconnection. */
export const socketioAdapter: ClientAdapter = {
  async open(options: OpenOptions, sink: FrameSink): Promise<ClientConnection> {
    const socket = io(options.url, {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      timeout: options.timeoutMs,
      ...(options.localAddress ? { localAddress: options.localAddress } : {}),
    });
    socket.on('m', (payload: string) => sink.frame(payload));
    socket.on('disconnect', () => sink.closed());
    try {
      await withTimeout(
        new Promise<void>((resolve, reject) => {
          socket.once('connect', () => resolve());
          socket.once('connect_error', reject);
        }),
        options.timeoutMs,
        'socket.io connect',
      );
    } catch (err) {
      socket.close();
      throw err;
    }
    return {
      async subscribe(room: RoomSpec) {
        await socket.timeout(options.timeoutMs).emitWithAck('join', room.name);
        return undefined;
      },
      publish(room: RoomSpec, marker: string) {
        socket.emit('pub', room.name, peerPayload(room.name, marker));
      },
      bufferedAmount: () => 0,
      terminate: () => {
        socket.io.engine.close();
      },
    };
  },
  counts: () => true,
  orderKey: (_text, msgno) => msgno,
};
