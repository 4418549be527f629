import type { DocumentInfo, DocumentVersion, DocumentVersionPreview } from '@tandem/protocol';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/http.ts';

/** Query keys of rich text field documents and their versions. */
export const richTextKeys = {
  fieldDocument: (recordId: string, fieldId: string) => ['rich-text', recordId, fieldId] as const,
  versions: (docId: string) => ['document', docId, 'versions'] as const,
  version: (docId: string, versionId: string) => ['document', docId, 'versions', versionId] as const,
};

/**
 * The document of a rich text field. `POST /docs` answers with the existing one and makes it on
 * first open; any reader of the record may call it, so viewers get the id as well.
 */
export function useFieldDocument(recordId: string, fieldId: string) {
  return useQuery({
    queryKey: richTextKeys.fieldDocument(recordId, fieldId),
    queryFn: () => api.post<DocumentInfo>('/docs', { kind: 'rich_text', record_id: recordId, field_id: fieldId }),
    staleTime: Number.POSITIVE_INFINITY,
  });
}

/** The versions of a document, newest first, each with who changed it since (refetched while `open`). */
export function useDocumentVersions(docId: string, open: boolean) {
  return useQuery({
    queryKey: richTextKeys.versions(docId),
    queryFn: async () => (await api.get<{ versions: DocumentVersion[] }>(`/docs/${docId}/versions`)).versions,
    enabled: open,
    refetchInterval: open ? 10_000 : false,
  });
}

/** One version with its plain text, for the preview (nothing while `versionId` is null). */
export function useVersionPreview(docId: string, versionId: string | null) {
  return useQuery({
    queryKey: richTextKeys.version(docId, versionId ?? ''),
    queryFn: () => api.get<DocumentVersionPreview>(`/docs/${docId}/versions/${versionId}`),
    enabled: versionId !== null,
  });
}

/** Taking a named version and restoring one; both refresh the list. */
export function useVersionActions(docId: string) {
  const queries = useQueryClient();
  const refresh = () => queries.invalidateQueries({ queryKey: richTextKeys.versions(docId) });
  const save = useMutation({
    mutationFn: (name: string) => api.post<DocumentVersion>(`/docs/${docId}/versions`, { name }),
    onSuccess: refresh,
  });
  const restore = useMutation({
    mutationFn: (versionId: string) => api.post<void>(`/docs/${docId}/versions/${versionId}/restore`),
    onSuccess: refresh,
  });
  return { save, restore };
}
