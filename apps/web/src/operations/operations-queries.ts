import type { AlertInfo, AlertRule, MetricsHistory } from '@tandem/protocol';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/http.ts';

/** Query keys of the operations domain. */
export const operationsKeys = {
  history: (workspaceId: string) => ['operations', workspaceId, 'history'] as const,
  rules: (workspaceId: string) => ['operations', workspaceId, 'rules'] as const,
  alerts: (workspaceId: string) => ['operations', workspaceId, 'alerts'] as const,
};

/** The last hour of cluster and node figures (10 s points); fetched once, the page appends live. */
export function useMetricsHistory(workspaceId: string) {
  return useQuery({
    queryKey: operationsKeys.history(workspaceId),
    queryFn: () => api.get<MetricsHistory>(`/operations/metrics/history?workspace_id=${workspaceId}&minutes=60`),
    staleTime: Number.POSITIVE_INFINITY,
    refetchOnWindowFocus: false,
  });
}

/** Alert rules of a workspace. */
export function useAlertRules(workspaceId: string) {
  return useQuery({
    queryKey: operationsKeys.rules(workspaceId),
    queryFn: async () => (await api.get<{ rules: AlertRule[] }>(`/alerts/rules?workspace_id=${workspaceId}`)).rules,
  });
}

/** Alerts of a workspace, firing and resolved, newest first. */
export function useAlerts(workspaceId: string) {
  return useQuery({
    queryKey: operationsKeys.alerts(workspaceId),
    queryFn: async () => (await api.get<{ alerts: AlertInfo[] }>(`/alerts?workspace_id=${workspaceId}&status=all`)).alerts,
  });
}

/** The body of `POST /alerts/rules`. */
/** Omit applied to each member of a union (plain Omit would merge the two kinds of rule). */
type OmitEach<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export type NewAlertRule = OmitEach<AlertRule, 'id' | 'created_at' | 'enabled' | 'muted_until'> & { readonly enabled?: boolean };

/** Creates, changes, mutes and deletes rules; each refreshes the rule list. */
export function useRuleActions(workspaceId: string) {
  const client = useQueryClient();
  const refresh = () => client.invalidateQueries({ queryKey: operationsKeys.rules(workspaceId) });
  return {
    create: useMutation({ mutationFn: (rule: NewAlertRule) => api.post<AlertRule>('/alerts/rules', rule), onSuccess: refresh }),
    update: useMutation({
      mutationFn: (input: { id: string; changes: Record<string, unknown> }) => api.patch<AlertRule>(`/alerts/rules/${input.id}`, input.changes),
      onSuccess: refresh,
    }),
    mute: useMutation({
      mutationFn: (input: { id: string; minutes: number }) => api.post<AlertRule>(`/alerts/rules/${input.id}/mute`, { minutes: input.minutes }),
      onSuccess: refresh,
    }),
    remove: useMutation({ mutationFn: (id: string) => api.delete(`/alerts/rules/${id}`), onSuccess: refresh }),
  };
}

/** Acknowledges an alert (from the page, a toast or the inbox). */
export function acknowledgeAlert(alertId: string): Promise<AlertInfo> {
  return api.post<AlertInfo>(`/alerts/${alertId}/acknowledge`);
}
