import type { ActivityEntry, Approval, Comment } from '@tandem/protocol';
import { useQuery } from '@tanstack/react-query';
import { api } from '../api/http.ts';

/** Query keys of one record's collaboration data. */
export const recordKeys = {
  all: (recordId: string) => ['record', recordId] as const,
  comments: (recordId: string) => ['record', recordId, 'comments'] as const,
  activity: (recordId: string, type: string) => ['record', recordId, 'activity', type] as const,
  approvals: (recordId: string) => ['record', recordId, 'approvals'] as const,
  following: (recordId: string) => ['record', recordId, 'following'] as const,
};

/** Comments of a record, oldest first. */
export function useComments(recordId: string) {
  return useQuery({
    queryKey: recordKeys.comments(recordId),
    queryFn: async () => (await api.get<{ comments: Comment[] }>(`/records/${recordId}/comments`)).comments,
  });
}

/** The record's activity, newest first, optionally filtered by `type` (comments, approvals, changes). */
export function useRecordActivity(recordId: string, type: string) {
  return useQuery({
    queryKey: recordKeys.activity(recordId, type),
    queryFn: async () =>
      (await api.get<{ activity: ActivityEntry[] }>(`/records/${recordId}/activity?limit=100${type ? `&type=${encodeURIComponent(type)}` : ''}`)).activity,
  });
}

/** Approval requests on the record (any status). */
export function useRecordApprovals(recordId: string) {
  return useQuery({
    queryKey: recordKeys.approvals(recordId),
    queryFn: async () => (await api.get<{ approvals: Approval[] }>(`/approvals?record_id=${recordId}&limit=200`)).approvals,
  });
}

/** Whether the current user follows the record. */
export function useFollowing(recordId: string) {
  return useQuery({
    queryKey: recordKeys.following(recordId),
    queryFn: async () => (await api.get<{ following: boolean }>(`/records/${recordId}/followers`)).following,
  });
}
