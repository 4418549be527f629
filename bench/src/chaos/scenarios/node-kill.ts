import { brokenGuarantees, type ChaosContext, hold, missingFacts, type ScenarioResult, since, startStream } from '../scenario.ts';

/**
 * SIGKILL of a node in the middle of the write stream: its watchers reconnect to another node and
 * resume from their last seq, its writers move on; the node is started again while writes continue.
 */
export async function nodeKill(ctx: ChaosContext): Promise<ScenarioResult> {
  const started = performance.now();
  const victim = ctx.cluster.nodes[1];
  if (!victim) throw new Error('node kill needs at least two nodes');
  const stream = await startStream(ctx);
  const onVictim = stream.watchers.filter((w) => w.choice.index === victim.index);
  await hold(ctx, 3000, 'writing');
  const killedAt = performance.now();
  await victim.crash();
  ctx.log(`    node ${victim.index} killed (SIGKILL), ${onVictim.length} watchers were on it`);
  await hold(ctx, 5000, 'writing with the node down');
  const restartAt = performance.now();
  await victim.up();
  const restartMs = since(restartAt);
  ctx.log(`    node ${victim.index} up again in ${restartMs} ms`);
  await hold(ctx, 3000, 'writing');
  const { figures, drainedMs, missingWrites } = await stream.finish();
  const moved = onVictim.filter((w) => w.choice.index !== victim.index).length;
  return {
    id: 'node-kill',
    title: 'SIGKILL of a node mid-stream, and its restart',
    method:
      `Writers through every node and ${stream.watchers.length} SDK watchers on every node; after 3 s node ${victim.index} gets SIGKILL ` +
      '(no close frames, no clean-up); its watchers reconnect to the next node and resubscribe with `since`, its writers move on; 5 s later it is started again at the same port.',
    figures,
    recovery: {
      'all watchers live again after the kill': stream.ledger.deliveryResumedAfter(killedAt),
      'writes acknowledged again after the kill': stream.ledger.writesResumedAfter(killedAt),
      'node restart to /healthz': restartMs,
      'drain after the last write': drainedMs,
    },
    facts: [
      `${moved} of ${onVictim.length} watchers of the killed node were resubscribed on another node; the node was killed ${((killedAt - stream.startedAt) / 1000).toFixed(2)} s into the scenario`,
      ...missingFacts(missingWrites),
    ],
    failures: brokenGuarantees(figures),
    durationMs: since(started),
  };
}
