import type {
  AnalyticsFilters,
  AnalyticsInterval,
  AnalyticsSite,
  AnalyticsSummary,
  CreateSiteInput,
  FunnelQuery,
  FunnelResult,
  UpdateSiteInput,
} from '@tandem/protocol';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/http.ts';

/** Query keys of the analytics domain. */
export const analyticsKeys = {
  sites: (workspaceId: string) => ['analytics', workspaceId, 'sites'] as const,
  access: (workspaceId: string) => ['analytics', workspaceId, 'access'] as const,
  appSite: (workspaceId: string) => ['analytics', workspaceId, 'app-site'] as const,
  summary: (query: SummaryRequest) => ['analytics', 'summary', query] as const,
};

/** The sites of a workspace (admins and members granted analytics access). */
export function useSites(workspaceId: string) {
  return useQuery({
    queryKey: analyticsKeys.sites(workspaceId),
    queryFn: async () => (await api.get<{ sites: AnalyticsSite[] }>(`/workspaces/${workspaceId}/analytics/sites`)).sites,
    retry: false,
  });
}

/** Creates, changes and deletes sites (admins); each refreshes the list and the app's own tracking. */
export function useSiteActions(workspaceId: string) {
  const client = useQueryClient();
  const refresh = () =>
    Promise.all([
      client.invalidateQueries({ queryKey: analyticsKeys.sites(workspaceId) }),
      client.invalidateQueries({ queryKey: analyticsKeys.appSite(workspaceId) }),
    ]);
  return {
    create: useMutation({
      mutationFn: async (input: CreateSiteInput) => (await api.post<{ site: AnalyticsSite }>(`/workspaces/${workspaceId}/analytics/sites`, input)).site,
      onSuccess: refresh,
    }),
    update: useMutation({
      mutationFn: async (input: { id: string; changes: UpdateSiteInput }) =>
        (await api.patch<{ site: AnalyticsSite }>(`/analytics/sites/${input.id}`, input.changes)).site,
      onSuccess: refresh,
    }),
    remove: useMutation({ mutationFn: (id: string) => api.delete(`/analytics/sites/${id}`), onSuccess: refresh }),
  };
}

/** Ids of the members below admin who may read the workspace's analytics (admins only). */
export function useAnalyticsGrants(workspaceId: string) {
  return useQuery({
    queryKey: analyticsKeys.access(workspaceId),
    queryFn: async () => (await api.get<{ user_ids: string[] }>(`/workspaces/${workspaceId}/analytics/access`)).user_ids,
  });
}

/** Grants or revokes a member's analytics access (admins). */
export function useGrantAction(workspaceId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { userId: string; granted: boolean }) =>
      input.granted
        ? api.put(`/workspaces/${workspaceId}/analytics/access/${input.userId}`, {})
        : api.delete(`/workspaces/${workspaceId}/analytics/access/${input.userId}`),
    onSuccess: () => client.invalidateQueries({ queryKey: analyticsKeys.access(workspaceId) }),
  });
}

/** The key of the site that tracks this web app (null when no admin turned that on); any member. */
export function useAppSiteKey(workspaceId: string | null) {
  return useQuery({
    queryKey: analyticsKeys.appSite(workspaceId ?? ''),
    queryFn: async () => (await api.get<{ site_key: string | null }>(`/workspaces/${workspaceId}/analytics/app-site`)).site_key,
    enabled: workspaceId !== null,
    staleTime: 5 * 60_000,
    retry: false,
  });
}

/** What a dashboard asks `GET /analytics/summary` for. */
export interface SummaryRequest {
  readonly site: string;
  readonly from: string;
  readonly to: string;
  readonly interval: AnalyticsInterval;
  readonly filters: AnalyticsFilters;
}

/** Rows per breakdown table. */
export const BREAKDOWN_ROWS = 10;

/** A site's summary of a period with the totals of the period before it; the last answer stays while a new one loads. */
export function useSummary(request: SummaryRequest) {
  return useQuery({
    queryKey: analyticsKeys.summary(request),
    queryFn: () => {
      const q = new URLSearchParams({
        site: request.site,
        from: request.from,
        to: request.to,
        interval: request.interval,
        compare: 'previous',
        limit: String(BREAKDOWN_ROWS),
      });
      if (Object.keys(request.filters).length > 0) q.set('filters', JSON.stringify(request.filters));
      return api.get<AnalyticsSummary>(`/analytics/summary?${q}`);
    },
    placeholderData: keepPreviousData,
  });
}

/** Runs a funnel query. */
export function runFunnel(query: FunnelQuery): Promise<FunnelResult> {
  return api.post<FunnelResult>('/analytics/funnel', query);
}
