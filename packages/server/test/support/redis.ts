import { randomUUID } from 'node:crypto';
import { createServer, type Server, Socket } from 'node:net';
import { Redis } from 'ioredis';
import pino from 'pino';
import { openRedisConnections, type RedisConnections } from '../../src/backends/redis/redis-connections.ts';
import { TEST_REDIS_URL } from './databases.ts';

/** A key prefix no other test uses, so suites can share one Redis and run in parallel. */
export function freshRedisPrefix(label = 't'): string {
  return `tandem-test:${label}:${randomUUID().slice(0, 8)}:`;
}

/** Opens the connections one server node would hold, against the test Redis. */
export function openTestConnections(prefix: string, nodeId = randomUUID().slice(0, 8)): Promise<RedisConnections> {
  return openRedisConnections({ url: TEST_REDIS_URL, prefix, nodeId, log: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }) });
}

/** A plain client for the test itself (inspecting keys, killing other clients). Close it with `quit`. */
export function adminRedis(): Redis {
  return new Redis(TEST_REDIS_URL);
}

/** The connected clients whose name starts with `namePrefix`: their id and name. */
export async function clientsNamed(admin: Redis, namePrefix: string): Promise<{ id: string; name: string }[]> {
  const list = String(await admin.client('LIST'));
  const out: { id: string; name: string }[] = [];
  for (const line of list.split('\n')) {
    const name = /(?:^| )name=(\S*)/.exec(line)?.[1] ?? '';
    const id = /(?:^| )id=(\d+)/.exec(line)?.[1];
    if (id && name.startsWith(namePrefix)) out.push({ id, name });
  }
  return out;
}

/**
 * Cuts every connection whose client name starts with `namePrefix`, as a network failure would;
 * returns how many were cut. Their owners reconnect by themselves.
 */
export async function killClients(admin: Redis, namePrefix: string): Promise<number> {
  let killed = 0;
  for (const { id } of await clientsNamed(admin, namePrefix)) killed += Number(await admin.client('KILL', 'ID', id));
  return killed;
}

/** Deletes every key under `prefix` (test clean-up). */
export async function deleteKeys(admin: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await admin.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) await admin.del(...keys);
  } while (cursor !== '0');
}

/**
 * A TCP relay in front of Redis that a test can cut and restore, as a network failure between one
 * node and Redis would: while cut, open connections are dropped and new ones refused.
 */
export class RedisLink {
  readonly #target: URL;
  readonly #sockets = new Set<Socket>();
  #server: Server | null = null;
  #port = 0;

  constructor(target = TEST_REDIS_URL) {
    this.#target = new URL(target);
  }

  /** The `redis://` URL to give the node. */
  get url(): string {
    return `redis://127.0.0.1:${this.#port}`;
  }

  /** Starts relaying (on the same port as before after a {@link cut}). */
  async up(): Promise<void> {
    const server = createServer((client) => {
      const upstream = new Socket();
      upstream.connect(Number(this.#target.port || 6379), this.#target.hostname);
      for (const socket of [client, upstream]) {
        this.#sockets.add(socket);
        socket.on('close', () => this.#sockets.delete(socket));
        socket.on('error', () => socket.destroy());
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => server.listen(this.#port, '127.0.0.1', resolve));
    const address = server.address();
    if (typeof address === 'object' && address) this.#port = address.port;
    this.#server = server;
  }

  /** Drops every relayed connection and refuses new ones until {@link up}. */
  async cut(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    for (const socket of this.#sockets) socket.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
