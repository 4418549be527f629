import { type Role, roleAtLeast, roomName } from '@tandem/protocol';
import { useRoom } from '@tandem/react';
import { useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense, useEffect, useId, useRef, useState } from 'react';
import { api } from '../api/http.ts';
import type { Field, Member, TableRecord, User } from '../api/types.ts';
import { RecordChatButton } from '../chat/record-chat-button.tsx';
import { CellEditor, isEditableType } from '../grid/cell-editor.tsx';
import { CellView } from '../grid/cell-view.tsx';
import { type DisplayContext, displayText } from '../grid/field-values.ts';
import { errorMessage } from '../ui/states.tsx';
import { ActivityFeed } from './activity-feed.tsx';
import { CommentList } from './comment-list.tsx';
import { recordKeys, useFollowing } from './record-queries.ts';

// The collaborative editor (TipTap, ProseMirror, Yjs) is most of the app's weight and only a
// rich text field needs it: its own chunk, fetched when a record with one opens.
const RichTextField = lazy(() => import('./rich-text-editor.tsx').then((m) => ({ default: m.RichTextField })));

const REFRESHING_EVENTS = new Set(['comment_created', 'comment_updated', 'comment_deleted', 'activity_created', 'approval_requested', 'approval_responded']);

/**
 * A side panel with everything about one record: all its fields (editable by editors; rich text
 * fields as a collaborative editor with versions), comment threads, the activity timeline with
 * approvals, and follow / unfollow. Live through the `record:{id}` room.
 */
export function RecordDrawer({
  record,
  fields,
  members,
  ctx,
  me,
  role,
  onCommit,
  onClose,
}: {
  record: TableRecord;
  fields: readonly Field[];
  members: readonly Member[];
  ctx: DisplayContext;
  me: User;
  role: Role;
  onCommit: (record: TableRecord, field: Field, value: unknown) => void;
  onClose: () => void;
}) {
  const queries = useQueryClient();
  const [tab, setTab] = useState<'comments' | 'activity'>('comments');
  const [editing, setEditing] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const following = useFollowing(record.id);
  const titleId = useId();
  const panel = useRef<HTMLElement>(null);
  const canEdit = roleAtLeast(role, 'editor');

  useRoom(roomName('record', record.id), (event) => {
    if (REFRESHING_EVENTS.has(event.type)) void queries.invalidateQueries({ queryKey: recordKeys.all(record.id) });
  });

  useEffect(() => {
    panel.current?.focus();
  }, []);

  const primary = fields[0];
  const title = (primary && displayText(primary, record.values[primary.id], ctx)) || 'Untitled record';

  return (
    <aside
      ref={panel}
      className="drawer"
      aria-labelledby={titleId}
      tabIndex={-1}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && !editing) onClose();
      }}
    >
      <header className="drawer-head">
        <h2 id={titleId}>{title}</h2>
        <button
          type="button"
          className="btn btn-small"
          aria-pressed={following.data === true}
          onClick={async () => {
            setError(null);
            try {
              if (following.data) await api.delete(`/records/${record.id}/follow`);
              else await api.post(`/records/${record.id}/follow`);
              await queries.invalidateQueries({ queryKey: recordKeys.following(record.id) });
            } catch (err) {
              setError(errorMessage(err));
            }
          }}
        >
          {following.data ? 'Following' : 'Follow'}
        </button>
        <RecordChatButton recordId={record.id} />
        <button type="button" className="btn btn-ghost" aria-label="Close record" onClick={onClose}>
          ×
        </button>
      </header>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <dl className="record-fields">
        {fields.map((field) => (
          <div key={field.id} className={field.type === 'rich_text' ? 'record-field record-field-wide' : 'record-field'}>
            <dt>{field.name}</dt>
            <dd className={`type-${field.type}`}>
              {field.type === 'rich_text' ? (
                <Suspense fallback={<p className="muted">Loading the editor…</p>}>
                  <RichTextField record={record} field={field} me={me} role={role} />
                </Suspense>
              ) : editing === field.id ? (
                <div className="drawer-editor">
                  <CellEditor
                    field={field}
                    value={record.values[field.id]}
                    ctx={ctx}
                    members={members}
                    onCommit={(value) => {
                      setEditing(null);
                      onCommit(record, field, value);
                    }}
                    onCancel={() => setEditing(null)}
                  />
                </div>
              ) : canEdit && (isEditableType(field) || field.type === 'checkbox') ? (
                <button
                  type="button"
                  className="field-value-button"
                  aria-label={`${field.name}: ${displayText(field, record.values[field.id], ctx) || 'empty'}. Edit`}
                  onClick={() => (field.type === 'checkbox' ? onCommit(record, field, record.values[field.id] !== true) : setEditing(field.id))}
                >
                  <CellView field={field} value={record.values[field.id]} ctx={ctx} />
                </button>
              ) : (
                <CellView field={field} value={record.values[field.id]} ctx={ctx} />
              )}
            </dd>
          </div>
        ))}
      </dl>
      <div className="tabs" role="tablist" aria-label="Record sections">
        <button type="button" role="tab" aria-selected={tab === 'comments'} className="tab" onClick={() => setTab('comments')}>
          Comments
        </button>
        <button type="button" role="tab" aria-selected={tab === 'activity'} className="tab" onClick={() => setTab('activity')}>
          Activity
        </button>
      </div>
      <div role="tabpanel" className="drawer-body">
        {tab === 'comments' ? (
          <CommentList recordId={record.id} me={me} role={role} members={members} />
        ) : (
          <ActivityFeed recordId={record.id} me={me} role={role} fields={fields} members={members} ctx={ctx} />
        )}
      </div>
    </aside>
  );
}
