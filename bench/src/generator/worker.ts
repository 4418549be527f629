/**
 * A load-generator process: opens connections, publishes at a fixed rate and records, for every
 * delivery, receive time minus the publisher's stamp. Forked by the worker pool; driven by
 * {@link WorkerCommand}s over IPC. Exits when the orchestrator goes away.
 */
import { Histogram } from '../measure/histogram.ts';
import { clockMs, encodeMarker, readMarker } from '../measure/stamp.ts';
import type { ClientAdapter, ClientConnection } from './adapters/client-adapter.ts';
import { withTimeout } from './adapters/client-adapter.ts';
import { socketioAdapter } from './adapters/socketio-adapter.ts';
import { tandemAdapter } from './adapters/tandem-adapter.ts';
import { wsAdapter } from './adapters/ws-adapter.ts';
import { runBounded, sleep } from './connect-queue.ts';
import { closeHttpAgents, publishByHttp } from './http-writer.ts';
import type {
  ConnectionGroup,
  ConnectResult,
  ContinuityResult,
  DropResult,
  PhaseStats,
  PublishResult,
  RoomSpec,
  SocketPublishPlan,
  WorkerCommand,
  WorkerReply,
} from './messages.ts';

/** Connections per source address before moving to the next 127.0.0.x (the ephemeral port range holds ~28k). */
const CONNECTIONS_PER_SOURCE_ADDRESS = 25_000;

/** One connection this worker holds, with what it has received. */
interface Held {
  readonly group: ConnectionGroup;
  readonly adapter: ClientAdapter;
  readonly index: number;
  readonly node: number;
  readonly room: RoomSpec | null;
  conn: ClientConnection | null;
  /** Last order key seen (seq or message number), for gap detection and resume. */
  last: number | undefined;
  missing: number;
  duplicates: number;
}

const groups = new Map<string, Held[]>();
let phase = 0;
let received = 0;
let otherFrames = 0;
let latencyByNode: Histogram[] = [];
let phaseCpu = process.cpuUsage();
let phaseStarted = clockMs();
let msgno = 0;

function adapterFor(group: ConnectionGroup): ClientAdapter {
  if (group.target === 'tandem') return tandemAdapter(group.countTypes);
  return group.target === 'socketio' ? socketioAdapter : wsAdapter;
}

function onFrame(held: Held, text: string): void {
  const counted = held.adapter.counts(text);
  const marker = counted ? readMarker(text) : null;
  const key = held.adapter.orderKey(text, marker?.msgno);
  if (key !== undefined) {
    if (held.last !== undefined) {
      if (key <= held.last) held.duplicates++;
      else if (key > held.last + 1) held.missing += key - held.last - 1;
    }
    if (held.last === undefined || key > held.last) held.last = key;
  }
  if (!marker || marker.phase !== phase) {
    otherFrames++;
    return;
  }
  received++;
  let h = latencyByNode[held.node];
  if (!h) {
    h = new Histogram();
    latencyByNode[held.node] = h;
  }
  h.recordMillis(clockMs() - marker.stampMs);
}

async function openOne(held: Held, since: number | undefined): Promise<void> {
  const g = held.group;
  const localAddress = held.index >= CONNECTIONS_PER_SOURCE_ADDRESS ? `127.0.0.${1 + Math.floor(held.index / CONNECTIONS_PER_SOURCE_ADDRESS)}` : undefined;
  // Declared first: a connection refused during its handshake reports `closed` before `open` resolves.
  let conn: ClientConnection | undefined;
  conn = await held.adapter.open(
    { url: g.urls[held.node] ?? '', token: g.tokens.length ? g.tokens[held.index % g.tokens.length] : undefined, localAddress, timeoutMs: g.timeoutMs },
    {
      frame: (text) => onFrame(held, text),
      closed: () => {
        if (conn && held.conn === conn) held.conn = null;
      },
    },
  );
  held.conn = conn;
  if (g.subscribe && held.room) {
    try {
      const start = await conn.subscribe(held.room, since);
      // The server's starting point (Tandem's ack seq) anchors gap detection from the first event on.
      if (start !== undefined && (held.last === undefined || start > held.last)) held.last = start;
    } catch (err) {
      conn.terminate();
      held.conn = null;
      throw err;
    }
  }
}

async function connect(group: ConnectionGroup): Promise<ConnectResult> {
  const adapter = adapterFor(group);
  const list = groups.get(group.name) ?? [];
  groups.set(group.name, list);
  const latency = new Histogram();
  const errors: string[] = [];
  let opened = 0;
  let failed = 0;
  const started = clockMs();
  await runBounded(group.count, group.concurrency, async (i) => {
    const index = group.first + i;
    const room = group.rooms.length ? (group.rooms[Math.floor(index / group.membersPerRoom) % group.rooms.length] ?? null) : null;
    const held: Held = { group, adapter, index, node: index % group.urls.length, room, conn: null, last: undefined, missing: 0, duplicates: 0 };
    const t0 = clockMs();
    try {
      await openOne(held, undefined);
      latency.recordMillis(clockMs() - t0);
      list.push(held);
      opened++;
    } catch (err) {
      failed++;
      if (errors.length < 5) errors.push((err as Error).message);
    }
  });
  return { opened, failed, errors, connectLatency: latency.toJSON(), elapsedMs: clockMs() - started };
}

async function publishBySocket(plan: SocketPublishPlan, publishPhase: number): Promise<PublishResult> {
  const senders = (groups.get(plan.group) ?? []).filter((h) => h.room);
  const total = senders.length === 0 ? 0 : Math.round((plan.rate * plan.durationMs) / 1000);
  const started = clockMs();
  const deadline = started + plan.durationMs + 5000;
  let sent = 0;
  let failed = 0;
  // Bounded by count and by time; sleeps 1 ms between bursts of due messages.
  while (sent + failed < total && clockMs() < deadline) {
    const due = Math.min(total, Math.floor(((clockMs() - started) * plan.rate) / 1000) + 1);
    while (sent + failed < due) {
      const k = sent + failed;
      const held = senders[k % senders.length] as Held;
      if (!held.conn || !held.room) {
        failed++;
        continue;
      }
      held.conn.publish(held.room, encodeMarker(publishPhase, ++msgno, clockMs()));
      sent++;
    }
    await sleep(1);
  }
  return { sent, failed, errors: [], writeLatency: null, elapsedMs: clockMs() - started };
}

function startPhase(next: number): void {
  phase = next;
  received = 0;
  otherFrames = 0;
  latencyByNode = [];
  phaseCpu = process.cpuUsage();
  phaseStarted = clockMs();
}

function stats(): PhaseStats {
  const cpu = process.cpuUsage(phaseCpu);
  return {
    phase,
    received,
    latencyByNode: Array.from({ length: latencyByNode.length }, (_, i) => (latencyByNode[i] ?? new Histogram()).toJSON()),
    otherFrames,
    cpuMs: (cpu.user + cpu.system) / 1000,
    elapsedMs: clockMs() - phaseStarted,
    rssBytes: process.memoryUsage.rss(),
  };
}

async function drop(name: string, jitterMs: number, concurrency: number, timeoutMs: number): Promise<DropResult> {
  const list = groups.get(name) ?? [];
  const droppedAt = clockMs();
  for (const held of list) {
    held.conn?.terminate();
    held.conn = null;
  }
  const latency = new Histogram();
  const errors: string[] = [];
  let resumed = 0;
  let failed = 0;
  let lastResumedAt = droppedAt;
  // Each client waits a random jitter before reconnecting, as the SDK's backoff does.
  const order = list.map((held) => ({ held, wait: Math.random() * jitterMs })).sort((a, b) => a.wait - b.wait);
  await withTimeout(
    runBounded(order.length, concurrency, async (i) => {
      const { held, wait } = order[i] as { held: Held; wait: number };
      const ahead = droppedAt + wait - clockMs();
      if (ahead > 0) await sleep(ahead);
      try {
        await openOne(held, held.last);
        const now = clockMs();
        latency.recordMillis(now - droppedAt);
        lastResumedAt = Math.max(lastResumedAt, now);
        resumed++;
      } catch (err) {
        failed++;
        if (errors.length < 5) errors.push((err as Error).message);
      }
    }),
    timeoutMs,
    'reconnect storm',
  ).catch((err: unknown) => errors.push((err as Error).message));
  return { dropped: list.length, resumed, failed, errors, resumeLatency: latency.toJSON(), lastResumedAt, droppedAt };
}

function continuity(name: string): ContinuityResult {
  const list = groups.get(name) ?? [];
  let missing = 0;
  let duplicates = 0;
  let lowestLast = Number.POSITIVE_INFINITY;
  let highestLast = 0;
  let empty = 0;
  for (const held of list) {
    missing += held.missing;
    duplicates += held.duplicates;
    if (held.last === undefined) empty++;
    else {
      lowestLast = Math.min(lowestLast, held.last);
      highestLast = Math.max(highestLast, held.last);
    }
  }
  return { connections: list.length, missing, duplicates, lowestLast: Number.isFinite(lowestLast) ? lowestLast : 0, highestLast, empty };
}

function openConnections(): number {
  let open = 0;
  for (const list of groups.values()) for (const held of list) if (held.conn) open++;
  return open;
}

function close(name: string | undefined): number {
  let closed = 0;
  for (const [key, list] of groups) {
    if (name !== undefined && key !== name) continue;
    for (const held of list) {
      held.conn?.terminate();
      held.conn = null;
      closed++;
    }
    groups.delete(key);
  }
  return closed;
}

async function handle(command: WorkerCommand): Promise<unknown> {
  switch (command.cmd) {
    case 'connect':
      return connect(command.group);
    case 'phase':
      startPhase(command.phase);
      return { phase };
    case 'publish':
      return command.plan.kind === 'http' ? publishByHttp(command.plan, command.phase, () => ++msgno) : publishBySocket(command.plan, command.phase);
    case 'count':
      return { received, open: openConnections() };
    case 'stats':
      return stats();
    case 'drop':
      return drop(command.group, command.jitterMs, command.concurrency, command.timeoutMs);
    case 'continuity':
      return continuity(command.group);
    case 'close':
      if (command.group === undefined) closeHttpAgents();
      return { closed: close(command.group) };
  }
}

process.on('message', (command: WorkerCommand) => {
  handle(command).then(
    (result) => process.send?.({ id: command.id, ok: true, result } satisfies WorkerReply),
    (err: unknown) => process.send?.({ id: command.id, ok: false, error: (err as Error).stack ?? String(err) } satisfies WorkerReply),
  );
});
process.on('disconnect', () => process.exit(0));
process.send?.({ id: 0, ok: true, result: 'ready' } satisfies WorkerReply);
