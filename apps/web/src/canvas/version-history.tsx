import { type FormEvent, useId, useState } from 'react';
import { useDocumentVersions, useVersionActions, useVersionPreview } from '../documents/version-queries.ts';
import { ErrorState, errorMessage, LoadingState } from '../ui/states.tsx';

function when(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/**
 * The versions of a document beside it: take a named version, preview any version's plain text,
 * restore one (a new change everyone follows, so nothing is lost: the current state stays a version away).
 */
export function VersionHistory({ docId, canEdit, onClose }: { docId: string; canEdit: boolean; onClose: () => void }) {
  const versions = useDocumentVersions(docId, true);
  const actions = useVersionActions(docId);
  const [selected, setSelected] = useState<string | null>(null);
  const preview = useVersionPreview(docId, selected);
  const nameId = useId();

  const save = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const name = String(new FormData(form).get('name') ?? '').trim();
    if (!name) return;
    const saved = await actions.save.mutateAsync(name).catch(() => null);
    if (saved) form.reset();
  };
  const restore = async (versionId: string) => {
    const done = await actions.restore.mutateAsync(versionId).then(
      () => true,
      () => false,
    );
    if (done) setSelected(null);
  };
  const failed = actions.save.error ?? actions.restore.error;

  return (
    <aside className="canvas-history" aria-labelledby={`${nameId}-title`}>
      <div className="canvas-history-head">
        <h2 id={`${nameId}-title`}>Versions</h2>
        <button type="button" className="btn btn-ghost btn-small" onClick={onClose}>
          Close
        </button>
      </div>
      {canEdit && (
        <form className="canvas-history-save" onSubmit={save}>
          <label htmlFor={nameId}>Version name</label>
          <div className="canvas-history-row">
            <input id={nameId} name="name" required maxLength={200} placeholder="e.g. Before review" />
            <button type="submit" className="btn btn-primary btn-small" disabled={actions.save.isPending}>
              Save version
            </button>
          </div>
        </form>
      )}
      {failed && (
        <p className="form-error" role="alert">
          {errorMessage(failed)}
        </p>
      )}
      {versions.isPending ? (
        <LoadingState label="Loading versions" />
      ) : versions.isError ? (
        <ErrorState error={versions.error} onRetry={() => void versions.refetch()} />
      ) : versions.data.length === 0 ? (
        <p className="muted">No versions yet. Versions are also taken automatically while people edit.</p>
      ) : (
        <ol className="canvas-versions">
          {versions.data.map((v) => (
            <li key={v.id}>
              <button
                type="button"
                className="canvas-version"
                aria-pressed={selected === v.id}
                onClick={() => setSelected((current) => (current === v.id ? null : v.id))}
              >
                <span className="canvas-version-name">{v.name}</span>
                <span className="muted">{when(v.created_at)}</span>
                {v.changed_since_by.length > 0 && <span className="hint">Changed since by {v.changed_since_by.map((c) => c.name).join(', ')}</span>}
              </button>
              {selected === v.id && (
                <div className="canvas-version-preview">
                  {preview.isPending ? (
                    <LoadingState label="Loading the version" />
                  ) : preview.isError ? (
                    <ErrorState error={preview.error} />
                  ) : (
                    <pre className="canvas-version-text">{preview.data.text || '(empty canvas)'}</pre>
                  )}
                  {canEdit && (
                    <button type="button" className="btn btn-small" disabled={actions.restore.isPending} onClick={() => void restore(v.id)}>
                      Restore this version
                    </button>
                  )}
                </div>
              )}
            </li>
          ))}
        </ol>
      )}
    </aside>
  );
}
