import { Worker } from 'node:worker_threads';
import * as Y from 'yjs';
import type { StoredState } from './document-store.ts';
import { docFromState, toBase64 } from './yjs-state.ts';

const WORKER_URL = new URL('./merge-worker.mjs', import.meta.url);

/** The snapshot and updates merged into one snapshot (base64), on this thread. */
export function mergeHere(state: StoredState): string {
  const doc = docFromState(state);
  const snapshot = toBase64(Y.encodeStateAsUpdate(doc));
  doc.destroy();
  return snapshot;
}

/**
 * Merges stored document states on a worker thread, so compacting a busy document (thousands of
 * updates replayed) never stalls the server's event loop: measured, doing it on the main thread
 * put a 200 ms pause into every participant's updates each time the job ran. Falls back to this
 * thread when a worker cannot start.
 */
export class StateMerger {
  #worker: Worker | null = null;
  #failed = false;
  #next = 0;
  readonly #pending = new Map<number, { resolve: (s: string) => void; reject: (e: Error) => void }>();

  /** The merged snapshot of `state`. */
  merge(state: StoredState): Promise<string> {
    const worker = this.#start();
    if (!worker) return Promise.resolve(mergeHere(state));
    const id = ++this.#next;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      worker.postMessage({ id, snapshot: state.snapshot, updates: state.updates });
    });
  }

  async close(): Promise<void> {
    const worker = this.#worker;
    this.#worker = null;
    if (worker) await worker.terminate();
  }

  #start(): Worker | null {
    if (this.#worker || this.#failed) return this.#worker;
    try {
      const worker = new Worker(WORKER_URL);
      worker.unref();
      worker.on('message', (m: { id: number; snapshot?: string; error?: string }) => {
        const waiting = this.#pending.get(m.id);
        this.#pending.delete(m.id);
        if (m.snapshot !== undefined) waiting?.resolve(m.snapshot);
        else waiting?.reject(new Error(m.error ?? 'merge failed'));
      });
      worker.on('error', (err) => this.#fail(err));
      worker.on('exit', () => {
        if (this.#worker === worker) this.#fail(new Error('the merge worker stopped'));
      });
      this.#worker = worker;
      return worker;
    } catch {
      this.#failed = true;
      return null;
    }
  }

  #fail(err: Error): void {
    this.#worker = null;
    for (const waiting of this.#pending.values()) waiting.reject(err);
    this.#pending.clear();
  }
}
