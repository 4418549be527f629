import type { TargetKind } from '../generator/messages.ts';
import { type Deployment, type DeployOptions, deploy } from './deploy.ts';

/**
 * Keeps each kind of deployment (server, node count, storage) running across workloads, so a
 * run starts Tandem a handful of times instead of once per workload (a start costs seconds on a
 * busy two-core machine). Every workload still gets its own users, workspace and rooms, and
 * closes all its connections before the next one starts.
 */
export class DeploymentCache {
  readonly #running = new Map<string, Deployment>();

  constructor(private readonly repoRoot: string) {}

  /** A running deployment of this kind: the cached one if it is still healthy, else a new one. */
  async acquire(target: TargetKind, options: DeployOptions): Promise<Deployment> {
    const key = kindOf(target, options);
    const cached = this.#running.get(key);
    if (cached && (await healthy(cached))) return cached;
    if (cached) await cached.stop();
    const fresh = await deploy(target, this.repoRoot, { ...options, label: options.label ?? key.replaceAll('|', '-') });
    this.#running.set(key, fresh);
    return fresh;
  }

  /**
   * Stops the deployment of this kind now, if one runs: for a workload comparing deployments by
   * small differences, where an idle server left running beside the measured one would count.
   */
  async stop(target: TargetKind, options: DeployOptions): Promise<void> {
    const key = kindOf(target, options);
    const running = this.#running.get(key);
    this.#running.delete(key);
    await running?.stop();
  }

  /** Stops every deployment. */
  async stopAll(): Promise<void> {
    const all = [...this.#running.values()];
    this.#running.clear();
    await Promise.all(all.map((d) => d.stop()));
  }
}

/** What tells deployments apart: server, node count, storage and (Tandem) the extra environment. */
function kindOf(target: TargetKind, options: DeployOptions): string {
  if (target !== 'tandem') return `${target}|${options.nodes ?? 1}|`;
  const database = (options.nodes ?? 1) === 2 ? 'postgres' : (options.database ?? 'pglite');
  const env = Object.entries(options.env ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  return `${target}|${options.nodes ?? 1}|${database}${env ? `|${env}` : ''}`;
}

async function healthy(deployment: Deployment): Promise<boolean> {
  if (deployment.nodes.some((n) => n.sample() === null)) return false;
  if (deployment.target !== 'tandem') return true;
  try {
    const answers = await Promise.all(deployment.nodes.map((n) => fetch(`${n.url}/healthz`, { signal: AbortSignal.timeout(10_000) })));
    return answers.every((r) => r.ok);
  } catch {
    return false;
  }
}
