import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';
import * as sync from 'y-protocols/sync';
import * as Y from 'yjs';
import { type DocumentSession, TandemClient } from '../../../packages/client/src/index.ts';
import type { WebSocketLike } from '../../../packages/client/src/websocket-transport.ts';
import { callOk } from '../chat/chat-api.ts';
import type { ChatFixture } from '../chat/chat-fixture.ts';
import { sleep } from '../generator/connect-queue.ts';
import { Histogram } from '../measure/histogram.ts';

/** What one run of many writers on one document measured. */
export interface DocumentLatencyResult {
  readonly clients: number;
  /** Clients that apply every update and measure. */
  readonly observers: number;
  readonly ratePerClient: number;
  readonly durationSec: number;
  readonly sent: number;
  /** Applies expected at the observers (every update by someone else, once each). */
  readonly expected: number;
  readonly applied: number;
  readonly missing: number;
  readonly latencyMs: { readonly p50: number; readonly p99: number; readonly max: number };
  readonly failedWrites: number;
}

/** How many of the clients are full SDK sessions that apply every update and measure. */
const OBSERVERS = 5;

/** A writer that sends like a full session but does not apply what others send (the generator shares two cores with the server). */
interface Writer {
  readonly doc: Y.Doc;
  /** Sends one local update; resolves once the server stored it (false when refused). */
  send(update: Uint8Array): Promise<boolean>;
}

/**
 * `clients` people on one canvas, each writing `rate` updates a second (a key of the shared map
 * set to the send time). {@link OBSERVERS} of them are full SDK sessions that apply everyone
 * else's updates and time each one from the local change to its apply; the others are SDK
 * clients subscribed to the room that send Yjs updates of their own and receive every update
 * without applying it, so the load generator, on the same two cores as the server, does not
 * measure itself. The server's work is the same either way: every update is stored and sent to
 * the other 49. Every observer must end up with every other client's keys.
 */
export async function runDocumentLatency(
  url: string,
  fixture: ChatFixture,
  options: { clients: number; rate: number; warmUpMs: number; durationMs: number },
): Promise<DocumentLatencyResult> {
  const owner = fixture.users[0] as { token: string };
  const canvas = await callOk<{ id: string }>(url, 'POST', '/docs', owner.token, { kind: 'canvas', workspace_id: fixture.workspaceId, name: 'Bench canvas' });
  const room = `doc:${canvas.id}`;
  const latency = new Histogram();
  let measuring = false;
  let applied = 0;
  let failedWrites = 0;
  const clients: TandemClient[] = [];
  const sessions: DocumentSession[] = [];
  const writers: Writer[] = [];
  const stops: (() => void)[] = [];
  const observers = Math.min(OBSERVERS, options.clients);
  for (let i = 0; i < options.clients; i++) {
    const user = fixture.users[i % fixture.users.length] as { token: string };
    const client = new TandemClient({ url, token: user.token, WebSocket: (address) => new WebSocket(address) as unknown as WebSocketLike });
    clients.push(client);
    if (i >= observers) {
      const doc = new Y.Doc();
      stops.push(client.room(room).subscribe());
      writers.push({
        doc,
        send: async (update) => {
          const encoder = encoding.createEncoder();
          sync.writeUpdate(encoder, update);
          try {
            await client.request({ type: 'doc_sync', room, data: Buffer.from(encoding.toUint8Array(encoder)).toString('base64') });
            return true;
          } catch {
            return false;
          }
        },
      });
      continue;
    }
    const session = client.doc(canvas.id);
    stops.push(session.start());
    sessions.push(session);
    const mine = `c${i}:`;
    session.doc.getMap<number>('bench').observe((event) => {
      if (event.transaction.local) return;
      const now = performance.now();
      for (const key of event.keysChanged) {
        if (key.startsWith(mine)) continue;
        const sentAt = (event.target as Y.Map<number>).get(key);
        if (!measuring || sentAt === undefined || sentAt < 0) continue;
        applied += 1;
        latency.recordMillis(now - sentAt);
      }
    });
  }
  await Promise.all(sessions.map((s) => s.whenSynced()));
  await Promise.all(clients.slice(observers).map((c) => waitSubscribed(c, room)));

  let sent = 0;
  let sentByObservers = 0;
  const writeAll = async (until: number, counted: boolean) => {
    const interval = 1000 / options.rate;
    await Promise.all(
      Array.from({ length: options.clients }, async (_, i) => {
        // Spread the writers over the interval instead of all at once.
        await sleep((interval * i) / options.clients);
        const session = sessions[i];
        const writer = writers[i - observers];
        const doc = session ? session.doc : (writer as Writer).doc;
        let n = 0;
        for (let next = performance.now(); performance.now() < until; next += interval) {
          const update = captureUpdate(doc, () => doc.getMap<number>('bench').set(`c${i}:${counted ? 'm' : 'w'}${n++}`, counted ? performance.now() : -1));
          if (writer && update) void writer.send(update).then((ok) => (failedWrites += ok ? 0 : 1));
          if (counted) {
            sent += 1;
            if (session) sentByObservers += 1;
          }
          const wait = next + interval - performance.now();
          if (wait > 0) await sleep(wait);
        }
      }),
    );
  };
  // Warm-up keys carry -1: they travel the same way but are not measured.
  await writeAll(performance.now() + options.warmUpMs, false);
  measuring = true;
  await writeAll(performance.now() + options.durationMs, true);
  // Drain: updates still on their way.
  const expected = sent * observers - sentByObservers;
  for (let waited = 0; applied < expected && waited < 10_000; waited += 100) await sleep(100);
  measuring = false;
  failedWrites += sessions.filter((s) => s.error !== null).length;
  for (const stop of stops) stop();
  for (const client of clients) client.close();
  const ms = (us: number) => Math.round(us / 100) / 10;
  return {
    clients: options.clients,
    observers,
    ratePerClient: options.rate,
    durationSec: Math.round(options.durationMs / 1000),
    sent,
    expected,
    applied,
    missing: Math.max(0, expected - applied),
    latencyMs: { p50: ms(latency.percentile(50)), p99: ms(latency.percentile(99)), max: ms(latency.max) },
    failedWrites,
  };
}

/** The update a change of `doc` makes. */
function captureUpdate(doc: Y.Doc, change: () => void): Uint8Array | null {
  let update: Uint8Array | null = null;
  const take = (u: Uint8Array) => {
    update = u;
  };
  doc.on('update', take);
  change();
  doc.off('update', take);
  return update;
}

async function waitSubscribed(client: TandemClient, room: string): Promise<void> {
  while (client.room(room).state !== 'subscribed') await sleep(20);
}
