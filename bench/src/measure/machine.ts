import { execFileSync } from 'node:child_process';
import { cpus, freemem, hostname, release, totalmem } from 'node:os';

/** The machine and code a run measured, written at the top of every result. */
export interface MachineInfo {
  readonly host: string;
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGb: number;
  readonly freeMemoryGb: number;
  readonly kernel: string;
  readonly node: string;
  readonly commit: string;
  readonly openFileLimit: string;
}

/** Describes this machine (CPU model and count, memory, kernel, Node) and the git commit. */
export function describeMachine(repoRoot: string): MachineInfo {
  const list = cpus();
  const gb = (b: number) => Math.round((b / 1024 ** 3) * 10) / 10;
  return {
    host: hostname(),
    cpu: list[0]?.model ?? 'unknown',
    cores: list.length,
    memoryGb: gb(totalmem()),
    freeMemoryGb: gb(freemem()),
    kernel: release(),
    node: process.version,
    commit: run('git', ['-C', repoRoot, 'rev-parse', '--short', 'HEAD']),
    openFileLimit: run('sh', ['-c', 'ulimit -n']),
  };
}

function run(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}
