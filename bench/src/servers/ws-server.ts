/**
 * The ceiling: a bare `ws` server that keeps rooms as sets of sockets and sends the publisher's
 * string, unchanged, to every other member of the room. No auth, no envelopes, no storage.
 *
 * Text protocol (one frame each): `S<room>` joins and is answered `A<room>`; `U<room>` leaves;
 * `P<room>\n<payload>` sends `<payload>` to the room. With `REDIS_URL` set, publishes also go
 * through Redis pub/sub to the other nodes (the two-node workload).
 *
 * Run as a forked child: reports `{type: 'ready', port}` over IPC once listening on `PORT`.
 */
import { createServer } from 'node:http';
import { Redis } from 'ioredis';
import { type WebSocket, WebSocketServer } from 'ws';

const rooms = new Map<string, Set<WebSocket>>();
const nodeId = `${process.pid}`;
const channelPrefix = `${process.env.REDIS_PREFIX ?? 'bench:'}ws:`;

const http = createServer((_req, res) => {
  res.writeHead(200).end('ok');
});
const wss = new WebSocketServer({ server: http, perMessageDeflate: false });

const redisUrl = process.env.REDIS_URL;
const pub = redisUrl ? new Redis(redisUrl) : null;
const sub = redisUrl ? new Redis(redisUrl) : null;

function deliverLocally(room: string, payload: string, except: WebSocket | null): void {
  const members = rooms.get(room);
  if (!members) return;
  for (const member of members) if (member !== except) member.send(payload);
}

wss.on('connection', (socket) => {
  const joined = new Set<string>();
  socket.on('message', (raw) => {
    const text = raw.toString();
    const kind = text[0];
    if (kind === 'S') {
      const room = text.slice(1);
      let members = rooms.get(room);
      if (!members) {
        members = new Set();
        rooms.set(room, members);
      }
      members.add(socket);
      joined.add(room);
      socket.send(`A${room}`);
    } else if (kind === 'U') {
      const room = text.slice(1);
      rooms.get(room)?.delete(socket);
      joined.delete(room);
    } else if (kind === 'P') {
      const nl = text.indexOf('\n');
      const room = text.slice(1, nl);
      const payload = text.slice(nl + 1);
      deliverLocally(room, payload, socket);
      // Origin node id first, so a node skips its own publishes when Redis echoes them back.
      pub?.publish(channelPrefix + room, `${nodeId}\n${payload}`);
    }
  });
  socket.on('close', () => {
    for (const room of joined) {
      const members = rooms.get(room);
      members?.delete(socket);
      if (members?.size === 0) rooms.delete(room);
    }
  });
});

async function start(): Promise<void> {
  if (sub) {
    await sub.psubscribe(`${channelPrefix}*`);
    sub.on('pmessage', (_pattern: string, channel: string, message: string) => {
      const nl = message.indexOf('\n');
      if (message.slice(0, nl) === nodeId) return;
      deliverLocally(channel.slice(channelPrefix.length), message.slice(nl + 1), null);
    });
  }
  http.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
    const address = http.address();
    process.send?.({ type: 'ready', port: typeof address === 'object' && address ? address.port : 0 });
  });
}

function stop(): void {
  pub?.disconnect();
  sub?.disconnect();
  process.exit(0);
}
process.on('SIGTERM', stop);
process.on('disconnect', stop);
void start();
