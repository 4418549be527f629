import type { TargetKind } from '../generator/messages.ts';
import type { LatencySummary } from '../measure/histogram.ts';
import type { MachineInfo } from '../measure/machine.ts';
import type { PgWaits } from '../measure/pg-waits.ts';

/** One measured step: a server, a publish rate, what was delivered and what it cost. */
export interface StepResult {
  readonly target: TargetKind;
  /** What ran (e.g. `Tandem (PGlite)`). */
  readonly server: string;
  readonly step: string;
  /** Messages (or writes) per second asked of the publisher. */
  readonly publishRate: number;
  readonly sent: number;
  readonly expected: number;
  readonly received: number;
  /** Expected minus received (negative: duplicates). */
  readonly lost: number;
  readonly deliveredPerSec: number;
  /** Publish to receive, every node together. */
  readonly latency: LatencySummary;
  /** The same per server node the receiving client was attached to. */
  readonly latencyByNode: readonly LatencySummary[];
  /** Server CPU milliseconds per 1,000 deliveries (all nodes). */
  readonly serverCpuPer1k: number | null;
  /** Server CPU in % of one core over the step (all nodes). */
  readonly serverCpuPct: number;
  readonly serverRssMb: number;
  /** Busiest load-generator process, in % of one core. */
  readonly generatorCpuPct: number;
  /** True when a generator process was at ≥ 90 % of a core: the numbers then measure the generator. */
  readonly generatorSaturated: boolean;
  /** Whole machine busy % over the step (other work on the machine shows here). */
  readonly machineBusyPct: number;
  /** REST writes (record path only). */
  readonly writes: { readonly achievedPerSec: number; readonly failed: number; readonly latency: LatencySummary } | null;
  /** What Tandem's PostgreSQL sessions were doing on average (PostgreSQL deployments only). */
  readonly pgWaits: PgWaits | null;
  readonly errors: readonly string[];
}

/** A table for the markdown report. */
export interface ResultTable {
  readonly title: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly (string | number)[])[];
}

/** What one workload produced. */
export interface WorkloadResult {
  readonly id: WorkloadId;
  readonly title: string;
  /** How it was measured, including which Tandem path carried the messages. */
  readonly method: string;
  readonly tables: readonly ResultTable[];
  /** Typed data the target checks read. */
  readonly data: Record<string, unknown>;
  /** Failures that stopped part of the workload. */
  readonly failures: readonly string[];
}

/** The workloads of issue 6, and (`operations`) what the operations features of issue 16 cost. */
export const WORKLOAD_IDS = ['fanout', 'rooms', 'idle', 'record', 'two-nodes', 'storm', 'operations'] as const;
/** A workload name as `--only=` takes it. */
export type WorkloadId = (typeof WORKLOAD_IDS)[number];

/** One target of the issue, checked as a ratio or a threshold. */
export interface TargetCheck {
  readonly target: string;
  readonly measured: string;
  readonly pass: boolean | null;
}

/** A whole run, as written to `bench/results/*.json`. */
export interface RunResult {
  readonly profile: string;
  readonly command: string;
  readonly startedAt: string;
  readonly durationSec: number;
  readonly machine: MachineInfo;
  readonly workloads: readonly WorkloadResult[];
  readonly targets: readonly TargetCheck[];
}
