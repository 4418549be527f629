import type { DocumentInfo } from '@tandem/protocol';
import { useQuery } from '@tanstack/react-query';
import { api } from '../api/http.ts';

/** Query keys of rich text field documents (their versions: `documentKeys`). */
export const richTextKeys = {
  fieldDocument: (recordId: string, fieldId: string) => ['rich-text', recordId, fieldId] as const,
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
