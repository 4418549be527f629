import { CLOSE_CODES } from '@tandem/protocol';
import WebSocket from 'ws';
import { withTimeout } from '../../generator/adapters/client-adapter.ts';
import { sleep } from '../../generator/connect-queue.ts';
import { callApi } from '../../servers/tandem-fixture.ts';
import { openPlainSocket, requestOn } from '../plain-socket.ts';
import { brokenGuarantees, type ChaosContext, hold, missingFacts, type ScenarioResult, since, startStream } from '../scenario.ts';

/** Length of each measured phase. */
const PHASE_MS = 10_000;
/** Allowed growth of the other clients' p99 with the hostile clients on. */
const P99_MARGIN = 0.2;
/** Live cell edits per second each bulk publisher sends (under the 50/s limit), and their size. */
const BULK_RATE = 45;
/** Records the bulk edits go round (each cell well under the relay's one value per 50 ms, so none is coalesced away). */
const BULK_RECORDS = 20;
const BULK_VALUE_BYTES = 30_000;

/** Sum over the nodes of `tandem_realtime_server_closes_total{code}`. */
async function serverCloses(urls: readonly string[], code: number): Promise<number> {
  let total = 0;
  for (const url of urls) {
    const text = await fetch(`${url}/metrics`).then((r) => r.text());
    const match = new RegExp(`tandem_realtime_server_closes_total\\{code="${code}"\\} (\\d+)`).exec(text);
    total += Number(match?.[1] ?? 0);
  }
  return total;
}

/**
 * Sends live cell edits of `BULK_VALUE_BYTES` into a table room at `BULK_RATE`/s, spread over
 * several records (the server keeps only the newest value per cell every 50 ms).
 */
function bulkPublisher(socket: WebSocket, recordIds: readonly string[], fieldId: string): () => void {
  const value = 'x'.repeat(BULK_VALUE_BYTES);
  let n = 0;
  const timer = setInterval(() => {
    if (socket.readyState !== WebSocket.OPEN) return;
    socket.send(JSON.stringify({ type: 'cell_edit', record_id: recordIds[n++ % recordIds.length], field_id: fieldId, value: `${n}${value}` }));
  }, 1000 / BULK_RATE);
  return () => clearInterval(timer);
}

/** A client that sends `ping` as fast as it can and connects again each time it is cut off; counts the cuts and their close codes. */
function flooder(url: string, token: string): { stop(): Promise<void>; closes: number[]; firstCutMs: () => number | null } {
  const closes: number[] = [];
  let running = true;
  let firstCut: number | null = null;
  const started = performance.now();
  const loop = (async () => {
    while (running) {
      const socket = await openPlainSocket(url, token).catch(() => null);
      if (!socket) {
        await sleep(100);
        continue;
      }
      const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
      // Bounded: at most 5,000 frames per connection; the server cuts it off long before.
      for (let i = 0; i < 5000 && socket.readyState === WebSocket.OPEN; i++) socket.send('{"type":"ping"}');
      const code = await withTimeout(closed, 10_000, 'flood cut-off').catch(() => {
        socket.terminate();
        return -1;
      });
      closes.push(code);
      firstCut ??= since(started);
    }
  })();
  return {
    closes,
    firstCutMs: () => firstCut,
    async stop() {
      running = false;
      await loop;
    },
  };
}

/**
 * A client that stops reading and a client that floods, while the write stream runs: each must be
 * cut off with its documented close code, and the other clients' write → delivery p99 must stay
 * within 20 % of the phases without them (measured before and after).
 */
export async function hostileClients(ctx: ChaosContext): Promise<ScenarioResult> {
  const started = performance.now();
  const { cluster, fixture } = ctx;
  const owner = fixture.tokens[0] as string;
  const [nodeA, nodeB] = cluster.nodes;
  if (!nodeA || !nodeB) throw new Error('hostile clients need two nodes');
  // A room of its own for the bulk traffic, so the watchers measured do not receive it.
  const table = await callApi<{ id: string; fields: { id: string }[] }>(nodeA.url, 'POST', `/workspaces/${fixture.workspaceId}/tables`, owner, {
    name: 'Bulk',
    fields: [{ name: 'Payload', type: 'text' }],
  });
  const fieldId = table.fields[0]?.id as string;
  const recordIds: string[] = [];
  for (let i = 0; i < BULK_RECORDS; i++)
    recordIds.push((await callApi<{ id: string }>(nodeA.url, 'POST', `/tables/${table.id}/records`, owner, { values: { [fieldId]: 'x' } })).id);
  const bulkRoom = `table:${table.id}`;
  const publishers = await Promise.all([openPlainSocket(nodeA.url, owner), openPlainSocket(nodeB.url, fixture.tokens[1] as string)]);
  const reader = await openPlainSocket(nodeB.url, fixture.tokens[2] as string);
  await requestOn(reader, { type: 'subscribe', room: bulkRoom });
  let readBytes = 0;
  reader.on('message', (data: Buffer) => {
    readBytes += data.length;
  });

  const stream = await startStream(ctx);
  const stops = publishers.map((p) => bulkPublisher(p, recordIds, fieldId));
  const failures: string[] = [];
  const facts: string[] = [];
  let slowClosedCode: number | null = null;
  let slowCutMs: number | null = null;
  let flood: ReturnType<typeof flooder> | null = null;
  try {
    await hold(ctx, 2000, 'warming up');
    const baselineFrom = performance.now();
    await hold(ctx, PHASE_MS, 'phase 1: without hostile clients');
    const hostileFrom = performance.now();

    const slowClosesBefore = await serverCloses(cluster.urls, CLOSE_CODES.slow_consumer);
    const slow = await openPlainSocket(nodeA.url, fixture.tokens[3] as string);
    await requestOn(slow, { type: 'subscribe', room: bulkRoom });
    const slowClosed = new Promise<number>((resolve) => slow.once('close', (code) => resolve(code)));
    // Never reads again: the kernel's buffers fill, then the server's send buffer.
    slow.pause();
    const slowAt = performance.now();
    flood = flooder(nodeB.url, fixture.tokens[3] as string);
    ctx.log(
      `    phase 2: a slow consumer on node ${nodeA.index} and a flooding client on node ${nodeB.index} (${PHASE_MS / 1000} s or until the slow consumer is cut off)`,
    );
    // Bounded: polls the server's close counter every 250 ms; the phase lasts PHASE_MS, longer
    // (up to three times) until the slow consumer is cut off.
    while (performance.now() - hostileFrom < PHASE_MS || (slowCutMs === null && performance.now() - hostileFrom < 3 * PHASE_MS)) {
      if (slowCutMs === null && (await serverCloses(cluster.urls, CLOSE_CODES.slow_consumer)) > slowClosesBefore) slowCutMs = since(slowAt);
      await sleep(250);
    }
    const hostileTo = performance.now();
    await flood.stop();
    // Reading again lets the client see how it was closed (the close frame, if it got through, sits behind what it did not read).
    slow.resume();
    slowClosedCode = await withTimeout(slowClosed, 5000, 'slow consumer close').catch(() => null);
    if (slowCutMs === null && (await serverCloses(cluster.urls, CLOSE_CODES.slow_consumer)) > slowClosesBefore) slowCutMs = since(slowAt);
    slow.terminate();

    await hold(ctx, PHASE_MS, 'phase 3: without hostile clients again');
    const afterTo = performance.now();
    const { figures, missingWrites } = await stream.finish();
    const before = stream.ledger.figures(baselineFrom, hostileFrom);
    const during = stream.ledger.figures(hostileFrom, hostileTo);
    const after = stream.ledger.figures(hostileTo, afterTo);
    const quietP99 = Math.max(before.latency.p99, after.latency.p99);
    const growth = quietP99 > 0 ? during.latency.p99 / quietP99 - 1 : 0;
    failures.push(...brokenGuarantees(figures));
    facts.push(...missingFacts(missingWrites));
    if (slowCutMs === null) failures.push('the slow consumer was not closed by the server');
    const floodCodes = flood.closes;
    const wrongFlood = floodCodes.filter((c) => c !== CLOSE_CODES.rate_limited);
    if (floodCodes.length === 0) failures.push('the flooding client was never cut off');
    if (wrongFlood.length > 0) failures.push(`flooding connections closed with ${[...new Set(wrongFlood)].join(', ')} instead of 4029`);
    if (growth > P99_MARGIN)
      failures.push(`the other clients' p99 grew ${Math.round(growth * 100)} % with the hostile clients on (limit ${P99_MARGIN * 100} %)`);
    facts.push(
      `other clients' write → delivery p99: ${before.latency.p99} ms before, **${during.latency.p99} ms with the hostile clients**, ${after.latency.p99} ms after ` +
        `(${growth >= 0 ? '+' : ''}${Math.round(growth * 100)} % against the larger of the quiet phases; p50 ${before.latency.p50} / ${during.latency.p50} / ${after.latency.p50} ms)`,
      `slow consumer: closed by the server (close code 4002 counted in \`tandem_realtime_server_closes_total\`) ${slowCutMs === null ? 'never' : `${(slowCutMs / 1000).toFixed(1)} s`} after it stopped reading; ` +
        `the client, reading again, saw close code ${slowClosedCode ?? 'none'} (a client that does not read cannot see the close frame; the server then cuts the socket)`,
      `flooding client: cut off ${floodCodes.length} times in ${Math.round((hostileTo - hostileFrom) / 1000)} s (it connected again at once each time), close codes ${[...new Set(floodCodes)].join(', ') || 'none'}, the first after ${flood.firstCutMs() ?? '–'} ms`,
      `bulk room: ${BULK_RATE * publishers.length} live cell edits/s of ${BULK_VALUE_BYTES / 1000} kB from two publishers; its well-behaved reader received ${Math.round(readBytes / 1e6)} MB over the scenario`,
    );
    return {
      id: 'hostile-clients',
      title: 'A slow consumer and a flooding client',
      method:
        `The write stream runs for three ${PHASE_MS / 1000} s phases; a separate table room carries ${BULK_RATE * publishers.length} live cell edits/s of ${BULK_VALUE_BYTES / 1000} kB (two publishers, one reader) in all three. ` +
        'In the middle phase a client subscribes to that room and stops reading (its TCP socket paused), and another client sends `ping` frames as fast as it can, ' +
        'connecting again each time it is cut off. The other clients\u2019 write \u2192 delivery p99 in the middle phase is compared with the larger of the two quiet ones.',
      figures,
      recovery: { 'slow consumer stopped reading → closed by the server': slowCutMs, 'flood started → first cut-off': flood.firstCutMs() },
      facts,
      failures,
      durationMs: since(started),
    };
  } finally {
    for (const stop of stops) stop();
    await flood?.stop();
    for (const s of [...publishers, reader]) s.terminate();
  }
}
