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

/** Renames a canvas (editors and above); the list and the canvas's own query take the new name. */
export function useRenameCanvas(workspaceId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, name }: { id: string; name: string }) => api.patch<DocumentInfo>(`/docs/${id}`, { name }),
    onSuccess: (doc) => {
      client.setQueryData(documentKeys.doc(doc.id), doc);
      return client.invalidateQueries({ queryKey: canvasKeys.list(workspaceId) });
    },
  });
}

/** Deletes a canvas and its versions (editors and above). */
export function useDeleteCanvas(workspaceId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete<void>(`/docs/${id}`),
    onSuccess: () => client.invalidateQueries({ queryKey: canvasKeys.list(workspaceId) }),
  });
}

/** One document's metadata (name, kind, workspace). */
export function useDocumentInfo(docId: string) {
  return useQuery({ queryKey: documentKeys.doc(docId), queryFn: () => api.get<DocumentInfo>(`/docs/${docId}`) });
}
