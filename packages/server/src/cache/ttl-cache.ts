/**
 * A bounded map whose entries expire. Used to keep hot, rarely changing facts (who a session
 * belongs to, a member's role, which workspace a record is in) off the database on every request.
 * Callers invalidate entries when the fact changes; the time limit bounds how long a change made
 * on another node, whose invalidation did not arrive, can go unseen.
 */
export class TtlCache<K, V> {
  readonly #entries = new Map<K, { value: V; until: number }>();
  /** Counts invalidations, so a value read before one is not stored after it. */
  #generation = 0;

  /**
   * @param ttlMs how long an entry stays valid
   * @param maxEntries size bound; the oldest entries go first when it is reached
   * @param now clock, injectable for tests
   */
  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The value, or undefined when absent or expired. */
  get(key: K): V | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.until <= this.now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  /**
   * A mark to pass to {@link TtlCache.set} for a value about to be read from the source: if
   * anything is invalidated meanwhile, the value may be older than the invalidation and is not kept.
   */
  stamp(): number {
    return this.#generation;
  }

  /**
   * Stores a value for at most the cache's TTL (or until `until`, when that is sooner); with a
   * `stamp`, only when nothing was invalidated since it was taken.
   */
  set(key: K, value: V, until?: number, stamp?: number): void {
    if (this.ttlMs === 0 || (stamp !== undefined && stamp !== this.#generation)) return;
    const limit = this.now() + this.ttlMs;
    this.#entries.delete(key);
    if (this.#entries.size >= this.maxEntries) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    this.#entries.set(key, { value, until: until === undefined ? limit : Math.min(limit, until) });
  }

  delete(key: K): void {
    this.#generation++;
    this.#entries.delete(key);
  }

  /** Removes every entry whose value matches. */
  deleteWhere(match: (value: V, key: K) => boolean): void {
    this.#generation++;
    for (const [key, entry] of this.#entries) if (match(entry.value, key)) this.#entries.delete(key);
  }

  clear(): void {
    this.#generation++;
    this.#entries.clear();
  }

  get size(): number {
    return this.#entries.size;
  }
}
