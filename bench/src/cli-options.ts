import type { TargetKind } from './generator/messages.ts';
import { PROFILES, type Profile } from './profiles.ts';
import { WORKLOAD_IDS, type WorkloadId } from './report/results.ts';

/** What `npm run bench -- …` asked for. */
export interface CliOptions {
  readonly profile: Profile;
  readonly workloads: readonly WorkloadId[];
  readonly targets: readonly TargetKind[];
  /** Run Tandem under `--cpu-prof` and keep the profiles under bench/results/profiles. */
  readonly cpuProfile: boolean;
  /** Rewrite the results section of docs/benchmarks.md (default: only for `--full`). */
  readonly updateDocs: boolean;
}

/** Usage text printed for `--help` and for a bad option. */
export const USAGE = `npm run bench -- [--quick | --full | --smoke] [--only=<workload>[,<workload>…]] [--targets=tandem,socketio,ws] [--cpu-prof] [--update-docs] [--render=<json>]

  --quick         reduced counts and short steps, under 7 minutes (default)
  --full          the issue's full counts, under 30 minutes; updates docs/benchmarks.md
  --smoke         seconds-long run with a few hundred connections, for checking the harness
  --only=         workloads: ${WORKLOAD_IDS.join(', ')}
  --targets=      servers to run (default: tandem,socketio,ws)
  --cpu-prof      run Tandem with node --cpu-prof; profiles go to bench/results/profiles
  --update-docs   write the results table into docs/benchmarks.md even without --full
  --render=<json> re-render a recorded run's markdown (and, with --update-docs, the docs) without measuring`;

const TARGETS: readonly TargetKind[] = ['tandem', 'socketio', 'ws'];

/** Parses the command line; throws with {@link USAGE} on anything unknown. */
export function parseCli(argv: readonly string[]): CliOptions {
  let profile: Profile = PROFILES.quick;
  let workloads: WorkloadId[] = [...WORKLOAD_IDS];
  let targets: TargetKind[] = [...TARGETS];
  let cpuProfile = false;
  let updateDocs: boolean | null = null;
  for (const arg of argv) {
    const [flag, value] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, ''];
    if (flag === '--quick') profile = PROFILES.quick;
    else if (flag === '--full') profile = PROFILES.full;
    else if (flag === '--smoke') profile = PROFILES.smoke;
    else if (flag === '--cpu-prof') cpuProfile = true;
    else if (flag === '--update-docs') updateDocs = true;
    else if (flag === '--only') workloads = listOf(value, WORKLOAD_IDS, '--only');
    else if (flag === '--targets') targets = listOf(value, TARGETS, '--targets');
    else throw new Error(`Unknown option ${arg}\n\n${USAGE}`);
  }
  return { profile, workloads, targets, cpuProfile, updateDocs: updateDocs ?? profile.name === 'full' };
}

function listOf<T extends string>(value: string, allowed: readonly T[], flag: string): T[] {
  const items = value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
  const bad = items.filter((v) => !allowed.includes(v as T));
  if (items.length === 0 || bad.length) throw new Error(`${flag} takes ${allowed.join(', ')}; got ${value || 'nothing'}\n\n${USAGE}`);
  // Keep the canonical order so results always read the same way.
  return allowed.filter((a) => items.includes(a));
}
