import type { InvitationInfo, InviteResult, Role } from '@tandem/protocol';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/http.ts';
import { ME_KEY } from '../api/session.ts';
import type { Member } from '../api/types.ts';

/** Query key of a workspace's member list. */
export const membersKey = (workspaceId: string) => ['workspace', workspaceId, 'members'] as const;

/** Members of a workspace with their roles. */
export function useMembers(workspaceId: string) {
  return useQuery({
    queryKey: membersKey(workspaceId),
    queryFn: async () => (await api.get<{ members: Member[] }>(`/workspaces/${workspaceId}/members`)).members,
    staleTime: 60_000,
  });
}

/** Query key of a workspace's pending invitations. */
export const invitationsKey = (workspaceId: string) => ['workspace', workspaceId, 'invitations'] as const;

/** Pending invitations by email (admins only; `enabled` false for everyone else). */
export function useInvitations(workspaceId: string, enabled: boolean) {
  return useQuery({
    queryKey: invitationsKey(workspaceId),
    queryFn: async () => (await api.get<{ invitations: InvitationInfo[] }>(`/workspaces/${workspaceId}/invitations`)).invitations,
    enabled,
    staleTime: 60_000,
  });
}

/**
 * Invites (an address with an account is added at once, any other gets a link by email), revokes
 * invitations, re-roles and removes members; each refreshes the lists (and `me`, whose roles may change).
 */
export function useMemberActions(workspaceId: string) {
  const client = useQueryClient();
  const refresh = () =>
    Promise.all([
      client.invalidateQueries({ queryKey: membersKey(workspaceId) }),
      client.invalidateQueries({ queryKey: invitationsKey(workspaceId) }),
      client.invalidateQueries({ queryKey: ME_KEY }),
    ]);
  return {
    invite: useMutation({
      mutationFn: (input: { email: string; role: Role }) => api.post<InviteResult>(`/workspaces/${workspaceId}/invitations`, input),
      onSuccess: refresh,
    }),
    revoke: useMutation({
      mutationFn: (invitationId: string) => api.delete(`/workspaces/${workspaceId}/invitations/${invitationId}`),
      onSuccess: refresh,
    }),
    changeRole: useMutation({
      mutationFn: (input: { userId: string; role: Role }) => api.patch<Member>(`/workspaces/${workspaceId}/members/${input.userId}`, { role: input.role }),
      onSuccess: refresh,
    }),
    remove: useMutation({
      mutationFn: (userId: string) => api.delete(`/workspaces/${workspaceId}/members/${userId}`),
      onSuccess: refresh,
    }),
  };
}

/** Creates a workspace owned by the current user. */
export function useCreateWorkspace() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (name: string) => api.post<{ id: string; name: string }>('/workspaces', { name }),
    onSuccess: () => client.invalidateQueries({ queryKey: ME_KEY }),
  });
}
