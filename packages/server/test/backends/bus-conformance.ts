import type { DurableEvent } from '@tandem/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import type { Bus, BusMessage } from '../../src/backends/bus.ts';

/** Bus handles that share one backbone, one handle per simulated server node. */
export interface BusCluster {
  /** One bus per node; a message published on any of them reaches the handlers of all of them. */
  readonly nodes: readonly Bus[];
  /**
   * True when each node's bus is its own object with its own connections, so one can be closed
   * while the others go on. False for an in-process bus, where every "node" is the same bus.
   */
  readonly independentNodes: boolean;
  /** Closes every node's bus and whatever the fixture opened for them. */
  close(): Promise<void>;
}

/** Opens `nodes` buses on a fresh, isolated backbone (its own key prefix for shared backends). */
export type BusClusterFactory = (nodes: number) => Promise<BusCluster>;

/** What a test handler saw, in arrival order. */
class Inbox {
  readonly messages: BusMessage[] = [];
  readonly #waiters: { test: () => boolean; resolve: () => void }[] = [];
  readonly handler = (message: BusMessage) => {
    this.messages.push(message);
    for (const waiter of [...this.#waiters]) {
      if (!waiter.test()) continue;
      this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  };

  /** Resolves once `test` holds (checked on every arrival). */
  until(test: (messages: readonly BusMessage[]) => boolean): Promise<void> {
    if (test(this.messages)) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ test: () => test(this.messages), resolve }));
  }

  /** The `seq`s of durable events in room `room`, in arrival order. */
  seqs(room: string): number[] {
    return this.messages.flatMap((m) => (m.kind === 'event' && m.event.room === room ? [m.event.seq] : []));
  }
}

function event(room: string, seq: number, data: unknown = null): BusMessage {
  const durable: DurableEvent = { type: 'record_updated', room, seq, ts: new Date(0).toISOString(), actor: { id: 'u', name: 'U' }, data };
  return { kind: 'event', event: durable };
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

/**
 * The shared behaviour every {@link Bus} must have (its contract is in backends/bus.ts). Call it
 * from each backend's test file with a factory for a fresh cluster of nodes.
 */
export function busConformance(name: string, openCluster: BusClusterFactory): void {
  describe(`Bus conformance: ${name}`, () => {
    const open: BusCluster[] = [];
    const cluster = async (nodes: number) => {
      const c = await openCluster(nodes);
      open.push(c);
      return c;
    };
    afterEach(async () => {
      await Promise.all(open.splice(0).map((c) => c.close()));
    });

    it('every handler on every node receives every message exactly once, its own node included', async () => {
      const { nodes } = await cluster(2);
      const [a, b] = nodes as [Bus, Bus];
      const first = new Inbox();
      const second = new Inbox();
      const onB = new Inbox();
      a.onMessage(first.handler);
      a.onMessage(second.handler);
      b.onMessage(onB.handler);
      for (const seq of range(50)) {
        await a.publish(event('from-a', seq));
        await b.publish(event('from-b', seq));
      }
      // A last message from each publisher: anything delivered twice would show up before it.
      await a.publish(event('from-a', 51));
      await b.publish(event('from-b', 51));
      for (const inbox of [first, second, onB]) {
        await inbox.until(() => inbox.seqs('from-a').includes(51) && inbox.seqs('from-b').includes(51));
        expect(inbox.seqs('from-a')).toEqual(range(51));
        expect(inbox.seqs('from-b')).toEqual(range(51));
        expect(inbox.messages).toHaveLength(102);
      }
    });

    it('messages of one publisher arrive in publish order on every node, even when not awaited', async () => {
      const { nodes } = await cluster(2);
      const [a, b] = nodes as [Bus, Bus];
      const onA = new Inbox();
      const onB = new Inbox();
      a.onMessage(onA.handler);
      b.onMessage(onB.handler);
      const count = 300;
      // Both nodes publish at once; only the order within each publisher is promised.
      await Promise.all([...range(count).map((seq) => a.publish(event('a', seq))), ...range(count).map((seq) => b.publish(event('b', seq)))]);
      for (const inbox of [onA, onB]) {
        await inbox.until(() => inbox.seqs('a').length === count && inbox.seqs('b').length === count);
        expect(inbox.seqs('a')).toEqual(range(count));
        expect(inbox.seqs('b')).toEqual(range(count));
      }
    });

    it('every kind of message arrives intact on another node', async () => {
      const { nodes } = await cluster(2);
      const [a, b] = nodes as [Bus, Bus];
      const inbox = new Inbox();
      b.onMessage(inbox.handler);
      const sent: BusMessage[] = [
        event('table:t1', 7, { record: { id: 'r1', values: { f: 'é ✓ "quoted"', n: 1.5, list: [1, null, true] } } }),
        { kind: 'signal', room: 'table:t1', except: 'conn-1', signal: { type: 'typing', room: 'table:t1', user_id: 'u1', name: 'Üser' } },
        { kind: 'control', control: { type: 'membership_changed', workspace_id: 'w1', user_id: 'u1' } },
        { kind: 'control', control: { type: 'user_logged_out', user_id: 'u1', session_id: null } },
      ];
      for (const message of sent) await a.publish(message);
      await inbox.until((m) => m.length === sent.length);
      expect(inbox.messages).toEqual(sent);
    });

    it('a removed handler receives nothing more while the others go on', async () => {
      const { nodes } = await cluster(1);
      const [a] = nodes as [Bus];
      const removed = new Inbox();
      const kept = new Inbox();
      const remove = a.onMessage(removed.handler);
      a.onMessage(kept.handler);
      await a.publish(event('r', 1));
      await removed.until((m) => m.length === 1);
      remove();
      await a.publish(event('r', 2));
      await kept.until((m) => m.length === 2);
      expect(removed.seqs('r')).toEqual([1]);
      expect(kept.seqs('r')).toEqual([1, 2]);
    });

    it('a closed bus delivers nothing more and refuses to publish', async () => {
      const { nodes, independentNodes } = await cluster(2);
      const [a, b] = nodes as [Bus, Bus];
      const onA = new Inbox();
      const onB = new Inbox();
      a.onMessage(onA.handler);
      b.onMessage(onB.handler);
      await a.publish(event('c', 1));
      await a.close();
      const seenAtClose = onA.messages.length;
      await expect(a.publish(event('c', 2))).rejects.toThrow();
      if (independentNodes) {
        // The other node still works, and what it publishes now never reaches the closed one.
        await b.publish(event('c', 3));
        await onB.until((m) => m.some((x) => x.kind === 'event' && x.event.seq === 3));
      } else {
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
      expect(onA.messages).toHaveLength(seenAtClose);
      expect(onA.seqs('c')).not.toContain(3);
    });
  });
}
