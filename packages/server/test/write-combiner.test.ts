import { describe, expect, it } from 'vitest';
import { WriteCombiner } from '../src/records/write-combiner.ts';

interface Write {
  readonly key: string;
  readonly n: number;
}

/** A combiner whose batches stay open until the test ends them. */
function harness(maxRunning: number, maxBatch: number) {
  const batches: { writes: readonly Write[]; end: () => void }[] = [];
  const combiner = new WriteCombiner<Write>(
    (writes) =>
      new Promise<void>((resolve) => {
        batches.push({ writes, end: resolve });
      }),
    (w) => w.key,
    maxRunning,
    maxBatch,
  );
  const turn = () => new Promise((resolve) => setImmediate(resolve));
  return { batches, combiner, turn };
}

describe('write combiner', () => {
  it('starts writes of one turn together, and gathers the writes that waited for a free slot into the next batch', async () => {
    const { batches, combiner, turn } = harness(1, 100);
    combiner.submit({ key: 'a', n: 1 });
    combiner.submit({ key: 'b', n: 2 });
    await turn();
    expect(batches.map((b) => b.writes.map((w) => w.n))).toEqual([[1, 2]]);
    for (let n = 3; n <= 6; n++) combiner.submit({ key: `k${n}`, n });
    await turn();
    expect(batches).toHaveLength(1);
    expect(combiner.waiting).toBe(4);
    batches[0]?.end();
    await turn();
    expect(batches.map((b) => b.writes.map((w) => w.n))).toEqual([
      [1, 2],
      [3, 4, 5, 6],
    ]);
  });

  it('never puts two writes of one key in a batch, and keeps the order of what waits', async () => {
    const { batches, combiner, turn } = harness(1, 100);
    combiner.submit({ key: 'a', n: 1 });
    combiner.submit({ key: 'a', n: 2 });
    combiner.submit({ key: 'b', n: 3 });
    combiner.submit({ key: 'a', n: 4 });
    await turn();
    expect(batches[0]?.writes.map((w) => w.n)).toEqual([1, 3]);
    batches[0]?.end();
    await turn();
    expect(batches[1]?.writes.map((w) => w.n)).toEqual([2]);
    batches[1]?.end();
    await turn();
    expect(batches[2]?.writes.map((w) => w.n)).toEqual([4]);
  });

  it('runs at most maxRunning batches of at most maxBatch writes', async () => {
    const { batches, combiner, turn } = harness(2, 3);
    for (let n = 1; n <= 10; n++) combiner.submit({ key: `k${n}`, n });
    await turn();
    expect(batches.map((b) => b.writes.length)).toEqual([3, 3]);
    expect(combiner.waiting).toBe(4);
    batches[1]?.end();
    await turn();
    expect(batches.map((b) => b.writes.length)).toEqual([3, 3, 3]);
    batches[0]?.end();
    await turn();
    expect(batches.map((b) => b.writes.map((w) => w.n))).toEqual([[1, 2, 3], [4, 5, 6], [7, 8, 9], [10]]);
  });
});
