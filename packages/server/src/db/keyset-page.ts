/** One page of a keyset-paginated list and the cursor of the next page (null on the last page). */
export interface KeysetPage<T> {
  readonly rows: T[];
  readonly nextCursor: string | null;
}

/**
 * Cuts a page from rows fetched with `LIMIT limit + 1`: the first `limit` rows and, only when the
 * extra row shows that more exist, the cursor of the last row kept.
 */
export function keysetPage<T>(rows: readonly T[], limit: number, cursorOf: (last: T) => string): KeysetPage<T> {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { rows: page, nextCursor: rows.length > limit && last !== undefined ? cursorOf(last) : null };
}
