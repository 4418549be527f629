/**
 * Combines concurrent writes into shared transactions. Writes submitted in the same event-loop
 * turn start together as one batch; while `maxRunning` batches are in flight, new writes wait and
 * the next batch takes every write that waited. Idle, a batch holds the one write that arrived,
 * so nothing waits; under load the batches grow with the load, and the statements, round trips
 * and commits a write costs are shared by the batch.
 *
 * Two writes with the same key (the same record) never share a batch: the later one waits for a
 * batch of its own, so it sees the earlier one's result.
 */
export class WriteCombiner<T> {
  readonly #waiting: T[] = [];
  #running = 0;
  #scheduled = false;

  /**
   * @param runBatch runs one batch; must settle every write it was given and must not reject
   * @param keyOf writes with the same key go to different batches
   */
  constructor(
    private readonly runBatch: (batch: readonly T[]) => Promise<void>,
    private readonly keyOf: (write: T) => string,
    private readonly maxRunning: number,
    private readonly maxBatch: number,
  ) {}

  /** Queues a write; it starts at the end of this turn at the latest, or when a running batch ends. */
  submit(write: T): void {
    this.#waiting.push(write);
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.#drain();
    });
  }

  /** Writes waiting for a batch. */
  get waiting(): number {
    return this.#waiting.length;
  }

  #drain(): void {
    while (this.#running < this.maxRunning && this.#waiting.length > 0) {
      const batch = this.#take();
      this.#running++;
      void this.runBatch(batch).finally(() => {
        this.#running--;
        this.#drain();
      });
    }
  }

  /** The oldest waiting writes, up to `maxBatch`, at most one per key; the rest keep their order. */
  #take(): T[] {
    const batch: T[] = [];
    const keys = new Set<string>();
    const rest: T[] = [];
    for (const write of this.#waiting) {
      const key = this.keyOf(write);
      if (batch.length < this.maxBatch && !keys.has(key)) {
        keys.add(key);
        batch.push(write);
      } else rest.push(write);
    }
    this.#waiting.splice(0, this.#waiting.length, ...rest);
    return batch;
  }
}
