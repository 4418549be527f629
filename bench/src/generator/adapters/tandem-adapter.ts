import WebSocket from 'ws';
import type { RoomSpec } from '../messages.ts';
import { type ClientAdapter, type ClientConnection, type FrameSink, type OpenOptions, withTimeout } from './client-adapter.ts';

/** The `type` of a frame, read without parsing it (envelopes serialise `type` first). */
function frameType(text: string): string {
  const at = text.indexOf('"type":"');
  if (at < 0) return '';
  const from = at + 8;
  return text.slice(from, text.indexOf('"', from));
}

/** The per-room `seq` of a durable event, read without parsing it; undefined for ephemeral frames. */
function frameSeq(text: string): number | undefined {
  const at = text.indexOf('"seq":');
  if (at < 0) return undefined;
  const n = Number.parseInt(text.slice(at + 6, at + 24), 10);
  return Number.isFinite(n) ? n : undefined;
}

/**
 * Creates the adapter for the real Tandem gateway: `/ws?v=1&batch=1` (batched frames, as the
 * SDK takes them) with `Authorization: Bearer`,
 * `subscribe {id, room, since}` answered by `ack`, publishing through the gateway's ephemeral
 * relay (`cell_edit` into a table room, `user_cursor` into any other room), deliveries counted
 * for the frame types in `countTypes`.
 */
export function tandemAdapter(countTypes: readonly string[]): ClientAdapter {
  const counted = new Set(countTypes);
  return {
    async open(options: OpenOptions, sink: FrameSink): Promise<ClientConnection> {
      const url = `${options.url.replace(/^http/, 'ws')}/ws?v=1&batch=1`;
      const socket = new WebSocket(url, {
        perMessageDeflate: false,
        localAddress: options.localAddress,
        headers: options.token ? { authorization: `Bearer ${options.token}` } : {},
      });
      const pending = new Map<number, { resolve: (seq: number | undefined) => void; reject: (err: Error) => void }>();
      let nextId = 1;
      let welcomed: (() => void) | null = null;
      const onMessage = (text: string) => {
        const type = frameType(text);
        if (type === 'ack' || type === 'error') {
          const msg = JSON.parse(text) as { id?: number; code?: string; message?: string; seq?: number };
          const waiter = typeof msg.id === 'number' ? pending.get(msg.id) : undefined;
          if (!waiter) return;
          pending.delete(msg.id as number);
          if (type === 'ack') waiter.resolve(typeof msg.seq === 'number' ? msg.seq : undefined);
          else waiter.reject(new Error(`${msg.code}: ${msg.message}`));
          return;
        }
        if (type === 'welcome') {
          welcomed?.();
          welcomed = null;
          return;
        }
        sink.frame(text);
      };
      socket.on('message', (data) => {
        // A batched frame holds several messages, one per line.
        for (const text of data.toString().split('\n')) onMessage(text);
      });
      socket.on('close', () => {
        for (const waiter of pending.values()) waiter.reject(new Error('connection closed'));
        pending.clear();
        sink.closed();
      });
      await withTimeout(
        new Promise<void>((resolve, reject) => {
          welcomed = resolve;
          socket.once('error', reject);
          socket.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: HTTP ${res.statusCode}`)));
          socket.once('close', (code, reason) => reject(new Error(`closed before welcome: ${code} ${reason.toString()}`)));
        }),
        options.timeoutMs,
        'tandem connect',
      ).catch((err: unknown) => {
        socket.terminate();
        throw err;
      });
      socket.on('error', () => undefined);

      const request = (message: Record<string, unknown>) => {
        const id = nextId++;
        const done = new Promise<number | undefined>((resolve, reject) => pending.set(id, { resolve, reject }));
        socket.send(JSON.stringify({ ...message, id }));
        return withTimeout(done, options.timeoutMs, `tandem ${String(message.type)}`);
      };
      return {
        subscribe(room: RoomSpec, since: number | undefined) {
          return request(since === undefined ? { type: 'subscribe', room: room.name } : { type: 'subscribe', room: room.name, since });
        },
        publish(room: RoomSpec, marker: string) {
          // A table room carries live cell edits; other rooms (a record's) carry cursor moves.
          const message = room.fieldId
            ? { type: 'cell_edit', record_id: room.recordId, field_id: room.fieldId, value: marker }
            : { type: 'user_cursor', room: room.name, position: marker };
          socket.send(JSON.stringify(message));
        },
        bufferedAmount: () => socket.bufferedAmount,
        terminate: () => socket.terminate(),
      };
    },
    counts: (text: string) => counted.has(frameType(text)),
    orderKey: (text: string) => frameSeq(text),
  };
}
