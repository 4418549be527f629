import { type FormEvent, useId, useState } from 'react';
import { useDocumentVersions, useVersionActions, useVersionPreview } from '../documents/version-queries.ts';
import { ErrorState, errorMessage, LoadingState } from '../ui/states.tsx';

function when(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/**
 * The versions of a rich text field under its editor: who changed the text since each, a named
 * version on demand, any version's text, and restore. Restoring first saves the text as it is,
 * so what was replaced stays one version away.
 */
export function RichTextVersions({ docId, canEdit, onClose }: { docId: string; canEdit: boolean; onClose: () => void }) {
  const versions = useDocumentVersions(docId, true, 10_000);
  const actions = useVersionActions(docId);
  const [selected, setSelected] = useState<string | null>(null);
  const preview = useVersionPreview(docId, selected);
  const nameId = useId();
  const titleId = useId();

  const save = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const name = String(new FormData(form).get('name') ?? '').trim();
    if (!name) return;
    const saved = await actions.save.mutateAsync(name).catch(() => null);
    if (saved) form.reset();
  };
  const restore = async (versionId: string, name: string) => {
    try {
      await actions.save.mutateAsync(`Before restoring “${name}”`.slice(0, 200));
      await actions.restore.mutateAsync(versionId);
      setSelected(null);
    } catch {
      // Shown below from the mutation's error.
    }
  };
  const failed = actions.save.error ?? actions.restore.error;

  return (
    <section className="rich-text-versions" aria-labelledby={titleId}>
      <div className="rich-text-versions-head">
        <h3 id={titleId}>Versions</h3>
        <button type="button" className="btn btn-ghost btn-small" onClick={onClose}>
          Close
        </button>
      </div>
      {canEdit && (
        <form className="rich-text-versions-save" onSubmit={save}>
          <label htmlFor={nameId} className="visually-hidden">
            Version name
          </label>
          <input id={nameId} name="name" required maxLength={200} placeholder="Version name, e.g. Before review" />
          <button type="submit" className="btn btn-primary btn-small" disabled={actions.save.isPending}>
            Save version
          </button>
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
        <p className="muted">No versions yet. One is also taken automatically while people edit.</p>
      ) : (
        <ol className="rich-text-version-list">
          {versions.data.map((v) => (
            <li key={v.id} className="rich-text-version">
              <button
                type="button"
                className="rich-text-version-button"
                aria-expanded={selected === v.id}
                onClick={() => setSelected((current) => (current === v.id ? null : v.id))}
              >
                <span className="rich-text-version-name">{v.name}</span>
                <span className="hint">{when(v.created_at)}</span>
                <span className="hint rich-text-version-since">
                  {v.changed_since_by.length > 0 ? `Changed since by ${v.changed_since_by.map((c) => c.name).join(', ')}` : 'No changes since'}
                </span>
              </button>
              {selected === v.id && (
                <div className="rich-text-version-preview">
                  {preview.isPending ? (
                    <LoadingState label="Loading the version" />
                  ) : preview.isError ? (
                    <ErrorState error={preview.error} />
                  ) : (
                    <pre className="rich-text-version-text">{preview.data.text || '(empty)'}</pre>
                  )}
                  {canEdit && (
                    <button
                      type="button"
                      className="btn btn-small"
                      disabled={actions.restore.isPending || actions.save.isPending}
                      onClick={() => void restore(v.id, v.name)}
                    >
                      Restore this version
                    </button>
                  )}
                </div>
              )}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
