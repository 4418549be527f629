/** What a database reports to the operations dashboard each second. */
export interface DatabaseStats {
  /** Connections checked out, and callers waiting for one (PGlite: both 0). */
  readonly poolInUse: number;
  readonly poolWaiting: number;
  /** Durations of the statements run outside transactions since the last call, in ms (at most 10,000). */
  readonly queryMs: readonly number[];
}

const MAX_SAMPLES = 10_000;

/** Collects statement durations between two reads. */
export class QueryTimer {
  #samples: number[] = [];

  /** Runs `run` and records how long it took (also when it fails). */
  async time<T>(run: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await run();
    } finally {
      if (this.#samples.length < MAX_SAMPLES) this.#samples.push(performance.now() - started);
    }
  }

  /** The durations since the previous call. */
  take(): number[] {
    const samples = this.#samples;
    this.#samples = [];
    return samples;
  }
}
