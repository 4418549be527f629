import type { ActivityEntry, Comment } from '@tandem/protocol';
import { type InfiniteData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { api } from '../api/http.ts';

/** Entries per page of the activity page. */
export const ACTIVITY_PAGE_SIZE = 50;

/** What the activity page shows: each filter empty for "any". */
export interface ActivityFilter {
  /** A group (`changes`, `comments`, `approvals`) or one entity type, as the API's `type`. */
  readonly type: string;
  /** Only entries by this user id. */
  readonly user: string;
  /** Only entries of this table (its records, fields and views included). */
  readonly table: string;
  /** Only entries after this instant (ISO), from the time filter. */
  readonly after: string;
}

/** One page of `GET …/activity`. */
export interface ActivityPage {
  readonly activity: ActivityEntry[];
  readonly next_cursor: string | null;
}

/** Query keys of the workspace activity page. */
export const activityKeys = {
  all: (workspaceId: string) => ['workspace', workspaceId, 'activity'] as const,
  list: (workspaceId: string, filter: ActivityFilter) => ['workspace', workspaceId, 'activity', filter] as const,
  comments: (activityId: string) => ['activity', activityId, 'comments'] as const,
};

/**
 * The path of the activity a filter asks for, newest first: a table's own endpoint when one table
 * is chosen, the workspace's otherwise. `after` overrides the filter's (to ask for what is newer
 * than the newest entry shown); `cursor` pages back.
 */
export function activityPath(workspaceId: string, filter: ActivityFilter, options: { after?: string; cursor?: string; limit?: number } = {}): string {
  const q = new URLSearchParams({ limit: String(options.limit ?? ACTIVITY_PAGE_SIZE) });
  if (filter.type) q.set('type', filter.type);
  if (filter.user) q.set('user', filter.user);
  const after = options.after ?? filter.after;
  if (after) q.set('after', after);
  if (options.cursor) q.set('cursor', options.cursor);
  const base = filter.table ? `/tables/${filter.table}/activity` : `/workspaces/${workspaceId}/activity`;
  return `${base}?${q}`;
}

/** The workspace's activity under `filter`, newest first, a page at a time. */
export function useWorkspaceActivity(workspaceId: string, filter: ActivityFilter) {
  return useInfiniteQuery<ActivityPage, Error, InfiniteData<ActivityPage>, ReturnType<typeof activityKeys.list>, string | null>({
    queryKey: activityKeys.list(workspaceId, filter),
    initialPageParam: null,
    queryFn: ({ pageParam }) => api.get<ActivityPage>(activityPath(workspaceId, filter, pageParam ? { cursor: pageParam } : {})),
    getNextPageParam: (last) => last.next_cursor,
  });
}

/** Comments on one activity entry, oldest first; fetched only while `enabled`. */
export function useActivityComments(activityId: string, enabled: boolean) {
  return useQuery({
    queryKey: activityKeys.comments(activityId),
    queryFn: async () => (await api.get<{ comments: Comment[] }>(`/activity/${activityId}/comments`)).comments,
    enabled,
  });
}
