/**
 * The peer: a Socket.IO 4 server with rooms, websocket transport only. `join(room, ack)` joins a
 * room; `pub(room, payload)` emits `m(payload)` to the room except the sender. With `REDIS_URL`
 * set it uses the official Redis adapter (`@socket.io/redis-adapter`) for the two-node workload.
 *
 * Run as a forked child: reports `{type: 'ready', port}` over IPC once listening on `PORT`.
 */
import { createServer } from 'node:http';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import { Server } from 'socket.io';

const http = createServer();
const io = new Server(http, { transports: ['websocket'], serveClient: false, perMessageDeflate: false });

const redisUrl = process.env.REDIS_URL;
const pub = redisUrl ? new Redis(redisUrl) : null;
const sub = pub ? pub.duplicate() : null;
if (pub && sub) io.adapter(createAdapter(pub, sub, { key: `${process.env.REDIS_PREFIX ?? 'bench:'}sio` }));

io.on('connection', (socket) => {
  socket.on('join', (room: string, ack?: () => void) => {
    void socket.join(room);
    ack?.();
  });
  socket.on('leave', (room: string) => {
    void socket.leave(room);
  });
  socket.on('pub', (room: string, payload: string) => {
    socket.to(room).emit('m', payload);
  });
});

http.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = http.address();
  process.send?.({ type: 'ready', port: typeof address === 'object' && address ? address.port : 0 });
});

function stop(): void {
  void io.close();
  pub?.disconnect();
  sub?.disconnect();
  process.exit(0);
}
process.on('SIGTERM', stop);
process.on('disconnect', stop);
