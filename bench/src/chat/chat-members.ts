import WebSocket from 'ws';
import { withTimeout } from '../generator/adapters/client-adapter.ts';

/** What a member connection reports for each `chat_message_created` it receives. */
export type DeliverySink = (clientId: string, receivedAt: number) => void;

/** A member's live connection, subscribed to its chat rooms. */
export interface MemberConnection {
  /** Frames that were not chat deliveries, acks or welcome (errors, resyncs): should stay 0. */
  readonly unexpected: () => number;
  close(): void;
}

/**
 * Opens the gateway as the SDK does (`/ws?v=1&batch=1`, bearer token), subscribes to `rooms`
 * and reports every `chat_message_created` by the message's `client_id`.
 */
export async function connectMember(baseUrl: string, token: string, rooms: readonly string[], sink: DeliverySink): Promise<MemberConnection> {
  const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/ws?v=1&batch=1`, {
    perMessageDeflate: false,
    headers: { authorization: `Bearer ${token}` },
  });
  let unexpected = 0;
  const acks = new Map<number, (ok: boolean) => void>();
  let welcomed: (() => void) | null = null;
  const onText = (text: string) => {
    const at = Date.now();
    const msg = JSON.parse(text) as { type: string; id?: number; data?: { client_id?: string | null } };
    if (msg.type === 'chat_message_created') {
      const clientId = msg.data?.client_id;
      if (clientId) sink(clientId, at);
      return;
    }
    if (msg.type === 'welcome') {
      welcomed?.();
      return;
    }
    if ((msg.type === 'ack' || msg.type === 'error') && typeof msg.id === 'number') {
      acks.get(msg.id)?.(msg.type === 'ack');
      acks.delete(msg.id);
      if (msg.type === 'error') unexpected++;
      return;
    }
    // Presence, unread and room events are expected traffic; only errors and resyncs are findings.
    if (msg.type === 'resync' || msg.type === 'error') unexpected++;
  };
  socket.on('message', (data) => {
    for (const line of data.toString().split('\n')) if (line) onText(line);
  });
  socket.on('error', () => undefined);
  await withTimeout(
    new Promise<void>((resolve, reject) => {
      welcomed = resolve;
      socket.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: HTTP ${res.statusCode}`)));
      socket.once('close', (code) => reject(new Error(`closed before welcome: ${code}`)));
    }),
    30_000,
    'chat member connect',
  );
  let nextId = 1;
  for (const room of rooms) {
    const id = nextId++;
    const ok = await withTimeout(
      new Promise<boolean>((resolve) => {
        acks.set(id, resolve);
        socket.send(JSON.stringify({ type: 'subscribe', id, room: `chat:${room}` }));
      }),
      30_000,
      'chat subscribe',
    );
    if (!ok) throw new Error(`subscribe to chat:${room} was refused`);
  }
  return { unexpected: () => unexpected, close: () => socket.terminate() };
}
