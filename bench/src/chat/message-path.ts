import { randomUUID } from 'node:crypto';
import { runBounded, sleep } from '../generator/connect-queue.ts';
import { Histogram } from '../measure/histogram.ts';
import { callApi } from './chat-api.ts';
import type { ChatFixture } from './chat-fixture.ts';
import { connectMember, type MemberConnection } from './chat-members.ts';

/** REST sends in flight at most; past it the next send waits and the achieved rate drops. */
const MAX_SENDS_IN_FLIGHT = 64;
/** How long the run waits after the last send for deliveries still on their way. */
const DRAIN_MS = 5_000;

/** What one message-path run measured. */
export interface MessagePathResult {
  readonly rate: number;
  readonly durationSec: number;
  readonly sent: number;
  readonly failedSends: number;
  readonly achievedPerSec: number;
  readonly expectedDeliveries: number;
  readonly delivered: number;
  readonly missing: number;
  readonly duplicates: number;
  readonly unexpectedFrames: number;
  /** Send-to-delivery latency in ms: from the POST leaving the sender to the event at each member. */
  readonly latencyMs: { readonly p50: number; readonly p95: number; readonly p99: number; readonly max: number };
  /** POST answer time in ms. */
  readonly sendMs: { readonly p50: number; readonly p99: number };
}

interface Sent {
  readonly at: number;
  readonly members: number;
  received: number;
  measured: boolean;
}

/**
 * Every member connects once and subscribes to its rooms; then random members post into their
 * rooms by REST at `rate` messages per second for `warmUpMs + durationMs`. Only messages sent
 * after the warm-up are measured; each must reach every member of its room exactly once.
 */
export async function runMessagePath(
  url: string,
  fixture: ChatFixture,
  options: { rate: number; warmUpMs: number; durationMs: number },
): Promise<MessagePathResult> {
  const roomsOf = fixture.users.map(() => [] as string[]);
  for (const room of fixture.rooms) for (const m of room.members) roomsOf[m]?.push(room.id);

  const sent = new Map<string, Sent>();
  const latency = new Histogram();
  const sendTime = new Histogram();
  let duplicates = 0;
  const members: MemberConnection[] = [];
  try {
    await runBounded(fixture.users.length, 10, async (i) => {
      const user = fixture.users[i] as { token: string };
      members.push(
        await connectMember(url, user.token, roomsOf[i] ?? [], (clientId, at) => {
          const s = sent.get(clientId);
          if (!s) return;
          s.received++;
          if (s.received > s.members) duplicates++;
          else if (s.measured) latency.recordMillis(at - s.at);
        }),
      );
    });

    let inFlight = 0;
    let failedSends = 0;
    let measuredSent = 0;
    const started = Date.now();
    const measureFrom = started + options.warmUpMs;
    const end = measureFrom + options.durationMs;
    let due = 0;
    const sends: Promise<void>[] = [];
    // Paced in 5 ms ticks: the number of sends due by now minus those made.
    while (Date.now() < end) {
      const now = Date.now();
      const target = Math.floor(((now - started) / 1000) * options.rate);
      while (due < target && inFlight < MAX_SENDS_IN_FLIGHT) {
        due++;
        const room = fixture.rooms[Math.floor(Math.random() * fixture.rooms.length)];
        if (!room) continue;
        const sender = fixture.users[room.members[Math.floor(Math.random() * room.members.length)] as number] as { token: string };
        const clientId = randomUUID();
        const at = Date.now();
        const measured = at >= measureFrom;
        if (measured) measuredSent++;
        sent.set(clientId, { at, members: room.members.length, received: 0, measured });
        inFlight++;
        sends.push(
          callApi(url, 'POST', `/chat/rooms/${room.id}/messages`, sender.token, { body: `bench message ${due}`, client_id: clientId })
            .then((answer) => {
              if (answer.status !== 201 && answer.status !== 200) {
                if (failedSends === 0) console.error(`first failed send: ${answer.status} ${JSON.stringify(answer.body).slice(0, 300)}`);
                failedSends++;
                sent.delete(clientId);
                if (measured) measuredSent--;
              } else if (measured) sendTime.recordMillis(Date.now() - at);
            })
            .catch((err: unknown) => {
              if (failedSends === 0) console.error(`first failed send: ${String(err)}`);
              failedSends++;
              sent.delete(clientId);
              if (measured) measuredSent--;
            })
            .finally(() => {
              inFlight--;
            }),
        );
      }
      await sleep(5);
    }
    await Promise.all(sends);
    await sleep(DRAIN_MS);

    let expected = 0;
    let delivered = 0;
    for (const s of sent.values()) {
      if (!s.measured) continue;
      expected += s.members;
      delivered += Math.min(s.received, s.members);
    }
    const ms = (us: number) => Math.round(us / 100) / 10;
    return {
      rate: options.rate,
      durationSec: options.durationMs / 1000,
      sent: measuredSent,
      failedSends,
      achievedPerSec: Math.round((measuredSent / (options.durationMs / 1000)) * 10) / 10,
      expectedDeliveries: expected,
      delivered,
      missing: expected - delivered,
      duplicates,
      unexpectedFrames: members.reduce((n, m) => n + m.unexpected(), 0),
      latencyMs: { p50: ms(latency.percentile(50)), p95: ms(latency.percentile(95)), p99: ms(latency.percentile(99)), max: ms(latency.max) },
      sendMs: { p50: ms(sendTime.percentile(50)), p99: ms(sendTime.percentile(99)) },
    };
  } finally {
    for (const m of members) m.close();
  }
}
