import { roleAtLeast } from '@tandem/protocol';
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { isApiError } from '../api/http.ts';
import type { Field, Me, TableRecord, View, WorkspaceSummary } from '../api/types.ts';
import { PresenceAvatars } from '../live/presence-avatars.tsx';
import { RecordDrawer } from '../records/record-drawer.tsx';
import { Link } from '../router/link.tsx';
import { navigate, useLocation } from '../router/router.ts';
import { EmptyState, ErrorState, errorMessage, LoadingState } from '../ui/states.tsx';
import { useMembers } from '../workspaces/workspace-queries.ts';
import { applyView, EMPTY_VIEW, type ViewConfig } from './apply-view.ts';
import { ConflictDialog } from './conflict-dialog.tsx';
import { AddFieldButton, FieldHeader } from './field-header.tsx';
import { Grid } from './grid.tsx';
import { useLinkedRecords } from './linked-records.ts';
import { usePendingWrites } from './pending-writes.ts';
import { cachedRecord, type RecordConflict, useRecordActions } from './record-actions.ts';
import { useAllRecords, useTable, useTables, useViewActions, useViews } from './table-queries.ts';
import { useLiveTable } from './use-live-table.ts';
import { ViewPicker } from './view-picker.tsx';
import { ViewToolbar } from './view-toolbar.tsx';

/**
 * The row order to show: follows `fresh` (the view applied to the current records) except after
 * remote changes that would move or hide rows, which keep the shown order until the user asks.
 * Rows that others appended at the end, and deleted rows, are applied at once (nothing jumps).
 */
function nextOrder(prev: readonly string[] | null, fresh: readonly string[], remote: boolean, exists: (id: string) => boolean): readonly string[] {
  if (prev === null || !remote) return fresh;
  const kept = prev.filter(exists);
  const appendOnly = kept.every((id, i) => fresh[i] === id);
  return appendOnly ? fresh : kept;
}

function sameOrder(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((id, i) => b[i] === id);
}

function configOf(view: View | undefined): ViewConfig {
  return view ? { filters: view.filters, sorts: view.sorts, hidden_fields: view.hidden_fields } : EMPTY_VIEW;
}

/** One table: its views, toolbar and grid. */
export function TablePage({ workspace, tableId, me }: { workspace: WorkspaceSummary; tableId: string; me: Me }) {
  const table = useTable(tableId);
  const records = useAllRecords(tableId);
  const views = useViews(tableId);
  const members = useMembers(workspace.id);
  const tables = useTables(workspace.id);
  const { search } = useLocation();
  const viewId = search.get('view');
  const openRecordId = search.get('record');
  const setOpenRecord = (id: string | null) => {
    const next = new URLSearchParams(search);
    if (id) next.set('record', id);
    else next.delete('record');
    const qs = next.toString();
    navigate(`/w/${workspace.id}/t/${tableId}${qs ? `?${qs}` : ''}`);
  };
  const view = views.data?.find((v) => v.id === viewId) ?? (viewId ? undefined : views.data?.[0]);
  const viewActions = useViewActions(tableId);
  const actions = useRecordActions(tableId);

  const [draft, setDraft] = useState<ViewConfig>(EMPTY_VIEW);
  const [conflict, setConflict] = useState<RecordConflict | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => setDraft(configOf(view)), [view]);

  const canEdit = roleAtLeast(workspace.role, 'editor');
  const canManage = roleAtLeast(workspace.role, 'admin');
  const fields = table.data?.fields ?? [];
  const memberList = members.data ?? [];
  const memberMap = useMemo(() => new Map(memberList.map((m) => [m.user_id, m])), [memberList]);
  const linked = useLinkedRecords(fields);
  const ctx = useMemo(() => ({ members: memberMap, linkedTitles: linked.titles, userId: me.user.id }), [memberMap, linked.titles, me.user.id]);
  const visibleFields = useMemo(() => fields.filter((f) => !draft.hidden_fields.includes(f.id)), [fields, draft.hidden_fields]);
  const fresh = useMemo(() => applyView(records.data ?? [], fields, draft, ctx), [records.data, fields, draft, ctx]);
  const live = useLiveTable(tableId, me.user.id, memberMap);
  const queries = useQueryClient();

  const [order, setOrder] = useState<readonly string[] | null>(null);
  const byId = useMemo(() => new Map((records.data ?? []).map((r) => [r.id, r])), [records.data]);
  const { isRemoteSnapshot } = live;
  const lastRecords = useRef(records.data);
  useEffect(() => {
    // Only a new record list from others' events keeps the order; view changes always apply.
    const remote = records.data !== lastRecords.current && isRemoteSnapshot(records.data);
    lastRecords.current = records.data;
    const ids = fresh.map((r) => r.id);
    setOrder((prev) => nextOrder(prev, ids, remote, (id) => byId.has(id)));
  }, [fresh, records.data, isRemoteSnapshot, byId]);
  const freshIds = useMemo(() => fresh.map((r) => r.id), [fresh]);
  const stale = order !== null && !sameOrder(order, freshIds);
  const rows = useMemo(() => (order ?? freshIds).flatMap((id) => byId.get(id) ?? []), [order, freshIds, byId]);

  const pending = usePendingWrites({
    update: (base, values) => actions.update(base, values),
    current: (id) => cachedRecord(queries, tableId, id),
    onConflict: setConflict,
    onError: (message) => setError(`Not saved: ${message}`),
  });

  const changeView = (next: ViewConfig) => {
    setDraft(next);
    if (view && canEdit) viewActions.update.mutate({ id: view.id, ...next }, { onError: (err) => setError(errorMessage(err)) });
  };

  const commit = useCallback(
    async (record: TableRecord, field: Field, value: unknown) => {
      setError(null);
      const values = { [field.id]: value };
      try {
        const result = await actions.update(record, values);
        if (!result.ok) setConflict(result.conflict);
      } catch (err) {
        if (isApiError(err, 'network')) pending.enqueue({ recordId: record.id, baseVersion: record.version, values });
        else setError(`Not saved: ${errorMessage(err)}`);
      }
    },
    [actions, pending.enqueue],
  );

  if (table.isPending) return <LoadingState label="Loading table" />;
  if (table.isError) return <ErrorState error={table.error} onRetry={() => void table.refetch()} />;

  return (
    <section className="table-page" aria-labelledby="table-title">
      <div className="table-head">
        <nav aria-label="Breadcrumb" className="breadcrumb">
          <Link href={`/w/${workspace.id}`}>{workspace.name}</Link> <span aria-hidden="true">/</span>
        </nav>
        <h1 id="table-title">{table.data.table.name}</h1>
        <ViewPicker
          views={views.data ?? []}
          current={view}
          draft={draft}
          canSave={canEdit}
          onSelect={(id) => navigate(`/w/${workspace.id}/t/${tableId}?view=${id ?? 'all'}`)}
          onCreate={async (name) => {
            const created = await viewActions.create.mutateAsync({ name, ...draft });
            navigate(`/w/${workspace.id}/t/${tableId}?view=${created.id}`);
          }}
          onDelete={async (id) => {
            await viewActions.remove.mutateAsync(id);
            navigate(`/w/${workspace.id}/t/${tableId}`);
          }}
        />
        <ViewToolbar fields={fields} config={draft} members={memberList} onChange={changeView} />
        <div className="table-head-end">
          {pending.count > 0 && (
            <span className="pending-badge" role="status">
              {pending.count === 1 ? '1 change waiting to be sent' : `${pending.count} changes waiting to be sent`}
            </span>
          )}
          <span className="muted record-count" aria-live="polite">
            {fresh.length === (records.data?.length ?? 0) ? `${fresh.length} records` : `${fresh.length} of ${records.data?.length ?? 0} records`}
          </span>
          <PresenceAvatars users={live.presence} meId={me.user.id} />
          {canEdit && (
            <button
              type="button"
              className="btn btn-primary"
              onClick={async () => {
                setError(null);
                try {
                  await actions.create();
                } catch (err) {
                  setError(`Could not add a record: ${errorMessage(err)}`);
                }
              }}
            >
              + New record
            </button>
          )}
        </div>
      </div>
      {error && (
        <p className="form-error banner" role="alert">
          {error}
        </p>
      )}
      {stale && (
        <div className="new-data-banner" role="status">
          New data available: changes by others would move rows in this view.
          <button type="button" className="btn btn-small btn-primary" onClick={() => setOrder(freshIds)}>
            Show changes
          </button>
        </div>
      )}
      {records.isPending ? (
        <LoadingState label="Loading records" />
      ) : records.isError ? (
        <ErrorState error={records.error} onRetry={() => void records.refetch()} />
      ) : fields.length === 0 ? (
        <EmptyState title="This table has no fields yet">{canManage && <AddFieldButton tableId={tableId} tables={tables.data ?? []} />}</EmptyState>
      ) : (
        <>
          <Grid
            label={table.data.table.name}
            fields={visibleFields}
            rows={rows}
            ctx={ctx}
            members={memberList}
            canEdit={canEdit}
            linkOptions={linked.byField}
            decorations={live.decorations}
            onActiveCellChange={live.selectCell}
            onEditStart={async (cell) => {
              const result = await live.lockCell(cell);
              return result.ok ? null : result.reason;
            }}
            onEditEnd={live.unlockCell}
            onCommit={(record, field, value) => void commit(record, field, value)}
            onOpenRecord={(record) => setOpenRecord(record.id)}
            onDeleteRecord={
              canEdit
                ? (record) => {
                    if (!window.confirm('Delete this record?')) return;
                    actions.remove(record).catch((err) => setError(`Could not delete: ${errorMessage(err)}`));
                  }
                : undefined
            }
            renderFieldHeader={(field) => <FieldHeader field={field} tableId={tableId} canManage={canManage} />}
            headerEnd={canManage ? <AddFieldButton tableId={tableId} tables={tables.data ?? []} /> : undefined}
          />
          {rows.length === 0 && <p className="muted grid-empty">{(records.data?.length ?? 0) > 0 ? 'No records match the filters.' : 'No records yet.'}</p>}
        </>
      )}
      {openRecordId && byId.get(openRecordId) && (
        <RecordDrawer
          key={openRecordId}
          record={byId.get(openRecordId) as TableRecord}
          fields={fields}
          members={memberList}
          ctx={ctx}
          me={me.user}
          role={workspace.role}
          onCommit={(record, field, value) => void commit(record, field, value)}
          onClose={() => setOpenRecord(null)}
        />
      )}
      {conflict && (
        <ConflictDialog
          conflict={conflict}
          fields={fields}
          ctx={ctx}
          onKeepTheirs={() => setConflict(null)}
          onKeepMine={async () => {
            const current = cachedRecord(queries, tableId, conflict.recordId) ?? conflict.theirs;
            setConflict(null);
            if (!current) return;
            try {
              const result = await actions.update(current, conflict.mine);
              if (!result.ok) setConflict(result.conflict);
            } catch (err) {
              setError(`Not saved: ${errorMessage(err)}`);
            }
          }}
        />
      )}
    </section>
  );
}
