import type { DocumentKind, DocumentVersion, VersionChanges } from '@tandem/protocol';
import { type FormEvent, useId, useState } from 'react';
import type * as Y from 'yjs';
import { ErrorState, errorMessage, LoadingState } from '../ui/states.tsx';
import { useDocumentVersions, useVersionActions, useVersionPreview } from './version-queries.ts';
import '../styles/version-history.css';

function when(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** What {@link VersionHistory} shows and where. */
export interface VersionHistoryProps {
  readonly docId: string;
  readonly kind: DocumentKind;
  /** The open document: its edits refresh "changed since" and the comparison of the version shown. */
  readonly doc: Y.Doc | null;
  /** Editors and above save and restore versions; others only look. */
  readonly canEdit: boolean;
  /** `side`: a panel beside a canvas; `inline`: under a rich text editor. */
  readonly layout: 'side' | 'inline';
  readonly onClose: () => void;
}

/**
 * The versions of a document (a canvas or a rich text field), live: who changed it since each, a
 * named version on demand, a version's text and what changed since it, and restore. The server
 * saves what a restore replaces as a version first, so a restore is undone by restoring that one.
 */
export function VersionHistory({ docId, kind, doc, canEdit, layout, onClose }: VersionHistoryProps) {
  const versions = useDocumentVersions(docId, doc);
  const actions = useVersionActions(docId);
  const [selected, setSelected] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const preview = useVersionPreview(docId, selected, doc);
  const nameId = useId();
  const titleId = useId();
  const Tag = layout === 'side' ? 'aside' : 'section';
  const Heading = layout === 'side' ? 'h2' : 'h3';

  const save = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const name = String(new FormData(form).get('name') ?? '').trim();
    if (!name) return;
    setNotice(null);
    const saved = await actions.save.mutateAsync(name).catch(() => null);
    if (saved) form.reset();
  };
  const restore = async (version: DocumentVersion) => {
    setNotice(null);
    const result = await actions.restore.mutateAsync(version.id).catch(() => null);
    if (!result) return;
    setSelected(null);
    setNotice(
      result.saved_version
        ? `Restored “${version.name}”. What it replaced is saved as “${result.saved_version.name}”.`
        : `Nothing to restore: this already matches “${version.name}”.`,
    );
  };
  const failed = actions.save.error ?? actions.restore.error;

  return (
    <Tag className={`version-history version-history-${layout}`} aria-labelledby={titleId}>
      <div className="version-history-head">
        <Heading id={titleId}>Versions</Heading>
        <button type="button" className="btn btn-ghost btn-small" onClick={onClose}>
          Close
        </button>
      </div>
      {canEdit && (
        <form className="version-history-save" onSubmit={save}>
          <label htmlFor={nameId} className="visually-hidden">
            Version name
          </label>
          <input id={nameId} name="name" required maxLength={200} placeholder="Version name, e.g. Before review" />
          <button type="submit" className="btn btn-primary btn-small" disabled={actions.save.isPending}>
            Save version
          </button>
        </form>
      )}
      {notice && (
        <p className="version-history-notice" role="status">
          {notice}
        </p>
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
        <ol className="version-list">
          {versions.data.map((v) => (
            <li key={v.id} className="version" data-version-id={v.id}>
              <button
                type="button"
                className="version-button"
                aria-expanded={selected === v.id}
                onClick={() => setSelected((current) => (current === v.id ? null : v.id))}
              >
                <span className="version-name">{v.name}</span>
                <span className="hint">{when(v.created_at)}</span>
                <span className="hint version-since">
                  {v.changed_since_by.length > 0 ? `Changed since by ${v.changed_since_by.map((c) => c.name).join(', ')}` : 'No changes since'}
                </span>
              </button>
              {selected === v.id && (
                <div className="version-preview">
                  {preview.isPending ? (
                    <LoadingState label="Loading the version" />
                  ) : preview.isError ? (
                    <ErrorState error={preview.error} />
                  ) : (
                    <>
                      <h4 className="version-preview-label">Changed since this version</h4>
                      <ChangesSince changes={preview.data.changes} />
                      <h4 className="version-preview-label">This version</h4>
                      <pre className="version-text">{preview.data.text || (kind === 'canvas' ? '(empty canvas)' : '(empty)')}</pre>
                    </>
                  )}
                  {canEdit && (
                    <button type="button" className="btn btn-small" disabled={actions.restore.isPending} onClick={() => void restore(v)}>
                      Restore this version
                    </button>
                  )}
                </div>
              )}
            </li>
          ))}
        </ol>
      )}
    </Tag>
  );
}

/** What changed from a version to now: rich text word by word, a canvas as lists of nodes and connections. */
function ChangesSince({ changes }: { changes: VersionChanges }) {
  if (changes.kind === 'rich_text') {
    if (!changes.text.some((run) => run.kind !== 'same')) return <p className="muted version-unchanged">No changes.</p>;
    return (
      <>
        <p className="version-diff">
          {changes.text.map((run, i) => {
            const Run = run.kind === 'added' ? 'ins' : run.kind === 'removed' ? 'del' : 'span';
            // Runs have no identity beyond their place, and the list is replaced whole.
            return <Run key={i}>{run.text}</Run>;
          })}
        </p>
        <p className="hint version-diff-legend">
          <ins>Added since</ins> <del>Removed since</del>
        </p>
      </>
    );
  }
  const { nodes, edges } = changes;
  const all: { label: string; items: string[]; kind: 'added' | 'removed' | 'changed' }[] = [
    { label: 'Nodes added', kind: 'added', items: nodes.added.map((n) => n.title || 'Untitled') },
    { label: 'Nodes removed', kind: 'removed', items: nodes.removed.map((n) => n.title || 'Untitled') },
    { label: 'Nodes changed', kind: 'changed', items: nodes.changed.map((n) => `${n.title || 'Untitled'} (${n.fields.join(', ')})`) },
    { label: 'Connections added', kind: 'added', items: edges.added.map((e) => `${e.source} → ${e.target}`) },
    { label: 'Connections removed', kind: 'removed', items: edges.removed.map((e) => `${e.source} → ${e.target}`) },
  ];
  const rows = all.filter((row) => row.items.length > 0);
  if (rows.length === 0) return <p className="muted version-unchanged">No changes.</p>;
  return (
    <dl className="version-canvas-changes">
      {rows.map((row) => (
        <div key={row.label} className={`version-change version-change-${row.kind}`}>
          <dt>{row.label}</dt>
          <dd>{row.items.join(', ')}</dd>
        </div>
      ))}
    </dl>
  );
}
