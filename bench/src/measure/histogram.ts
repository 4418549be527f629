/**
 * A log-linear latency histogram in microseconds: exact below 128 µs, then 64 sub-buckets per
 * power of two (about 1.6 % relative error), up to 2^31 µs (35 minutes). Fixed size, so workers
 * can record millions of samples without allocating, and mergeable, so the orchestrator can add
 * the histograms of every worker process.
 */
export class Histogram {
  /** Number of buckets: 128 exact ones, then 24 octaves of 64. */
  static readonly BUCKETS = 128 + 24 * 64;
  private readonly counts = new Float64Array(Histogram.BUCKETS);
  private total = 0;
  private sum = 0;
  private maximum = 0;
  private minimum = Number.POSITIVE_INFINITY;

  /** Records one value in microseconds (negative values count as 0, huge ones are capped). */
  record(micros: number): void {
    const v = Math.min(Math.max(0, Math.round(micros)), 2 ** 31 - 1);
    const i = bucketOf(v);
    this.counts[i] = (this.counts[i] ?? 0) + 1;
    this.total += 1;
    this.sum += v;
    if (v > this.maximum) this.maximum = v;
    if (v < this.minimum) this.minimum = v;
  }

  /** Records a value given in milliseconds. */
  recordMillis(ms: number): void {
    this.record(ms * 1000);
  }

  /** Number of recorded values. */
  get count(): number {
    return this.total;
  }

  /** Largest recorded value in microseconds (exact), 0 when empty. */
  get max(): number {
    return this.maximum;
  }

  /** Smallest recorded value in microseconds (exact), 0 when empty. */
  get min(): number {
    return this.total === 0 ? 0 : this.minimum;
  }

  /** Mean in microseconds, 0 when empty. */
  get mean(): number {
    return this.total === 0 ? 0 : this.sum / this.total;
  }

  /**
   * The value at percentile `p` (0–100) in microseconds: the upper edge of the bucket holding
   * that rank, never above the exact maximum, so percentiles are never flattering.
   */
  percentile(p: number): number {
    if (this.total === 0) return 0;
    const rank = Math.max(1, Math.ceil((p / 100) * this.total));
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i] ?? 0;
      if (seen >= rank) return Math.min(upperEdgeOf(i), this.maximum);
    }
    return this.maximum;
  }

  /** Adds every value of `other` to this histogram. */
  merge(other: Histogram | SerializedHistogram): this {
    const h = other instanceof Histogram ? other.toJSON() : other;
    for (const [i, c] of h.buckets) this.counts[i] = (this.counts[i] ?? 0) + c;
    this.total += h.count;
    this.sum += h.sum;
    if (h.count > 0) {
      this.maximum = Math.max(this.maximum, h.max);
      this.minimum = Math.min(this.minimum, h.min);
    }
    return this;
  }

  /** Forgets every value. */
  reset(): void {
    this.counts.fill(0);
    this.total = 0;
    this.sum = 0;
    this.maximum = 0;
    this.minimum = Number.POSITIVE_INFINITY;
  }

  /** A compact form (non-empty buckets only) that crosses process boundaries as JSON. */
  toJSON(): SerializedHistogram {
    const buckets: [number, number][] = [];
    for (let i = 0; i < this.counts.length; i++) {
      const c = this.counts[i] ?? 0;
      if (c > 0) buckets.push([i, c]);
    }
    return { count: this.total, sum: this.sum, min: this.min, max: this.maximum, buckets };
  }

  /** Rebuilds a histogram from {@link toJSON} output. */
  static from(serialized: SerializedHistogram): Histogram {
    return new Histogram().merge(serialized);
  }

  /** The usual summary in milliseconds. */
  summary(): LatencySummary {
    const ms = (us: number) => Math.round(us) / 1000;
    return {
      count: this.total,
      p50: ms(this.percentile(50)),
      p95: ms(this.percentile(95)),
      p99: ms(this.percentile(99)),
      max: ms(this.maximum),
      mean: ms(this.mean),
    };
  }
}

/** Latency percentiles in milliseconds. */
export interface LatencySummary {
  readonly count: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

/** The JSON form of a {@link Histogram}: totals and `[bucket, count]` pairs. */
export interface SerializedHistogram {
  readonly count: number;
  readonly sum: number;
  readonly min: number;
  readonly max: number;
  readonly buckets: readonly (readonly [number, number])[];
}

function bucketOf(v: number): number {
  if (v < 128) return v;
  const top = 31 - Math.clz32(v);
  const shift = top - 6;
  return 128 + (top - 7) * 64 + ((v >> shift) - 64);
}

function upperEdgeOf(index: number): number {
  if (index < 128) return index;
  const octave = Math.floor((index - 128) / 64);
  const sub = 64 + ((index - 128) % 64);
  const shift = octave + 1;
  return (sub + 1) * 2 ** shift - 1;
}
