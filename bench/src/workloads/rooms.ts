import type { PublishResult } from '../generator/messages.ts';
import type { StepResult, WorkloadResult } from '../report/results.ts';
import { measurePhase, nextPhase } from './phase.ts';
import { stepTable } from './step-table.ts';
import { connectSpread, forEachTarget, prepareTarget, requireConnected, TANDEM_RELAY_TYPES, type WorkloadContext } from './workload-context.ts';

/** (b) Many rooms: small rooms where every member publishes and every other member receives. */
export async function runRooms(ctx: WorkloadContext): Promise<WorkloadResult> {
  const p = ctx.profile.rooms;
  const total = p.rooms * p.members;
  const failures: string[] = [];
  const steps: StepResult[] = [];
  await forEachTarget(ctx, failures, async (target) => {
    const prepared = await prepareTarget(ctx, target, { rooms: p.rooms, kind: 'record' });
    try {
      const urls = prepared.deployment.nodes.map((n) => n.url);
      const members = await connectSpread(
        ctx.pool,
        {
          name: 'subs',
          target,
          urls,
          tokens: prepared.tokens,
          rooms: prepared.rooms,
          membersPerRoom: p.members,
          subscribe: true,
          concurrency: 100,
          timeoutMs: 30_000,
          countTypes: TANDEM_RELAY_TYPES,
        },
        total,
      );
      requireConnected(`${target} members`, members, total);
      ctx.log(`  ${prepared.deployment.description}: ${members.opened} members in ${p.rooms} rooms in ${members.elapsedMs} ms`);
      for (const perMember of p.ratesPerMember) {
        const phase = nextPhase();
        const step = await measurePhase({
          pool: ctx.pool,
          deployment: prepared.deployment,
          phase,
          step: `${perMember} msg/s per member (${Math.round(perMember * total)} msg/s)`,
          publishRate: perMember * total,
          durationMs: ctx.profile.stepMs,
          // Every member publishes from the process that holds it.
          publish: () =>
            Promise.all(
              ctx.pool.subscribers.map((w, i) =>
                w.send<PublishResult>({
                  cmd: 'publish',
                  phase,
                  plan: { kind: 'socket', group: 'subs', rate: perMember * (members.perWorker[i] ?? 0), durationMs: ctx.profile.stepMs },
                }),
              ),
            ),
          recipientsPerMessage: p.members - 1,
          drainMs: ctx.profile.drainMs,
        });
        steps.push(step);
        ctx.log(`    ${step.step}: ${step.deliveredPerSec}/s delivered, p50 ${step.latency.p50} p99 ${step.latency.p99} ms, lost ${step.lost}`);
      }
    } finally {
      await prepared.release();
    }
  });
  return {
    id: 'rooms',
    title: '(b) Many rooms',
    method:
      `${p.rooms} rooms of ${p.members} members (${total} connections); every member publishes into its room at the stepped rate and the other ${p.members - 1} members receive. ` +
      'Tandem path: `user_cursor` (the ephemeral relay; each room is a `record:{id}` room the member subscribed to, authorised like reading the record); ' +
      'Socket.IO: `socket.to(room).emit`; bare ws: the same string to the other members.',
    tables: [stepTable(`Many rooms: ${p.rooms} × ${p.members}`, steps)],
    data: { steps },
    failures,
  };
}
