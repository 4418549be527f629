import type { DocumentVersion, DocumentVersionPreview } from '@tandem/protocol';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/http.ts';

/** Query keys of a document and its versions (canvases and rich text fields alike). */
export const documentKeys = {
  doc: (docId: string) => ['document', docId] as const,
  versions: (docId: string) => ['document', docId, 'versions'] as const,
  version: (docId: string, versionId: string) => ['document', docId, 'versions', versionId] as const,
};

/** The versions of a document, newest first, each with who changed it since; fetched while `open`, and every `refetchMs` when given. */
export function useDocumentVersions(docId: string, open: boolean, refetchMs?: number) {
  return useQuery({
    queryKey: documentKeys.versions(docId),
    queryFn: async () => (await api.get<{ versions: DocumentVersion[] }>(`/docs/${docId}/versions`)).versions,
    enabled: open,
    refetchInterval: open && refetchMs ? refetchMs : false,
  });
}

/** One version with its plain text, for a preview (nothing while `versionId` is null). */
export function useVersionPreview(docId: string, versionId: string | null) {
  return useQuery({
    queryKey: documentKeys.version(docId, versionId ?? ''),
    queryFn: () => api.get<DocumentVersionPreview>(`/docs/${docId}/versions/${versionId}`),
    enabled: versionId !== null,
    // A version never changes once taken.
    staleTime: Number.POSITIVE_INFINITY,
  });
}

/** Takes a named version and restores one; both refresh the version list. */
export function useVersionActions(docId: string) {
  const client = useQueryClient();
  const refresh = () => client.invalidateQueries({ queryKey: documentKeys.versions(docId), exact: true });
  return {
    save: useMutation({ mutationFn: (name: string) => api.post<DocumentVersion>(`/docs/${docId}/versions`, { name }), onSuccess: refresh }),
    restore: useMutation({ mutationFn: (versionId: string) => api.post<void>(`/docs/${docId}/versions/${versionId}/restore`), onSuccess: refresh }),
  };
}
