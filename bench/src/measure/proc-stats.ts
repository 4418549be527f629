import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc CPU counters (USER_HZ; 100 on every Linux this runs on). */
const TICKS_PER_SECOND = 100;

/** CPU time and memory of one process, read from /proc. */
export interface ProcessSample {
  /** User + system CPU time in milliseconds since the process started. */
  readonly cpuMs: number;
  /** Resident set size in bytes. */
  readonly rssBytes: number;
}

/**
 * Reads `/proc/<pid>/stat` (utime, stime) and `/proc/<pid>/status` (VmRSS). Returns null when
 * the process is gone.
 */
export function sampleProcess(pid: number): ProcessSample | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may contain spaces; fields are counted after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    return { cpuMs: ((utime + stime) * 1000) / TICKS_PER_SECOND, rssBytes: rssKb * 1024 };
  } catch {
    return null;
  }
}

/** Busy and total jiffies of the whole machine, from the first line of `/proc/stat`. */
export interface MachineCpuSample {
  readonly busy: number;
  readonly total: number;
}

/** Reads the machine-wide CPU counters (so a run disturbed by other work on the machine shows). */
export function sampleMachineCpu(): MachineCpuSample {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = (v[3] ?? 0) + (v[4] ?? 0);
  const total = v.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

/** Fraction (0–1) of all cores that were busy between two machine samples. */
export function machineBusy(before: MachineCpuSample, after: MachineCpuSample): number {
  const total = after.total - before.total;
  return total <= 0 ? 0 : (after.busy - before.busy) / total;
}
