/**
 * The row order to show: follows `fresh` (the view applied to the current records) except after
 * remote changes that would move or hide rows, which keep the shown order until the user asks.
 * Rows that others appended at the end, and deleted rows, are applied at once (nothing jumps).
 */
export function nextOrder(prev: readonly string[] | null, fresh: readonly string[], remote: boolean, exists: (id: string) => boolean): readonly string[] {
  if (prev === null || !remote) return fresh;
  const kept = prev.filter(exists);
  const appendOnly = kept.every((id, i) => fresh[i] === id);
  return appendOnly ? fresh : kept;
}

/** Whether two row orders are the same. */
export function sameOrder(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((id, i) => b[i] === id);
}
