import { isDurableEvent, TandemClient, type WebSocketLike } from '@tandem/client';
import WebSocket from 'ws';
import { sleep } from '../generator/connect-queue.ts';
import { CLUSTER_ORIGIN, failoverFetch, NodeChoice, onNode } from './failover.ts';
import type { ClientLog, Ledger } from './ledger.ts';

/** A room the watchers follow, and the field whose value carries each write's marker. */
export interface WatchedRoom {
  readonly room: string;
  readonly fieldId: string;
}

/**
 * A `ws` socket to the node in use, shaped as the SDK wants it, that also logs every durable
 * event's seq as it comes off the wire (before the SDK drops duplicates or answers gaps), so the
 * ledger shows what the server sent as well as what the app got. A connection refused before it
 * opened moves the client to the next node.
 */
function tappedSocket(url: string, choice: NodeChoice, log: ClientLog): WebSocketLike {
  const real = new WebSocket(onNode(url, choice), { perMessageDeflate: false });
  let opened = false;
  const like: WebSocketLike = {
    get readyState() {
      return real.readyState;
    },
    onopen: null,
    onmessage: null,
    onclose: null,
    onerror: null,
    send: (data) => real.send(data),
    close: (code, reason) => real.close(code, reason),
  };
  real.onopen = (event) => {
    opened = true;
    log.connectedAt.push(performance.now());
    like.onopen?.(event);
  };
  real.onmessage = (event) => {
    const text = String(event.data);
    for (const line of text.split('\n')) {
      if (!line.includes('"seq"') && !line.includes('"resync"')) continue;
      const message = JSON.parse(line) as { type: string; room?: string; seq?: unknown };
      if (message.type === 'resync' && message.room) log.resync(message.room);
      else if (typeof message.seq === 'number' && message.room && message.type !== 'ack') log.wire(message.room, message.seq);
    }
    like.onmessage?.({ data: text });
  };
  real.onclose = (event) => {
    if (!opened) choice.next();
    log.closeCodes.push(event.code);
    like.onclose?.({ code: event.code, reason: event.reason });
  };
  real.onerror = (event) => like.onerror?.(event);
  return like;
}

/**
 * A subscriber: the real SDK (`TandemClient` over WebSocket) holding every watched room, its
 * reconnects, resumes (`since`) and duplicate checks left entirely to the SDK. What it delivers
 * to the app goes into its {@link ClientLog}.
 */
export class Watcher {
  readonly client: TandemClient;
  readonly choice: NodeChoice;

  constructor(
    readonly log: ClientLog,
    urls: readonly string[],
    token: string,
    rooms: readonly WatchedRoom[],
  ) {
    this.choice = new NodeChoice(urls, log.home);
    this.client = new TandemClient({
      url: CLUSTER_ORIGIN,
      token,
      transport: 'websocket',
      fetch: failoverFetch(this.choice, 10_000),
      WebSocket: (url) => tappedSocket(url, this.choice, log),
    });
    for (const { room, fieldId } of rooms) {
      log.room(room);
      this.client.subscribe(room, (event) => {
        if (!isDurableEvent(event)) return;
        const values = (event.data as { values?: Record<string, unknown> }).values;
        const marker = event.type === 'record_updated' && typeof values?.[fieldId] === 'string' ? (values[fieldId] as string) : null;
        log.delivered(room, event.seq, marker, performance.now());
      });
    }
  }

  /** Whether every room is subscribed on a live link. */
  get ready(): boolean {
    return this.client.status === 'connected' && [...this.log.rooms.keys()].every((r) => this.client.room(r).state === 'subscribed');
  }

  close(): void {
    this.client.close();
  }
}

/** Opens `perNode` watchers homed on each node and waits (at most `timeoutMs`) until all are subscribed. */
export async function openWatchers(
  ledger: Ledger,
  urls: readonly string[],
  tokens: readonly string[],
  rooms: readonly WatchedRoom[],
  perNode: number,
  timeoutMs = 30_000,
): Promise<Watcher[]> {
  const watchers: Watcher[] = [];
  for (let i = 0; i < perNode * urls.length; i++) {
    const log = ledger.client(`watcher ${i}`, i % urls.length);
    watchers.push(new Watcher(log, urls, tokens[i % tokens.length] as string, rooms));
  }
  await waitUntil('watchers subscribed', timeoutMs, () => watchers.every((w) => w.ready));
  return watchers;
}

/** Polls `done` every 50 ms; throws after `ms`. */
export async function waitUntil(what: string, ms: number, done: () => boolean): Promise<number> {
  const started = performance.now();
  while (!done()) {
    if (performance.now() - started > ms) throw new Error(`${what}: not within ${ms} ms`);
    await sleep(50);
  }
  return performance.now() - started;
}
