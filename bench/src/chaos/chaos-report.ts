import type { MachineInfo } from '../measure/machine.ts';
import type { ScenarioResult } from './scenario.ts';

/** One run of the suite, as recorded. */
export interface ChaosRun {
  readonly command: string;
  readonly startedAt: string;
  readonly durationSec: number;
  readonly machine: MachineInfo;
  readonly nodes: number;
  readonly postgres: string;
  readonly scenarios: readonly ScenarioResult[];
}

const GUARANTEES = `## Guarantees

What Tandem promises when a part of a cluster fails, and what the suite checks in every scenario:

- **Nothing acknowledged is lost.** A write answered 2xx is committed in PostgreSQL, and its durable event
  reaches every client subscribed to its room, on every node, exactly once and in \`seq\` order — across a
  node's SIGKILL, a Redis kill or stall and a PostgreSQL restart. A client that was disconnected resumes with
  \`since\` and is replayed what it missed from the node's memory or the event log (\`resync\` only when
  \`since\` is older than the retained history).
- **Failed writes say so.** While PostgreSQL is unreachable a write answers \`503\` with
  \`{"error": {"code": "unavailable", …}}\` (retryable); once PostgreSQL is back the same server process
  serves writes again without a restart. A write whose answer was lost with a killed node may still have
  committed: its event is delivered like any other ("delivered, not acknowledged").
- **Hostile or broken clients are cut off alone.** A client that stops reading is closed as a slow consumer
  (\`4002\`, send buffer past \`WS_SEND_BUFFER_BYTES\`); one that floods is closed with \`4029\`
  (\`WS_MESSAGES_PER_SECOND\`, burst twice that). Other clients' delivery latency is not affected beyond noise.
- **Presence follows connections.** A user whose connections died with a node leaves every other node's
  presence within the presence TTL (two heartbeats, 60 s at the default \`HEARTBEAT_MS\`) plus the sweep.

What it does not promise: an event written while a client was subscribed nowhere is delivered only if the
client resumes within the retained history (\`EVENT_HISTORY_COUNT\`, \`EVENT_HISTORY_HOURS\`); ephemeral
signals (cursors, typing, cell edits) are not replayed.`;

function figuresTable(results: readonly ScenarioResult[]): string {
  const rows = results
    .filter((r) => r.figures)
    .map((r) => {
      const f = r.figures as NonNullable<ScenarioResult['figures']>;
      const failures =
        Object.entries(f.failures)
          .map(([k, n]) => `${k}: ${n}`)
          .join(', ') || 'none';
      return `| ${r.id} | ${f.acked} | ${failures} | ${f.delivered} | ${f.missing} | ${f.duplicated} / ${f.wireDuplicated} | ${f.outOfOrder} / ${f.wireOutOfOrder} | ${f.wireGaps} | ${f.resyncs} | ${f.deliveredUnacked} | ${f.latency.p50} / ${f.latency.p99} / ${f.latency.max} |`;
    });
  return [
    '| scenario | writes acknowledged | writes failed (status code: n) | events delivered | missing | duplicated (app / wire) | out of order (app / wire) | wire gaps resumed | resyncs | delivered, not acknowledged | write → delivery p50 / p99 / max ms |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

function recoveryTable(results: readonly ScenarioResult[]): string {
  const rows = results.flatMap((r) => Object.entries(r.recovery).map(([what, ms]) => `| ${r.id} | ${what} | ${ms === null ? 'did not recover' : ms} |`));
  return ['| scenario | recovery | ms |', '|---|---|---|', ...rows].join('\n');
}

function verdict(r: ScenarioResult): string {
  return r.failures.length === 0 ? 'held' : `**broken**: ${r.failures.join('; ')}`;
}

/** docs/reliability.md for a run. */
export function reliabilityMarkdown(run: ChaosRun): string {
  const m = run.machine;
  const sections = run.scenarios.map((r) =>
    [`### ${r.title} (\`${r.id}\`)`, '', r.method, '', `Verdict: ${verdict(r)}.`, ...(r.facts.length ? ['', ...r.facts.map((f) => `- ${f}`)] : [])].join('\n'),
  );
  return `# Reliability

How Tandem behaves when parts of a cluster fail, measured by \`npm run chaos\` (bench/src/chaos). The suite
starts its own PostgreSQL cluster (\`initdb\`/\`pg_ctl\` in a temporary directory), its own \`redis-server\` on a
free port and ${run.nodes} Tandem nodes on them, all on 127.0.0.1, so it can kill and restart each of them
without touching anything else on the machine. Clients are the real SDK (\`@tandem/client\` over WebSocket);
each has the list of nodes and moves to the next one when its node refuses a connection, as a client behind
several addresses would. Writers send \`PATCH /api/v1/records/{id}\` through every node (one writer per record,
one request in flight each), and a ledger keeps every acknowledged write and every event each client's app
received, and what came off each client's socket before the SDK's own duplicate and gap checks.

${GUARANTEES}

## Last run

${run.startedAt.slice(0, 10)}, \`${run.command}\`, ${run.durationSec} s, commit ${m.commit}. Machine: ${m.cpu}, ${m.cores} cores
(shared with other work), ${m.memoryGb} GB, Linux ${m.kernel}, Node ${m.node}, PostgreSQL ${run.postgres}. Nodes run
with production defaults except what a load test needs (\`LOGIN_RATE_LIMIT\`, \`WS_MAX_CONNECTIONS_PER_USER\`,
\`DATABASE_POOL_SIZE=8\`, \`DEMO_DATA=false\`).

| scenario | verdict | duration s |
|---|---|---|
${run.scenarios.map((r) => `| ${r.id} | ${verdict(r)} | ${Math.round(r.durationMs / 1000)} |`).join('\n')}

### Writes and deliveries

"Missing" counts (acknowledged write, subscribed client) pairs whose event never reached the app; "wire"
columns count what the server sent before the SDK's checks; a wire gap is a jump in \`seq\` that the SDK
answered by resubscribing from its last seq (not a loss: the missing column shows whether the replay filled it).

${figuresTable(run.scenarios)}

### Recovery

${recoveryTable(run.scenarios)}

## Scenarios

${sections.join('\n\n')}
`.replace(/\n{3,}/g, '\n\n');
}
