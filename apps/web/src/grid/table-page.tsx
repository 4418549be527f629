import type { Me, WorkspaceSummary } from '../api/types.ts';
import { ErrorState, LoadingState } from '../ui/states.tsx';
import { useTable } from './table-queries.ts';

/** One table: its views, toolbar and grid. */
export function TablePage({ tableId }: { workspace: WorkspaceSummary; tableId: string; me: Me }) {
  const table = useTable(tableId);
  if (table.isPending) return <LoadingState label="Loading table" />;
  if (table.isError) return <ErrorState error={table.error} onRetry={() => void table.refetch()} />;
  return <h1>{table.data.table.name}</h1>;
}
