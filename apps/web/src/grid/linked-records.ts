import { useQueries } from '@tanstack/react-query';
import { useMemo } from 'react';
import type { Field } from '../api/types.ts';
import { displayText, linkedTableOf } from './field-values.ts';
import { fetchAllRecords, fetchTable, tableKeys } from './table-queries.ts';

/** A linked record as a link editor offers it. */
export interface LinkOption {
  readonly id: string;
  readonly title: string;
}

/**
 * Loads the tables that link fields point at, so link cells show the linked record's primary
 * (first) field instead of an id, and link editors can offer the records to pick.
 */
export function useLinkedRecords(fields: readonly Field[]) {
  const tableIds = [...new Set(fields.flatMap((f) => (f.type === 'link' ? [linkedTableOf(f) ?? ''] : [])).filter(Boolean))];
  const tables = useQueries({ queries: tableIds.map((id) => ({ queryKey: tableKeys.table(id), queryFn: () => fetchTable(id) })) });
  const records = useQueries({
    queries: tableIds.map((id) => ({ queryKey: tableKeys.records(id), queryFn: () => fetchAllRecords(id), staleTime: 60_000 })),
  });
  const stamp = [...tables, ...records].map((q) => q.dataUpdatedAt).join(',');
  // The queries' update stamps stand for their data, so the maps are rebuilt only when something loaded.
  return useMemo(() => {
    const titles = new Map<string, string>();
    const optionsByTable = new Map<string, LinkOption[]>();
    tableIds.forEach((tableId, i) => {
      const primary = tables[i]?.data?.fields[0];
      const list = records[i]?.data ?? [];
      const options = list.map((r) => {
        const title = primary ? displayText(primary, r.values[primary.id], { members: new Map() }) : '';
        titles.set(r.id, title);
        return { id: r.id, title };
      });
      optionsByTable.set(tableId, options);
    });
    const byField = new Map<string, LinkOption[]>();
    for (const f of fields) if (f.type === 'link') byField.set(f.id, optionsByTable.get(linkedTableOf(f) ?? '') ?? []);
    return { titles, byField };
  }, [stamp, fields]);
}
