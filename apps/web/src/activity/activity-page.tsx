import type { WorkspaceSummary } from '../api/types.ts';
import { useTables } from '../grid/table-queries.ts';
import { ACTIVITY_FILTERS } from '../records/activity-filters.ts';
import { Segmented } from '../ui/segmented.tsx';
import { EmptyState, ErrorState, LoadingState } from '../ui/states.tsx';
import { useMembers } from '../workspaces/workspace-queries.ts';
import { ActivityEntryItem } from './activity-entry-item.tsx';
import { TIME_RANGES, useActivityFilter } from './activity-filter-state.ts';
import { useLiveActivity } from './use-live-activity.ts';
import { useWorkspaceActivity } from './workspace-activity-queries.ts';
import '../styles/activity.css';

/**
 * Everything that happens in a workspace, newest first, across all its tables: filters by kind,
 * person, table and time (kept in the address, so a filtered view can be shared), a discussion
 * on every entry, and live entries announced as "N new — show" above the list instead of pushing
 * it down while someone reads.
 */
export function ActivityPage({ workspace }: { workspace: WorkspaceSummary }) {
  const { filter, range, set } = useActivityFilter();
  const tables = useTables(workspace.id);
  const members = useMembers(workspace.id);
  const activity = useWorkspaceActivity(workspace.id, filter);
  const live = useLiveActivity(workspace.id, filter);
  const tableById = new Map((tables.data ?? []).map((t) => [t.id, t]));
  const entries = activity.data?.pages.flatMap((p) => p.activity) ?? [];
  const count = live.pending.length;

  return (
    <section className="content activity-page" aria-labelledby="activity-title">
      <div className="page-head">
        <h1 id="activity-title">Activity</h1>
        <p className="muted">Every change, comment and approval in {workspace.name}.</p>
      </div>
      <fieldset className="activity-filters" aria-label="Filter activity">
        <Segmented
          label="Kind"
          options={ACTIVITY_FILTERS}
          value={filter.type as (typeof ACTIVITY_FILTERS)[number]['value']}
          onChange={(v) => set({ type: v })}
        />
        <label>
          Person
          <select value={filter.user} onChange={(e) => set({ user: e.target.value })}>
            <option value="">Everyone</option>
            {(members.data ?? []).map((m) => (
              <option key={m.user_id} value={m.user_id}>
                {m.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Table
          <select value={filter.table} onChange={(e) => set({ table: e.target.value })}>
            <option value="">All tables</option>
            {(tables.data ?? []).map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Time
          <select value={range} onChange={(e) => set({ range: e.target.value })}>
            {TIME_RANGES.map((r) => (
              <option key={r.value} value={r.value}>
                {r.label}
              </option>
            ))}
          </select>
        </label>
      </fieldset>
      <div className="activity-marker-slot" aria-live="polite">
        {count > 0 && (
          <button type="button" className="activity-marker" onClick={live.show}>
            {count} new — show
          </button>
        )}
      </div>
      {activity.isPending ? (
        <LoadingState label="Loading activity" />
      ) : activity.isError ? (
        <ErrorState error={activity.error} onRetry={() => void activity.refetch()} />
      ) : entries.length === 0 ? (
        <EmptyState title="No activity matches">Change the filters, or wait for something to happen.</EmptyState>
      ) : (
        <>
          <ol className="timeline activity-list">
            {entries.map((entry) => (
              <ActivityEntryItem
                key={entry.id}
                entry={entry}
                workspaceId={workspace.id}
                tables={tableById}
                role={workspace.role}
                members={members.data ?? []}
              />
            ))}
          </ol>
          {activity.hasNextPage && (
            <button type="button" className="btn" disabled={activity.isFetchingNextPage} onClick={() => void activity.fetchNextPage()}>
              {activity.isFetchingNextPage ? 'Loading…' : 'Older activity'}
            </button>
          )}
        </>
      )}
    </section>
  );
}
