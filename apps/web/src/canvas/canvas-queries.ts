import type { DocumentInfo } from '@tandem/protocol';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/http.ts';
import { documentKeys } from '../documents/version-queries.ts';

/** Query keys of the canvas domain. */
export const canvasKeys = {
  list: (workspaceId: string) => ['workspace', workspaceId, 'canvases'] as const,
};

/** The canvases of a workspace. */
export function useCanvases(workspaceId: string) {
  return useQuery({
    queryKey: canvasKeys.list(workspaceId),
    queryFn: async () => (await api.get<{ documents: DocumentInfo[] }>(`/docs?workspace_id=${workspaceId}`)).documents,
  });
}

/** Creates a canvas in a workspace (editors and above) and refreshes the list. */
export function useCreateCanvas(workspaceId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (name: string) => api.post<DocumentInfo>('/docs', { kind: 'canvas', workspace_id: workspaceId, name }),
    onSuccess: () => client.invalidateQueries({ queryKey: canvasKeys.list(workspaceId) }),
  });
}

/** One document's metadata (name, kind, workspace). */
export function useDocumentInfo(docId: string) {
  return useQuery({ queryKey: documentKeys.doc(docId), queryFn: () => api.get<DocumentInfo>(`/docs/${docId}`) });
}
