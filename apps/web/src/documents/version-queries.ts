import type { DocumentVersion, DocumentVersionPreview, RestoreResult } from '@tandem/protocol';
import { useRoom } from '@tandem/react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import type * as Y from 'yjs';
import { api } from '../api/http.ts';

/** Query keys of a document and its versions (canvases and rich text fields alike). */
export const documentKeys = {
  doc: (docId: string) => ['document', docId] as const,
  versions: (docId: string) => ['document', docId, 'versions'] as const,
  version: (docId: string, versionId: string) => ['document', docId, 'versions', versionId] as const,
};

/** How long edits pause before an open version list and preview are fetched again ("changed since" follows them). */
const EDITS_SETTLE_MS = 1_000;

/**
 * The versions of a document, newest first, each with who changed it since. Kept live while
 * mounted: a `doc_version` signal in the document's room (anyone saved, restored, or an automatic
 * version was taken) refetches it, and so do others' edits to `doc` once they pause.
 */
export function useDocumentVersions(docId: string, doc: Y.Doc | null) {
  const client = useQueryClient();
  useRoom(`doc:${docId}`, (event) => {
    if (event.type === 'doc_version') void client.invalidateQueries({ queryKey: documentKeys.versions(docId) });
  });
  useRefetchAfterEdits(doc, documentKeys.versions(docId));
  return useQuery({
    queryKey: documentKeys.versions(docId),
    queryFn: async () => (await api.get<{ versions: DocumentVersion[] }>(`/docs/${docId}/versions`)).versions,
  });
}

/** One version with its plain text and what changed since (nothing while `versionId` is null); fetched again after edits to `doc` pause. */
export function useVersionPreview(docId: string, versionId: string | null, doc: Y.Doc | null) {
  useRefetchAfterEdits(versionId ? doc : null, documentKeys.version(docId, versionId ?? ''));
  return useQuery({
    queryKey: documentKeys.version(docId, versionId ?? ''),
    queryFn: () => api.get<DocumentVersionPreview>(`/docs/${docId}/versions/${versionId}`),
    enabled: versionId !== null,
    // Shown as loaded while a refetch brings the newer comparison.
    placeholderData: (previous) => previous,
  });
}

/** Takes a named version and restores one (everyone else's list follows the room's `doc_version` signal; this one at once). */
export function useVersionActions(docId: string) {
  const client = useQueryClient();
  const refresh = () => client.invalidateQueries({ queryKey: documentKeys.versions(docId), exact: true });
  return {
    save: useMutation({ mutationFn: (name: string) => api.post<DocumentVersion>(`/docs/${docId}/versions`, { name }), onSuccess: refresh }),
    restore: useMutation({
      mutationFn: (versionId: string) => api.post<RestoreResult>(`/docs/${docId}/versions/${versionId}/restore`),
      onSuccess: refresh,
    }),
  };
}

/** Invalidates `queryKey` once changes to `doc` have paused for {@link EDITS_SETTLE_MS}. */
function useRefetchAfterEdits(doc: Y.Doc | null, queryKey: readonly unknown[]) {
  const client = useQueryClient();
  const key = JSON.stringify(queryKey);
  useEffect(() => {
    if (!doc) return undefined;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const onUpdate = () => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => void client.invalidateQueries({ queryKey: JSON.parse(key) as unknown[], exact: true }), EDITS_SETTLE_MS);
    };
    doc.on('update', onUpdate);
    return () => {
      doc.off('update', onUpdate);
      if (timer) clearTimeout(timer);
    };
  }, [doc, client, key]);
}
