import type WebSocket from 'ws';
import { sleep } from '../../generator/connect-queue.ts';
import { callApi } from '../../servers/tandem-fixture.ts';
import { Ledger } from '../ledger.ts';
import { openPlainSocket, requestOn } from '../plain-socket.ts';
import type { ChaosContext, ScenarioResult } from '../scenario.ts';
import { since } from '../scenario.ts';
import { Watcher, waitUntil } from '../watchers.ts';

/** How long the scenario waits for the dead node's users to leave. */
const LEAVE_LIMIT_MS = 150_000;

/**
 * A user present in a room through one plain WebSocket that never reconnects: a browser tab whose
 * connection dies with its node and does not come back.
 */
async function presentOn(url: string, token: string, room: string): Promise<WebSocket> {
  const socket = await openPlainSocket(url, token);
  await requestOn(socket, { type: 'subscribe', room });
  await requestOn(socket, { type: 'presence', room, action: 'viewing' });
  return socket;
}

/**
 * Users present only through the killed node: how long until every client on the other nodes
 * sees them leave (`user_left` applied to the SDK's presence list), and until the other nodes'
 * `GET /presence` no longer lists them.
 */
export async function presenceAfterKill(ctx: ChaosContext): Promise<ScenarioResult> {
  const started = performance.now();
  const { cluster, fixture } = ctx;
  const victim = cluster.nodes[1];
  const survivors = cluster.nodes.filter((n) => n !== victim);
  if (!victim || survivors.length === 0) throw new Error('presence after a kill needs at least two nodes');
  const room = `workspace:${fixture.workspaceId}`;
  // Users 0 and 1 watch from the surviving nodes; users 2 and 3 are present only through the victim.
  const watcherTokens = fixture.tokens.slice(0, 2);
  const doomedTokens = fixture.tokens.slice(2);
  const doomedIds = await Promise.all(doomedTokens.map(async (t) => (await callApi<{ user: { id: string } }>(victim.url, 'GET', '/me', t)).user.id));
  const ledger = new Ledger();
  const watchers = survivors.flatMap((node, i) =>
    [0, 1].map((k) => new Watcher(ledger.client(`presence watcher ${i}.${k}`, node.index), cluster.urls, watcherTokens[k] as string, [{ room, fieldId: '' }])),
  );
  const sockets: WebSocket[] = [];
  try {
    await waitUntil('presence watchers subscribed', 30_000, () => watchers.every((w) => w.ready));
    for (const token of doomedTokens) sockets.push(await presentOn(victim.url, token, room));
    const lists = (w: Watcher, id: string) => w.client.room(room).presence.some((u) => u.user_id === id);
    await waitUntil('doomed users present everywhere', 30_000, () => watchers.every((w) => doomedIds.every((id) => lists(w, id))));
    ctx.log(`    ${doomedIds.length} users present only through node ${victim.index}, seen by ${watchers.length} watchers on the other nodes`);

    const killedAt = performance.now();
    await victim.crash();
    ctx.log(`    node ${victim.index} killed (SIGKILL); waiting for its users to leave (at most ${LEAVE_LIMIT_MS / 1000} s)`);
    let allWatchersMs: number | null = null;
    let restMs: number | null = null;
    const perWatcher: number[] = [];
    const left = new Set<Watcher>();
    // Bounded: polls every 100 ms for at most LEAVE_LIMIT_MS.
    while (performance.now() - killedAt < LEAVE_LIMIT_MS && (allWatchersMs === null || restMs === null)) {
      for (const w of watchers) {
        if (!left.has(w) && doomedIds.every((id) => !lists(w, id))) {
          left.add(w);
          perWatcher.push(since(killedAt));
        }
      }
      if (allWatchersMs === null && left.size === watchers.length) allWatchersMs = since(killedAt);
      if (restMs === null) {
        const listed = await Promise.all(
          survivors.map((n) =>
            callApi<{ users: { user_id: string }[] }>(
              n.url,
              'GET',
              `/presence?resource_type=workspace&resource_id=${fixture.workspaceId}`,
              watcherTokens[0] as string,
            ),
          ),
        );
        if (listed.every((l) => l.users.every((u) => !doomedIds.includes(u.user_id)))) restMs = since(killedAt);
      }
      await sleep(100);
    }
    const failures: string[] = [];
    if (allWatchersMs === null) failures.push(`the dead node's users were still present for some watchers after ${LEAVE_LIMIT_MS / 1000} s`);
    if (restMs === null) failures.push(`GET /presence still listed the dead node's users after ${LEAVE_LIMIT_MS / 1000} s`);
    perWatcher.sort((a, b) => a - b);
    return {
      id: 'presence-after-kill',
      title: 'Presence after a node kill',
      method:
        `${doomedIds.length} users are present in the workspace room only through node ${victim.index} (one WebSocket each that does not reconnect, like a closed tab); ` +
        `${watchers.length} SDK clients of two other users watch the room's presence from the other nodes. Node ${victim.index} gets SIGKILL: nobody tells the others, ` +
        'so its users can only leave when their presence entries expire (TTL two heartbeats, `HEARTBEAT_MS` 30 s by default) and a surviving node sweeps them.',
      figures: null,
      recovery: {
        'kill → left on every watcher': allWatchersMs,
        'kill → left on the first watcher': perWatcher[0] ?? null,
        'kill → gone from GET /presence on every surviving node': restMs,
      },
      facts: [`seconds until each watcher saw them leave: ${perWatcher.map((ms) => (ms / 1000).toFixed(1)).join(', ') || 'none'}`],
      failures,
      durationMs: since(started),
    };
  } finally {
    for (const s of sockets) s.terminate();
    for (const w of watchers) w.close();
  }
}
