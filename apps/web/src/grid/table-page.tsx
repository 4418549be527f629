import { roleAtLeast } from '@tandem/protocol';
import { useRecords } from '@tandem/react';
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Field, Me, TableRecord, View, WorkspaceSummary } from '../api/types.ts';
import { PresenceAvatars } from '../live/presence-avatars.tsx';
import { RecordDrawer } from '../records/record-drawer.tsx';
import { Link } from '../router/link.tsx';
import { navigate, useLocation } from '../router/router.ts';
import { EmptyState, ErrorState, errorMessage, LoadingState } from '../ui/states.tsx';
import { useMembers } from '../workspaces/workspace-queries.ts';
import { applyView, EMPTY_VIEW, type ViewConfig } from './apply-view.ts';
import { ConflictDialog, type ConflictWording } from './conflict-dialog.tsx';
import { keepMineWrite } from './conflict-merge.ts';
import { CsvImportDialog } from './csv-import-dialog.tsx';
import { exportUrl } from './csv-transfer.ts';
import { AddFieldButton, FieldHeader } from './field-header.tsx';
import { Grid } from './grid.tsx';
import { useLinkedRecords } from './linked-records.ts';
import { nextOrder, sameOrder } from './row-order.ts';
import { SearchBar } from './search-bar.tsx';
import { tableKeys, useTable, useTables, useViewActions, useViews } from './table-queries.ts';
import { useGridEditing } from './use-grid-editing.ts';
import { useLiveTable } from './use-live-table.ts';
import { useTableSearch } from './use-table-search.ts';
import { ViewPicker } from './view-picker.tsx';
import { ViewToolbar } from './view-toolbar.tsx';

function configOf(view: View | undefined): ViewConfig {
  return view ? { filters: view.filters, sorts: view.sorts, hidden_fields: view.hidden_fields } : EMPTY_VIEW;
}

/** One table: its views, toolbar and grid. */
export function TablePage({ workspace, tableId, me }: { workspace: WorkspaceSummary; tableId: string; me: Me }) {
  const table = useTable(tableId);
  const records = useRecords(tableId);
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

  const [draft, setDraft] = useState<ViewConfig>(EMPTY_VIEW);
  const [error, setError] = useState<string | null>(null);
  const [importing, setImporting] = useState(false);
  useEffect(() => setDraft(configOf(view)), [view]);

  const canEdit = roleAtLeast(workspace.role, 'editor');
  const canManage = roleAtLeast(workspace.role, 'admin');
  const fields = table.data?.fields ?? [];
  const memberList = members.data ?? [];
  const memberMap = useMemo(() => new Map(memberList.map((m) => [m.user_id, m])), [memberList]);
  const linked = useLinkedRecords(fields);
  const ctx = useMemo(() => ({ members: memberMap, linkedTitles: linked.titles, userId: me.user.id }), [memberMap, linked.titles, me.user.id]);
  const visibleFields = useMemo(() => fields.filter((f) => !draft.hidden_fields.includes(f.id)), [fields, draft.hidden_fields]);
  const edits = useGridEditing({ tableId, fields, records, onMessage: setError });
  const { history } = edits;
  const fresh = useMemo(() => applyView(edits.shown, fields, draft, ctx), [edits.shown, fields, draft, ctx]);
  const live = useLiveTable(tableId, me.user.id, memberMap);
  const queries = useQueryClient();

  // Linked-record pickers read a table's records from the query cache: keep this table's entry live.
  useEffect(() => {
    if (!records.loading) queries.setQueryData(tableKeys.records(tableId), records.records);
  }, [queries, tableId, records.loading, records.records]);

  useEffect(() => {
    if (records.writeError) setError(`Not saved: ${records.writeError.message}`);
  }, [records.writeError]);

  const [order, setOrder] = useState<readonly string[] | null>(null);
  const { byId } = edits;
  const lastRecords = useRef(records.records);
  const { changedByOther } = records;
  useEffect(() => {
    // Only a new record list from others' events keeps the order; view changes always apply.
    const remote = records.records !== lastRecords.current && changedByOther;
    lastRecords.current = records.records;
    const ids = fresh.map((r) => r.id);
    setOrder((prev) => nextOrder(prev, ids, remote, (id) => byId.has(id)));
  }, [fresh, records.records, changedByOther, byId]);
  const freshIds = useMemo(() => fresh.map((r) => r.id), [fresh]);
  const stale = order !== null && !sameOrder(order, freshIds);
  const rows = useMemo(() => (order ?? freshIds).flatMap((id) => byId.get(id) ?? []), [order, freshIds, byId]);

  const tableSearch = useTableSearch(tableId, visibleFields, rows, records.records);
  const [searchOpen, setSearchOpen] = useState(false);
  /** Bumped by Ctrl/Cmd+F while the box is open, so it takes the focus again. */
  const [searchFocus, setSearchFocus] = useState(0);
  const closeSearch = () => {
    setSearchOpen(false);
    tableSearch.setQuery('');
  };
  useEffect(() => {
    const onKey = (event: globalThis.KeyboardEvent) => {
      if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === 'f') {
        event.preventDefault();
        setSearchOpen(true);
        setSearchFocus((n) => n + 1);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const changeView = (next: ViewConfig) => {
    setDraft(next);
    if (view && canEdit) viewActions.update.mutate({ id: view.id, ...next }, { onError: (err) => setError(errorMessage(err)) });
  };

  // A refused write (409) shows up as `records.conflict`; one the server cannot be reached for is queued.
  const { commitCell } = edits;
  const commit = useCallback((record: TableRecord, field: Field, value: unknown) => commitCell(record, field, value), [commitCell]);
  const rowLabel = (recordId: string) => `row ${rows.findIndex((r) => r.id === recordId) + 1}`;
  const replayWording: ConflictWording | null = history.conflict
    ? history.conflict.direction === 'undo'
      ? { title: 'Undo would overwrite a newer change', mine: 'Undo restores', keepMine: 'Undo anyway' }
      : { title: 'Redo would overwrite a newer change', mine: 'Redo restores', keepMine: 'Redo anyway' }
    : null;

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
          {records.queued > 0 && (
            <span className="pending-badge" role="status">
              {records.queued === 1 ? '1 change waiting to be sent' : `${records.queued} changes waiting to be sent`}
            </span>
          )}
          <span className="muted record-count" aria-live="polite">
            {fresh.length === records.records.length ? `${fresh.length} records` : `${fresh.length} of ${records.records.length} records`}
          </span>
          <PresenceAvatars users={live.presence} meId={me.user.id} />
          <button
            type="button"
            className="btn"
            aria-pressed={searchOpen}
            title="Search this table (Ctrl+F)"
            onClick={() => (searchOpen ? closeSearch() : setSearchOpen(true))}
          >
            Search
          </button>
          {canEdit && (
            <span className="history-buttons">
              <button
                type="button"
                className="btn"
                disabled={!history.nextUndo || history.busy}
                title={history.nextUndo ? `Undo ${history.nextUndo.label} (Ctrl+Z)` : 'Nothing to undo'}
                onClick={history.undo}
              >
                Undo
              </button>
              <button
                type="button"
                className="btn"
                disabled={!history.nextRedo || history.busy}
                title={history.nextRedo ? `Redo ${history.nextRedo.label} (Ctrl+Shift+Z)` : 'Nothing to redo'}
                onClick={history.redo}
              >
                Redo
              </button>
            </span>
          )}
          <a className="btn" href={exportUrl(tableId, draft)} download>
            Export CSV
          </a>
          {canEdit && (
            <button type="button" className="btn" onClick={() => setImporting(true)}>
              Import CSV
            </button>
          )}
          {canEdit && (
            <button type="button" className="btn btn-primary" onClick={() => void edits.createRecord()}>
              + New record
            </button>
          )}
        </div>
      </div>
      {searchOpen && <SearchBar key={searchFocus} search={tableSearch} onClose={closeSearch} />}
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
      {records.loading ? (
        <LoadingState label="Loading records" />
      ) : records.error ? (
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
            onDraftChange={live.sendDraft}
            searchHits={searchOpen ? tableSearch.hitKeys : undefined}
            currentHit={searchOpen ? (tableSearch.hits[tableSearch.current] ?? null) : null}
            onCommit={(record, field, value) => void commit(record, field, value)}
            onApplyBatch={(batch) => void edits.applyBatch(batch)}
            onUndo={history.undo}
            onRedo={history.redo}
            cellErrors={edits.cellErrors}
            onOpenRecord={(record) => setOpenRecord(record.id)}
            onDeleteRecord={
              canEdit
                ? (record) => {
                    if (!window.confirm('Delete this record?')) return;
                    void edits.deleteRecord(record);
                  }
                : undefined
            }
            renderFieldHeader={(field) => <FieldHeader field={field} tableId={tableId} canManage={canManage} tables={tables.data ?? []} />}
            headerEnd={canManage ? <AddFieldButton tableId={tableId} tables={tables.data ?? []} /> : undefined}
          />
          {rows.length === 0 && <p className="muted grid-empty">{records.records.length > 0 ? 'No records match the filters.' : 'No records yet.'}</p>}
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
      {importing && (
        <CsvImportDialog
          workspaceId={workspace.id}
          tableId={tableId}
          fields={fields}
          canCreateTable={canManage}
          onClose={() => setImporting(false)}
          onOpenTable={(id) => {
            setImporting(false);
            navigate(`/w/${workspace.id}/t/${id}`);
          }}
        />
      )}
      {records.conflict && (
        <ConflictDialog
          conflicts={[records.conflict]}
          fields={fields}
          ctx={ctx}
          onKeepTheirs={records.dismissConflict}
          onKeepMine={async () => {
            const conflict = records.conflict;
            records.dismissConflict();
            const mine = conflict && keepMineWrite(conflict, byId.get(conflict.recordId));
            const record = mine && byId.get(mine.recordId);
            if (mine && record) await edits.commitValues(record, mine.values);
          }}
        />
      )}
      {history.conflict && replayWording && (
        <ConflictDialog
          conflicts={history.conflict.conflicts}
          fields={fields}
          ctx={ctx}
          wording={replayWording}
          recordLabel={rowLabel}
          onKeepTheirs={history.keepTheirs}
          onKeepMine={history.overwrite}
        />
      )}
    </section>
  );
}
