import { roleAtLeast } from '@tandem/protocol';
import { type FormEvent, useId } from 'react';
import type { WorkspaceSummary } from '../api/types.ts';
import { useCreateTable, useTables } from '../grid/table-queries.ts';
import { Link } from '../router/link.tsx';
import { navigate } from '../router/router.ts';
import { EmptyState, ErrorState, errorMessage, LoadingState } from '../ui/states.tsx';

/** The tables of a workspace; admins can create tables here. */
export function WorkspaceHome({ workspace }: { workspace: WorkspaceSummary }) {
  const tables = useTables(workspace.id);
  const create = useCreateTable(workspace.id);
  const canCreate = roleAtLeast(workspace.role, 'admin');
  const id = useId();

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const name = String(new FormData(event.currentTarget).get('name') ?? '').trim();
    if (!name) return;
    const table = await create.mutateAsync(name).catch(() => null);
    if (table) navigate(`/w/${workspace.id}/t/${table.id}`);
  };

  return (
    <section className="content" aria-labelledby="tables-title">
      <div className="page-head">
        <h1 id="tables-title">{workspace.name}</h1>
        <p className="muted">Tables in this workspace</p>
      </div>
      {tables.isPending ? (
        <LoadingState label="Loading tables" />
      ) : tables.isError ? (
        <ErrorState error={tables.error} onRetry={() => void tables.refetch()} />
      ) : tables.data.length === 0 ? (
        <EmptyState title="No tables yet">{canCreate ? <p>Create the first table below.</p> : <p>An admin can create tables.</p>}</EmptyState>
      ) : (
        <ul className="table-list">
          {tables.data.map((t) => (
            <li key={t.id}>
              <Link href={`/w/${workspace.id}/t/${t.id}`} className="table-card">
                <span className="table-card-name">{t.name}</span>
                {t.description && <span className="muted">{t.description}</span>}
              </Link>
            </li>
          ))}
        </ul>
      )}
      {canCreate && (
        <form className="inline-form card" onSubmit={submit} aria-label="Create a table">
          <label htmlFor={id}>New table name</label>
          <input id={id} name="name" required maxLength={100} placeholder="e.g. Work orders" />
          <button type="submit" className="btn btn-primary" disabled={create.isPending}>
            Create table
          </button>
          {create.isError && (
            <p className="form-error" role="alert">
              {errorMessage(create.error)}
            </p>
          )}
        </form>
      )}
    </section>
  );
}
