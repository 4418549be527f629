import type { ChaosContext, ScenarioResult } from '../scenario.ts';
import { postgresRestart, redisKill, redisStall } from './dependency-faults.ts';
import { hostileClients } from './hostile-clients.ts';
import { nodeKill } from './node-kill.ts';
import { presenceAfterKill } from './presence-after-kill.ts';
import { reconnectStorm } from './reconnect-storm.ts';

/** A scenario: its title, its time limit and how it runs. */
export interface Scenario {
  readonly title: string;
  /** The scenario is abandoned (and reported as failed) past this. */
  readonly limitMs: number;
  run(ctx: ChaosContext): Promise<ScenarioResult>;
}

/** Every scenario, in the order a full run takes them. */
export const SCENARIOS = {
  'node-kill': { title: 'SIGKILL of a node mid-stream, and its restart', limitMs: 90_000, run: nodeKill },
  'presence-after-kill': { title: 'Presence after a node kill', limitMs: 200_000, run: presenceAfterKill },
  'redis-kill': { title: 'Redis killed and restarted', limitMs: 90_000, run: redisKill },
  'redis-stall': { title: 'Redis stalled (a paused process)', limitMs: 90_000, run: redisStall },
  'postgres-restart': { title: 'PostgreSQL restarted', limitMs: 90_000, run: postgresRestart },
  'hostile-clients': { title: 'A slow consumer and a flooding client', limitMs: 120_000, run: hostileClients },
  'reconnect-storm': { title: 'Reconnect storm across the nodes', limitMs: 420_000, run: reconnectStorm },
} satisfies Record<string, Scenario>;

/** A scenario's id. */
export type ScenarioId = keyof typeof SCENARIOS;
