import { useMemo } from 'react';
import { navigate, useLocation } from '../router/router.ts';
import type { ActivityFilter } from './workspace-activity-queries.ts';

/** The time filter's choices: how far back the page looks. */
export const TIME_RANGES = [
  { value: '', label: 'Any time', ms: 0 },
  { value: '1h', label: 'Last hour', ms: 3600_000 },
  { value: '24h', label: 'Last 24 hours', ms: 24 * 3600_000 },
  { value: '7d', label: 'Last 7 days', ms: 7 * 24 * 3600_000 },
  { value: '30d', label: 'Last 30 days', ms: 30 * 24 * 3600_000 },
] as const;

/** What the filter controls change; `range` is one of {@link TIME_RANGES}. */
type FilterChange = Partial<Pick<ActivityFilter, 'type' | 'user' | 'table'> & { range: string }>;

/**
 * The activity page's filter, kept in the address (`?type=&user=&table=&range=`) so a filtered
 * view survives a reload and can be shared. The time range becomes an `after` instant when it is
 * chosen or the page loads, so the list's query stays the same while it is shown.
 */
export function useActivityFilter(): { filter: ActivityFilter; range: string; set: (change: FilterChange) => void } {
  const { path, search } = useLocation();
  const type = search.get('type') ?? '';
  const user = search.get('user') ?? '';
  const table = search.get('table') ?? '';
  const range = search.get('range') ?? '';
  const after = useMemo(() => {
    const ms = TIME_RANGES.find((r) => r.value === range)?.ms ?? 0;
    return ms ? new Date(Date.now() - ms).toISOString() : '';
  }, [range]);
  const filter = useMemo(() => ({ type, user, table, after }), [type, user, table, after]);
  const set = (change: FilterChange) => {
    const next = new URLSearchParams(search);
    for (const [key, value] of Object.entries(change)) {
      if (value) next.set(key, value);
      else next.delete(key);
    }
    const q = next.toString();
    navigate(`${path}${q ? `?${q}` : ''}`, { replace: true });
  };
  return { filter, range, set };
}
