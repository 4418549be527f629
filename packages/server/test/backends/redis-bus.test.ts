import { randomUUID } from 'node:crypto';
import type { DurableEvent } from '@tandem/protocol';
import type { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BusMessage } from '../../src/backends/bus.ts';
import { RedisBus } from '../../src/backends/redis/redis-bus.ts';
import { openRedisConnections, type RedisConnections } from '../../src/backends/redis/redis-connections.ts';
import { redisAvailable } from '../support/databases.ts';
import { adminRedis, freshRedisPrefix, killClients, openTestConnections, RedisLink } from '../support/redis.ts';
import { busConformance } from './bus-conformance.ts';

const redisOk = await redisAvailable();
const log = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

/** One node: its connections and its bus. */
interface Node {
  readonly connections: RedisConnections;
  readonly bus: RedisBus;
}

/** Starts a bus over `connections` as node `nodeId`. */
async function startNode(connections: RedisConnections, prefix: string, nodeId: string): Promise<Node> {
  const bus = new RedisBus({ publisher: connections.publisher, subscriber: connections.subscriber, prefix, nodeId, log });
  await bus.start();
  return { connections, bus };
}

async function openNode(prefix: string): Promise<Node> {
  return startNode(await openTestConnections(prefix), prefix, randomUUID());
}

/** A node whose connections go through `link`, so a test can cut it off from Redis. */
async function openNodeBehind(link: RedisLink, prefix: string, nodeId: string): Promise<Node> {
  return startNode(await openRedisConnections({ url: link.url, prefix, nodeId, log }), prefix, nodeId);
}

async function closeNode(node: Node): Promise<void> {
  await node.bus.close();
  await node.connections.close();
}

function event(room: string, seq: number): BusMessage {
  const durable: DurableEvent = { type: 'record_updated', room, seq, ts: new Date(0).toISOString(), actor: null, data: null };
  return { kind: 'event', event: durable };
}

function seqs(messages: readonly BusMessage[]): number[] {
  return messages.flatMap((m) => (m.kind === 'event' ? [m.event.seq] : []));
}

/** Resolves once `test` holds, checking after every message the bus delivers. */
function until(node: Node, test: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    if (test()) return resolve();
    const off = node.bus.onMessage(() => {
      if (!test()) return;
      off();
      resolve();
    });
  });
}

describe.skipIf(!redisOk)('Redis bus', () => {
  busConformance('redis', async (count) => {
    // A fresh prefix per cluster, so tests running in parallel never hear each other.
    const prefix = freshRedisPrefix('bus');
    const nodes = await Promise.all(Array.from({ length: count }, () => openNode(prefix)));
    return { nodes: nodes.map((n) => n.bus), independentNodes: true, close: async () => void (await Promise.all(nodes.map(closeNode))) };
  });

  const opened: Node[] = [];
  let admin: Redis;
  beforeAll(() => {
    admin = adminRedis();
  });
  afterAll(async () => {
    await admin.quit();
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map(closeNode));
  });

  async function twoNodes(): Promise<[Node, Node]> {
    const prefix = freshRedisPrefix('bus');
    const nodes = [await openNode(prefix), await openNode(prefix)] as [Node, Node];
    opened.push(...nodes);
    return nodes;
  }

  it('after its subscription is cut, a node announces the reconnect only once it hears messages again', async () => {
    const [a] = await twoNodes();
    const received: BusMessage[] = [];
    a.bus.onMessage((m) => received.push(m));
    // Whatever is published from the moment the gateway is told to catch up must reach this node.
    // Publishing on the subscriber connection itself (allowed with RESP3) orders the message
    // strictly after anything the bus sent before calling the handler.
    a.bus.onReconnect(() => void a.connections.subscriber.publish(a.bus.channel, JSON.stringify(event('after', 1))));
    expect(await killClients(admin, `${a.connections.namePrefix}sub`)).toBe(1);
    await until(a, () => seqs(received).includes(1));
    expect(seqs(received)).toEqual([1]);
  });

  it('messages published while the publisher connection is down arrive after it returns, in order', async () => {
    const [a, b] = await twoNodes();
    const received: BusMessage[] = [];
    b.bus.onMessage((m) => received.push(m));
    expect(await killClients(admin, `${a.connections.namePrefix}pub`)).toBe(1);
    const count = 100;
    for (let seq = 1; seq <= count; seq += 1) await a.bus.publish(event('queued', seq));
    await until(b, () => received.length === count);
    expect(seqs(received)).toEqual(Array.from({ length: count }, (_, i) => i + 1));
  });

  it('a node whose every connection was cut recovers both directions', async () => {
    const [a, b] = await twoNodes();
    const onA: BusMessage[] = [];
    const onB: BusMessage[] = [];
    a.bus.onMessage((m) => onA.push(m));
    b.bus.onMessage((m) => onB.push(m));
    const reconnected = new Promise<void>((resolve) => a.bus.onReconnect(resolve));
    expect(await killClients(admin, a.connections.namePrefix)).toBe(3);
    await reconnected;
    await a.bus.publish(event('from-a', 1));
    await b.bus.publish(event('from-b', 1));
    await until(a, () => onA.length === 2);
    await until(b, () => onB.length === 2);
    expect(onA.map((m) => m.kind === 'event' && m.event.room).sort()).toEqual(['from-a', 'from-b']);
    expect(onB.map((m) => m.kind === 'event' && m.event.room).sort()).toEqual(['from-a', 'from-b']);
  });

  /**
   * Node `nodeId` behind a link the test can cut, and a second node reaching Redis directly, on a
   * fresh prefix. The test closes the first itself (it may have to while cut off); the second is
   * closed after it.
   */
  async function nodeBehindLink(nodeId: string): Promise<{ link: RedisLink; node: Node; other: Node }> {
    const link = new RedisLink();
    await link.up();
    const prefix = freshRedisPrefix('bus');
    const node = await openNodeBehind(link, prefix, nodeId);
    const other = await openNode(prefix);
    opened.push(other);
    return { link, node, other };
  }

  it('a node cut off from Redis still shuts down, and hears messages again once the link returns', async () => {
    const { link, node, other } = await nodeBehindLink('cut');
    const cut = node.bus;
    const received: BusMessage[] = [];
    cut.onMessage((m) => received.push(m));
    const reconnected = new Promise<void>((resolve) => cut.onReconnect(resolve));

    await link.cut();
    await other.bus.publish(event('while-cut', 1));
    await link.up();
    await reconnected;
    await other.bus.publish(event('after', 2));
    await until(node, () => seqs(received).includes(2));
    // The message sent while cut is lost to this node (the gateway reads it from the event log).
    expect(seqs(received)).toEqual([2]);

    await link.cut();
    await cut.publish(event('queued', 3));
    await closeNode(node);
  });

  it('a node hears its own messages at once, without Redis, and only once when Redis echoes them', async () => {
    const { link, node, other } = await nodeBehindLink('self');
    const self = node.bus;
    const onSelf: BusMessage[] = [];
    const onOther: BusMessage[] = [];
    self.onMessage((m) => onSelf.push(m));
    other.bus.onMessage((m) => onOther.push(m));
    const reconnected = new Promise<void>((resolve) => self.onReconnect(resolve));

    await link.cut();
    await self.publish(event('local', 1));
    await self.publish(event('local', 2));
    await Promise.resolve();
    expect(seqs(onSelf)).toEqual([1, 2]);
    expect(onOther).toEqual([]);

    await link.up();
    // Messages from other nodes reach this one again only once its subscription is back.
    await reconnected;
    await self.publish(event('local', 3));
    await until(other, () => seqs(onOther).includes(3));
    expect(seqs(onOther).filter((seq) => seq === 3)).toEqual([3]);
    // Redis passes on messages in the order it took them: the echo of 3 reaches this node before 4 does.
    await other.bus.publish(event('remote', 4));
    await until(node, () => seqs(onSelf).includes(4));
    expect(seqs(onSelf)).toEqual([1, 2, 3, 4]);
    await closeNode(node);
  });

  it('a node refuses to start when Redis cannot be reached', async () => {
    await expect(openRedisConnections({ url: 'redis://127.0.0.1:1', prefix: freshRedisPrefix('bus'), nodeId: 'n', log })).rejects.toThrow(/Cannot reach Redis/);
  });
});
