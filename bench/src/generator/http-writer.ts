import { Agent, request } from 'node:http';
import { Histogram } from '../measure/histogram.ts';
import { clockMs, encodeMarker } from '../measure/stamp.ts';
import { sleep } from './connect-queue.ts';
import type { HttpPublishPlan, PublishResult } from './messages.ts';

/**
 * The writer's HTTP connections by server URL, kept from one step to the next as any client keeps
 * its keep-alive connections. Opened anew for every step, the step's first writes also measured
 * connection setup on a busy server: at 1,000 writes/s a write that opened a connection took
 * 40–60 ms where one on a kept connection took 15–25 ms, a burst of slow writes at every step's
 * start.
 */
const agents = new Map<string, Agent>();

function agentFor(plan: HttpPublishPlan): Agent {
  let agent = agents.get(plan.baseUrl);
  if (!agent) {
    agent = new Agent({ keepAlive: true, maxSockets: plan.maxInFlight });
    agents.set(plan.baseUrl, agent);
  }
  return agent;
}

/** Closes the writer's kept connections (when a workload closes its connections). */
export function closeHttpAgents(): void {
  for (const agent of agents.values()) agent.destroy();
  agents.clear();
}

/**
 * Writes records through the real REST path at a fixed rate (open loop): write `k` is due at
 * `k / rate` seconds; it waits only when `maxInFlight` requests are outstanding, so a server that
 * cannot keep up shows as a lower achieved rate. The stamp is taken just before each request is
 * sent, so the latency subscribers record is write-to-delivery.
 */
export async function publishByHttp(plan: HttpPublishPlan, phase: number, nextMsgno: () => number): Promise<PublishResult> {
  const agent = agentFor(plan);
  const url = new URL(plan.baseUrl);
  const total = Math.round((plan.rate * plan.durationMs) / 1000);
  const latency = new Histogram();
  const errors: string[] = [];
  let issued = 0;
  let inFlight = 0;
  let sent = 0;
  let failed = 0;
  let lastIssued = 0;
  const started = clockMs();
  // No new write is issued past this; a server that fell behind shows as a lower achieved rate.
  const issueUntil = started + plan.durationMs * 1.5 + 1000;
  // Writes already sent are awaited until this (bounded), so every write is counted once.
  const deadline = issueUntil + 60_000;

  const write = (k: number) => {
    const recordId = plan.recordIds[k % plan.recordIds.length];
    const stamp = clockMs();
    lastIssued = stamp;
    const body = JSON.stringify({ values: { [plan.fieldId]: encodeMarker(phase, nextMsgno(), stamp) } });
    inFlight++;
    const req = request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        method: 'PATCH',
        path: `/api/v1/records/${recordId}`,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: `Bearer ${plan.token}` },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          inFlight--;
          latency.recordMillis(clockMs() - stamp);
          if ((res.statusCode ?? 0) < 300) sent++;
          else {
            failed++;
            if (errors.length < 5) errors.push(`HTTP ${res.statusCode}: ${Buffer.concat(chunks).toString().slice(0, 200)}`);
          }
        });
      },
    );
    req.on('error', (err) => {
      inFlight--;
      failed++;
      if (errors.length < 5) errors.push(err.message);
    });
    req.end(body);
  };

  while (issued < total && clockMs() < issueUntil) {
    const due = Math.min(total, Math.floor(((clockMs() - started) * plan.rate) / 1000) + 1);
    while (issued < due && inFlight < plan.maxInFlight) write(issued++);
    await sleep(1);
  }
  while (inFlight > 0 && clockMs() < deadline) await sleep(5);
  if (inFlight > 0 && errors.length < 5) errors.push(`${inFlight} writes unanswered after 60 s`);
  return { sent, failed: failed + inFlight, errors, writeLatency: latency.toJSON(), issuedMs: lastIssued - started, elapsedMs: clockMs() - started };
}
