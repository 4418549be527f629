/** How many store calls a keep-alive tick runs at once (bounded so a big node does not flood Redis). */
export const KEEPALIVE_CONCURRENCY = 64;

/** Runs `fn` for every item, at most `concurrency` at a time; rejects with the first failure after all ran. */
export async function inBatches<T>(items: Iterable<T>, fn: (item: T) => Promise<void>, concurrency = KEEPALIVE_CONCURRENCY): Promise<void> {
  const list = [...items];
  const failures: unknown[] = [];
  for (let i = 0; i < list.length; i += concurrency) {
    const results = await Promise.allSettled(list.slice(i, i + concurrency).map(fn));
    for (const r of results) if (r.status === 'rejected') failures.push(r.reason);
  }
  if (failures.length > 0) throw failures[0];
}
