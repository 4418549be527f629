import type { DocumentInfo, DocumentVersion, DocumentVersionPreview } from '@tandem/protocol';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/http.ts';

/** Query keys of the canvas domain. */
export const canvasKeys = {
  list: (workspaceId: string) => ['workspace', workspaceId, 'canvases'] as const,
  doc: (docId: string) => ['document', docId] as const,
  versions: (docId: string) => ['document', docId, 'versions'] as const,
  version: (docId: string, versionId: string) => ['document', docId, 'versions', versionId] as const,
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
  return useQuery({ queryKey: canvasKeys.doc(docId), queryFn: () => api.get<DocumentInfo>(`/docs/${docId}`) });
}

/** The versions of a document, newest first. */
export function useVersions(docId: string, enabled: boolean) {
  return useQuery({
    queryKey: canvasKeys.versions(docId),
    queryFn: async () => (await api.get<{ versions: DocumentVersion[] }>(`/docs/${docId}/versions`)).versions,
    enabled,
  });
}

/** One version with its plain text, for a preview. */
export function useVersionPreview(docId: string, versionId: string | null) {
  return useQuery({
    queryKey: canvasKeys.version(docId, versionId ?? ''),
    queryFn: () => api.get<DocumentVersionPreview>(`/docs/${docId}/versions/${versionId}`),
    enabled: versionId !== null,
    // A version never changes once taken.
    staleTime: Number.POSITIVE_INFINITY,
  });
}

/** Takes a named version and restores one; both refresh the version list. */
export function useVersionActions(docId: string) {
  const client = useQueryClient();
  const refresh = () => client.invalidateQueries({ queryKey: canvasKeys.versions(docId), exact: true });
  return {
    save: useMutation({ mutationFn: (name: string) => api.post<DocumentVersion>(`/docs/${docId}/versions`, { name }), onSuccess: refresh }),
    restore: useMutation({ mutationFn: (versionId: string) => api.post<void>(`/docs/${docId}/versions/${versionId}/restore`), onSuccess: refresh }),
  };
}
