import { RECORD_PAGE_SIZE } from '@tandem/client';
import type { FieldConversionPreview } from '@tandem/protocol';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/http.ts';
import type { Field, RecordPage, Table, TableRecord, View } from '../api/types.ts';
import type { FieldPatchBody } from './field-draft.ts';

/** Query keys of the table domain. */
export const tableKeys = {
  list: (workspaceId: string) => ['workspace', workspaceId, 'tables'] as const,
  table: (tableId: string) => ['table', tableId] as const,
  views: (tableId: string) => ['table', tableId, 'views'] as const,
  records: (tableId: string) => ['table', tableId, 'records'] as const,
};

/** Accepts both `{items: [...]}` and a bare array, whichever the endpoint answers. */
function listOf<T>(body: unknown, key: string): T[] {
  if (Array.isArray(body)) return body as T[];
  const inner = (body as Record<string, unknown> | null)?.[key];
  return Array.isArray(inner) ? (inner as T[]) : [];
}

/** Accepts `{table: {...}}` or the table itself. */
function unwrap<T>(body: unknown, key: string): T {
  const inner = (body as Record<string, unknown> | null)?.[key];
  return (inner && typeof inner === 'object' ? inner : body) as T;
}

/** The tables of a workspace. */
export function useTables(workspaceId: string) {
  return useQuery({
    queryKey: tableKeys.list(workspaceId),
    queryFn: async () => listOf<Table>(await api.get(`/workspaces/${workspaceId}/tables`), 'tables'),
  });
}

/** A table with its fields (in display order). */
export interface TableDetail {
  readonly table: Table;
  readonly fields: readonly Field[];
}

/** Loads a table and its fields (in display order). */
export async function fetchTable(tableId: string): Promise<TableDetail> {
  const body = await api.get<Record<string, unknown>>(`/tables/${tableId}`);
  const table = unwrap<Table & { fields?: Field[] }>(body, 'table');
  const fields = listOf<Field>(body.fields ?? table.fields ?? [], 'fields');
  return { table, fields: [...fields].sort((a, b) => (a.position ?? 0) - (b.position ?? 0)) };
}

/** One table and its fields. */
export function useTable(tableId: string) {
  return useQuery({ queryKey: tableKeys.table(tableId), queryFn: () => fetchTable(tableId) });
}

/** Saved views of a table. */
export function useViews(tableId: string) {
  return useQuery({
    queryKey: tableKeys.views(tableId),
    queryFn: async () => listOf<View>(await api.get(`/tables/${tableId}/views`), 'views'),
  });
}

/** Loads every record of a table, page by page through the cursor, in creation order. */
export async function fetchAllRecords(tableId: string): Promise<TableRecord[]> {
  const all: TableRecord[] = [];
  let cursor: string | null = null;
  do {
    const qs: string = new URLSearchParams({ limit: String(RECORD_PAGE_SIZE), ...(cursor ? { cursor } : {}) }).toString();
    const page: RecordPage = await api.get<RecordPage>(`/tables/${tableId}/records?${qs}`);
    all.push(...listOf<TableRecord>(page, 'records'));
    cursor = page.next_cursor ?? null;
  } while (cursor);
  return all;
}

/** Creates a table and refreshes the workspace's table list. */
export function useCreateTable(workspaceId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (name: string) => unwrap<Table>(await api.post(`/workspaces/${workspaceId}/tables`, { name }), 'table'),
    onSuccess: () => client.invalidateQueries({ queryKey: tableKeys.list(workspaceId) }),
  });
}

/** Renames or deletes a table. */
export function useTableActions(workspaceId: string) {
  const client = useQueryClient();
  const refresh = () => client.invalidateQueries({ queryKey: tableKeys.list(workspaceId) });
  return {
    rename: useMutation({ mutationFn: (input: { id: string; name: string }) => api.patch(`/tables/${input.id}`, { name: input.name }), onSuccess: refresh }),
    remove: useMutation({ mutationFn: (id: string) => api.delete(`/tables/${id}`), onSuccess: refresh }),
  };
}

/** Field management: add, change (name, description, type, options), delete. Each refreshes the table (fields) afterwards. */
export function useFieldActions(tableId: string) {
  const client = useQueryClient();
  const refresh = () => client.invalidateQueries({ queryKey: tableKeys.table(tableId) });
  return {
    add: useMutation({
      mutationFn: async (input: { name: string; type: Field['type']; options?: Record<string, unknown> }) =>
        unwrap<Field>(await api.post(`/tables/${tableId}/fields`, input), 'field'),
      onSuccess: refresh,
    }),
    update: useMutation({
      mutationFn: (input: { id: string } & FieldPatchBody) => {
        const { id, ...patch } = input;
        return api.patch(`/fields/${id}`, patch);
      },
      onSuccess: refresh,
    }),
    remove: useMutation({ mutationFn: (id: string) => api.delete(`/fields/${id}`), onSuccess: refresh }),
  };
}

/** What saving a field change would do to stored values (`POST /fields/{id}/conversion-preview`); writes nothing. */
export function previewFieldChange(fieldId: string, change: Pick<FieldPatchBody, 'type' | 'options'>): Promise<FieldConversionPreview> {
  return api.post<FieldConversionPreview>(`/fields/${fieldId}/conversion-preview`, change);
}

/** View management: create, update (filters, sorts, hidden fields, name), delete. */
export function useViewActions(tableId: string) {
  const client = useQueryClient();
  const refresh = () => client.invalidateQueries({ queryKey: tableKeys.views(tableId) });
  return {
    create: useMutation({
      mutationFn: async (input: Partial<Omit<View, 'id' | 'table_id'>> & { name: string }) =>
        unwrap<View>(await api.post(`/tables/${tableId}/views`, { filters: [], sorts: [], hidden_fields: [], ...input }), 'view'),
      onSuccess: refresh,
    }),
    update: useMutation({
      mutationFn: async (input: Partial<View> & { id: string }) => {
        const { id, table_id: _t, ...patch } = input;
        return unwrap<View>(await api.patch(`/views/${id}`, patch), 'view');
      },
      onSuccess: refresh,
    }),
    remove: useMutation({ mutationFn: (id: string) => api.delete(`/views/${id}`), onSuccess: refresh }),
  };
}
