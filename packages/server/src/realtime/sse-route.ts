import type { ServerResponse } from 'node:http';
import { CLOSE_CODES, type DurableEvent, decodeSseEventId, encodeSseEventId } from '@tandem/protocol';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { AppError, errors } from '../errors/app-error.ts';
import { authenticateConnectToken } from './connect-token.ts';
import type { Transport } from './connection.ts';
import type { Frame } from './frame.ts';
import type { Gateway } from './gateway.ts';

/** Interval of `: keep-alive` comments, so proxies and browsers keep an idle stream open. */
export const SSE_KEEPALIVE_MS = 15_000;
/** Rooms one stream may follow. */
const MAX_ROOMS = 50;

/** Writes to one SSE response: durable events with an id holding every room's position. */
class SseTransport implements Transport {
  readonly kind = 'sse' as const;
  #closed = false;

  get closing(): boolean {
    return this.#closed;
  }

  constructor(
    private readonly res: ServerResponse,
    readonly positions: Record<string, number>,
    private readonly maxBuffered: number,
  ) {}

  sendEvent(event: DurableEvent, frame: Frame): void {
    this.positions[event.room] = event.seq;
    this.#write(`event: ${event.type}\nid: ${encodeSseEventId(this.positions)}\ndata: ${frame.json}\n\n`);
  }

  sendSignal(frame: Frame, type: string): void {
    this.#write(`event: ${type}\ndata: ${frame.json}\n\n`);
  }

  /** Sends the current positions as the id of a `ready` event (so a resume starts from here). */
  ready(): void {
    this.#write(`event: ready\nid: ${encodeSseEventId(this.positions)}\ndata: ${JSON.stringify({ rooms: this.positions })}\n\n`);
  }

  comment(text: string): void {
    this.#write(`: ${text}\n\n`);
  }

  close(code: number, reason: string): void {
    if (this.#closed) return;
    this.#write(`event: close\ndata: ${JSON.stringify({ code, reason })}\n\n`);
    this.#closed = true;
    this.res.end();
  }

  #write(chunk: string): void {
    if (this.#closed || this.res.destroyed) return;
    if (this.res.writableLength > this.maxBuffered) {
      this.#closed = true;
      this.res.destroy();
      return;
    }
    this.res.write(chunk);
  }
}

const query = z.object({
  room: z.union([z.string(), z.array(z.string())]).transform((r) => [...new Set(Array.isArray(r) ? r : [r])]),
  token: z.string().optional(),
  last_event_id: z.string().optional(),
});

/**
 * `GET /events?room=…&room=…`: Server-Sent Events with the same rooms, authorisation and exact
 * resume as the WebSocket. `Last-Event-ID` (or `?last_event_id=`, for clients that cannot set
 * headers) carries every room's last seq. Works through plain HTTP proxies: no buffering, a
 * keep-alive comment every {@link SSE_KEEPALIVE_MS}.
 */
export function sseRoutes(ctx: AppContext, gateway: Gateway) {
  return async (fastify: FastifyInstance) => {
    const app = fastify.withTypeProvider<ZodTypeProvider>();
    app.get(
      '/events',
      {
        schema: {
          tags: ['realtime'],
          summary: 'Server-Sent Events stream of one or more rooms (WebSocket fallback)',
          querystring: query,
          response: {
            200: {
              description: "An event stream: `id:` (every room's last seq), `event:` (the message type), `data:` (the JSON message)",
              content: { 'text/event-stream': { schema: z.string() } },
            },
          },
        },
      },
      async (request, reply) => {
        const { room: rooms, token, last_event_id } = request.query;
        const auth = request.auth ?? (token ? await authenticateConnectToken(ctx.db, token, ctx.secrets.sessionSecret) : null);
        if (!auth) throw errors.unauthenticated();
        if (rooms.length > MAX_ROOMS) throw errors.invalid(`At most ${MAX_ROOMS} rooms per stream.`);
        for (const room of rooms) {
          if (!(await gateway.canRead(auth.user.id, room))) throw new AppError('forbidden', `You cannot join ${room}.`, { room });
        }
        if (gateway.connectionCount(auth.user.id) >= ctx.config.wsMaxConnectionsPerUser) throw errors.forbidden('Too many open connections.');
        const header = request.headers['last-event-id'];
        const since = decodeSseEventId(last_event_id ?? (typeof header === 'string' ? header : undefined));

        reply.hijack();
        const res = reply.raw;
        res.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-cache, no-transform',
          connection: 'keep-alive',
          'x-accel-buffering': 'no',
        });
        res.flushHeaders();
        const positions: Record<string, number> = {};
        for (const room of rooms) if (since[room] !== undefined) positions[room] = since[room] as number;
        const transport = new SseTransport(res, positions, ctx.config.wsSendBufferBytes);
        transport.comment('connected');
        const conn = gateway.open(auth, transport);
        const keepAlive = setInterval(() => transport.comment('keep-alive'), SSE_KEEPALIVE_MS);
        keepAlive.unref();
        res.on('close', () => {
          clearInterval(keepAlive);
          void gateway.closed(conn);
        });
        try {
          // Rooms starting live first: their position is known before any replayed event carries an id.
          const ordered = [...rooms].sort((a, b) => Number(since[a] !== undefined) - Number(since[b] !== undefined));
          for (const room of ordered) {
            const result = await gateway.subscribe(conn, room, since[room]);
            if (positions[room] === undefined || result.resync || positions[room] < result.seq) positions[room] = result.seq;
          }
          transport.ready();
        } catch (err) {
          ctx.log.warn({ err }, 'realtime: SSE subscribe failed');
          transport.close(CLOSE_CODES.server_shutdown, 'subscribe failed');
        }
      },
    );
  };
}
