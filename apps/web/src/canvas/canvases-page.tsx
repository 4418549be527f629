import { roleAtLeast } from '@tandem/protocol';
import { type FormEvent, useId, useState } from 'react';
import type { WorkspaceSummary } from '../api/types.ts';
import { Link } from '../router/link.tsx';
import { navigate } from '../router/router.ts';
import { EmptyState, ErrorState, errorMessage, LoadingState } from '../ui/states.tsx';
import { RenameCanvasForm, useDeleteCanvasConfirmed } from './canvas-actions.tsx';
import { useCanvases, useCreateCanvas } from './canvas-queries.ts';
import '../styles/canvas.css';

function when(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** The canvases of a workspace; editors and above create, rename and delete them here. */
export function CanvasesPage({ workspace }: { workspace: WorkspaceSummary }) {
  const canvases = useCanvases(workspace.id);
  const create = useCreateCanvas(workspace.id);
  const canCreate = roleAtLeast(workspace.role, 'editor');
  const remove = useDeleteCanvasConfirmed(workspace.id);
  const [renaming, setRenaming] = useState<string | null>(null);
  const id = useId();

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const name = String(new FormData(event.currentTarget).get('name') ?? '').trim();
    if (!name) return;
    const canvas = await create.mutateAsync(name).catch(() => null);
    if (canvas) navigate(`/w/${workspace.id}/canvas/${canvas.id}`);
  };

  return (
    <section className="content" aria-labelledby="canvases-title">
      <div className="page-head">
        <h1 id="canvases-title">Canvases</h1>
        <p className="muted">Node graphs everyone in {workspace.name} draws on together</p>
      </div>
      {canCreate && (
        <form className="inline-form card" onSubmit={submit} aria-label="New canvas">
          <label htmlFor={id}>Canvas name</label>
          <input id={id} name="name" required maxLength={200} placeholder="e.g. Line 3 layout" />
          <button type="submit" className="btn btn-primary" disabled={create.isPending}>
            New canvas
          </button>
          {create.isError && (
            <p className="form-error" role="alert">
              {errorMessage(create.error)}
            </p>
          )}
        </form>
      )}
      {remove.error && (
        <p className="form-error" role="alert">
          {errorMessage(remove.error)}
        </p>
      )}
      {canvases.isPending ? (
        <LoadingState label="Loading canvases" />
      ) : canvases.isError ? (
        <ErrorState error={canvases.error} onRetry={() => void canvases.refetch()} />
      ) : canvases.data.length === 0 ? (
        <EmptyState title="No canvases yet">{canCreate ? <p>Name the first one above.</p> : <p>An editor can create canvases.</p>}</EmptyState>
      ) : (
        <ul className="table-list canvas-list">
          {canvases.data.map((c) => (
            <li key={c.id} className="canvas-list-item">
              {renaming === c.id ? (
                <div className="table-card">
                  <RenameCanvasForm canvas={c} onDone={() => setRenaming(null)} />
                </div>
              ) : (
                <>
                  <Link href={`/w/${workspace.id}/canvas/${c.id}`} className="table-card">
                    <span className="table-card-name">{c.name}</span>
                    <span className="muted">Changed {when(c.updated_at)}</span>
                  </Link>
                  {canCreate && (
                    <div className="canvas-card-actions">
                      <button type="button" className="btn btn-ghost btn-small" aria-label={`Rename ${c.name}`} onClick={() => setRenaming(c.id)}>
                        Rename
                      </button>
                      <button
                        type="button"
                        className="btn btn-ghost btn-small"
                        aria-label={`Delete ${c.name}`}
                        disabled={remove.pending}
                        onClick={() => void remove.run(c)}
                      >
                        Delete
                      </button>
                    </div>
                  )}
                </>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
