/**
 * `npx tsx bench/src/profile-summary.ts <file.cpuprofile> [top] [path-filter]`: the functions a V8
 * CPU profile (from `npm run bench -- --cpu-prof`) spent the most time in, by self time and by
 * total time, with their files, so cost centres can be named without opening a profiler UI. With
 * a path filter (e.g. `packages/server`) only functions from matching files are listed.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** Self and total time per function (µs), keyed by `name (file:line)`. */
export function summarise(profile: CpuProfile, root: string): { self: Map<string, number>; total: Map<string, number>; sampledUs: number } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfUs = new Map<number, number>();
  let sampledUs = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    sampledUs += dt;
    selfUs.set(id, (selfUs.get(id) ?? 0) + dt);
  });
  const label = (n: ProfileNode) => {
    const f = n.callFrame;
    const file = f.url ? relative(root, f.url.replace(/^file:\/\//, '')) : '';
    return `${f.functionName || '(anonymous)'}${file ? ` (${file}:${f.lineNumber + 1})` : ''}`;
  };
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node) continue;
    self.set(label(node), (self.get(label(node)) ?? 0) + us);
    // Count each function once per sample even when it recurses.
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const n = byId.get(cur);
      if (!n) break;
      const key = label(n);
      if (seen.has(key)) continue;
      seen.add(key);
      total.set(key, (total.get(key) ?? 0) + us);
    }
  }
  return { self, total, sampledUs };
}

function main(): void {
  const [file, topArg, filter] = process.argv.slice(2);
  if (!file) {
    console.error('usage: npx tsx bench/src/profile-summary.ts <file.cpuprofile> [top] [path-filter]');
    process.exit(2);
  }
  const top = Number(topArg ?? 25);
  const { self, total, sampledUs } = summarise(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, process.cwd());
  const print = (title: string, map: Map<string, number>) => {
    console.log(`\n${title}`);
    const rows = [...map].filter(([name]) => !filter || name.includes(filter) || name.startsWith('('));
    for (const [name, us] of rows.sort((a, b) => b[1] - a[1]).slice(0, top)) {
      console.log(`${((us / sampledUs) * 100).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(7)} ms  ${name}`);
    }
  };
  console.log(`${file}: ${(sampledUs / 1e6).toFixed(1)} s sampled`);
  print('self time', self);
  print('total time (inclusive)', total);
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop() ?? '')) main();
