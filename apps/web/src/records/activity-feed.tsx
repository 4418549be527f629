import type { ActivityEntry, Approval } from '@tandem/protocol';
import { type Role, roleAtLeast } from '@tandem/protocol';
import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { ActivityDiscussion } from '../activity/activity-discussion.tsx';
import { api } from '../api/http.ts';
import type { Field, Member, User } from '../api/types.ts';
import { type DisplayContext, displayText } from '../grid/field-values.ts';
import { Segmented } from '../ui/segmented.tsx';
import { EmptyState, ErrorState, errorMessage, LoadingState } from '../ui/states.tsx';
import { ACTIVITY_FILTERS } from './activity-filters.ts';
import { recordKeys, useRecordActivity, useRecordApprovals } from './record-queries.ts';

function when(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

function shown(field: Field | undefined, value: unknown, ctx: DisplayContext): string {
  if (value === null || value === undefined || value === '') return '(empty)';
  return field ? displayText(field, value, ctx) || '(empty)' : typeof value === 'string' ? value : JSON.stringify(value);
}

/** An approval as a card in the feed; assignees answer it right here. */
function ApprovalCard({ approval, me, onChanged }: { approval: Approval; me: User; onChanged: () => void }) {
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const noteId = useId();
  const mayAnswer = approval.status === 'pending' && approval.assignees.some((a) => a.id === me.id);
  const answer = async (verdict: 'approve' | 'reject') => {
    setError(null);
    try {
      await api.post(`/approvals/${approval.id}/${verdict}`, { note });
      onChanged();
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  return (
    <div className={`approval approval-${approval.status}`}>
      <p>
        <strong>{approval.title}</strong> <span className={`status status-${approval.status}`}>{approval.status}</span>
      </p>
      {approval.description && <p className="muted">{approval.description}</p>}
      <p className="muted">
        Asked of {approval.assignees.map((a) => a.name).join(', ')}
        {approval.due_at ? `, due ${when(approval.due_at)}` : ''}
      </p>
      {approval.response && (
        <p>
          {approval.response.by?.name ?? 'Someone'} {approval.status}
          {approval.response.note ? `: “${approval.response.note}”` : ''}
        </p>
      )}
      {mayAnswer && (
        <div className="approval-answer">
          <label htmlFor={noteId}>Note (optional)</label>
          <input id={noteId} value={note} onChange={(e) => setNote(e.target.value)} maxLength={2000} />
          <button type="button" className="btn btn-small btn-primary" onClick={() => void answer('approve')}>
            Approve
          </button>
          <button type="button" className="btn btn-small btn-danger" onClick={() => void answer('reject')}>
            Reject
          </button>
        </div>
      )}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

/** Asks one or more members to approve the record. */
function RequestApprovalForm({ recordId, me, members, onDone }: { recordId: string; me: User; members: readonly Member[]; onDone: () => void }) {
  const [error, setError] = useState<string | null>(null);
  const ids = { title: useId(), description: useId() };
  const others = members.filter((m) => m.user_id !== me.id && roleAtLeast(m.role, 'commenter'));
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const assignees = form.getAll('assignee').map(String);
    if (assignees.length === 0) {
      setError('Choose at least one person.');
      return;
    }
    try {
      await api.post('/approvals', {
        record_id: recordId,
        title: String(form.get('title') ?? '').trim(),
        description: String(form.get('description') ?? ''),
        assignee_ids: assignees,
      });
      onDone();
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  return (
    <form className="card stack" onSubmit={(e) => void submit(e)} aria-label="Request approval">
      <label htmlFor={ids.title}>What needs approval</label>
      <input id={ids.title} name="title" required maxLength={200} />
      <label htmlFor={ids.description}>Details</label>
      <textarea id={ids.description} name="description" rows={2} maxLength={5000} />
      <fieldset className="panel">
        <legend>Approvers</legend>
        {others.map((m) => (
          <label key={m.user_id} className="check-row">
            <input type="checkbox" name="assignee" value={m.user_id} />
            {m.name}
          </label>
        ))}
      </fieldset>
      <button type="submit" className="btn btn-small btn-primary">
        Send request
      </button>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}

function describe(entry: ActivityEntry): string {
  const who = entry.actor?.name ?? 'Someone';
  if (entry.entity_type === 'comment') return `${who} ${entry.action === 'created' ? 'commented' : `${entry.action} a comment`}`;
  if (entry.entity_type === 'approval') return entry.action === 'requested' ? `${who} requested approval` : `${who} ${entry.action} the request`;
  if (entry.entity_type === 'record') return `${who} ${entry.action} the record`;
  return `${who} ${entry.action} ${entry.entity_type}`;
}

/**
 * The record's timeline, newest first, with filters (all, comments, approvals, changes), field
 * diffs, approval cards that assignees answer in place, a discussion on every entry, and a
 * request-approval form.
 */
export function ActivityFeed({
  recordId,
  me,
  role,
  fields,
  members,
  ctx,
}: {
  recordId: string;
  me: User;
  role: Role;
  fields: readonly Field[];
  members: readonly Member[];
  ctx: DisplayContext;
}) {
  const [type, setType] = useState('');
  const [requesting, setRequesting] = useState(false);
  const activity = useRecordActivity(recordId, type);
  const approvals = useRecordApprovals(recordId);
  const queries = useQueryClient();
  const refresh = () => void queries.invalidateQueries({ queryKey: recordKeys.all(recordId) });
  const byField = new Map(fields.map((f) => [f.id, f]));
  const approvalById = new Map((approvals.data ?? []).map((a) => [a.id, a]));

  return (
    <div className="activity">
      <div className="activity-tools">
        <Segmented label="Show" options={ACTIVITY_FILTERS} value={type} onChange={setType} />
        {roleAtLeast(role, 'commenter') && (
          <button type="button" className="btn btn-small" aria-expanded={requesting} onClick={() => setRequesting((r) => !r)}>
            Request approval
          </button>
        )}
      </div>
      {requesting && (
        <RequestApprovalForm
          recordId={recordId}
          me={me}
          members={members}
          onDone={() => {
            setRequesting(false);
            refresh();
          }}
        />
      )}
      {activity.isPending ? (
        <LoadingState label="Loading activity" />
      ) : activity.isError ? (
        <ErrorState error={activity.error} onRetry={() => void activity.refetch()} />
      ) : activity.data.length === 0 ? (
        <EmptyState title="Nothing here yet" />
      ) : (
        <ol className="timeline">
          {activity.data.map((entry) => {
            const approval = entry.entity_type === 'approval' && entry.action === 'requested' ? approvalById.get(entry.entity_id) : undefined;
            return (
              <li key={entry.id} className={`timeline-entry entry-${entry.entity_type}`}>
                <p className="timeline-head">
                  <span>{describe(entry)}</span>
                  <time dateTime={entry.created_at} className="muted">
                    {when(entry.created_at)}
                  </time>
                </p>
                {entry.changes.length > 0 && (
                  <ul className="diff">
                    {entry.changes.map((c) => (
                      <li key={c.field_id}>
                        <span className="diff-field">{c.field_name}</span>: <del>{shown(byField.get(c.field_id), c.before, ctx)}</del> →{' '}
                        <ins>{shown(byField.get(c.field_id), c.after, ctx)}</ins>
                      </li>
                    ))}
                  </ul>
                )}
                {entry.entity_type === 'approval' && entry.action !== 'requested' && typeof entry.meta.note === 'string' && entry.meta.note && (
                  <p className="muted">“{entry.meta.note}”</p>
                )}
                {approval && <ApprovalCard approval={approval} me={me} onChanged={refresh} />}
                <ActivityDiscussion activityId={entry.id} role={role} members={members} />
              </li>
            );
          })}
        </ol>
      )}
    </div>
  );
}
