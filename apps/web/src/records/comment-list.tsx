import type { Comment } from '@tandem/protocol';
import { type Role, roleAtLeast } from '@tandem/protocol';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api/http.ts';
import type { Member, User } from '../api/types.ts';
import { EmptyState, ErrorState, errorMessage, LoadingState } from '../ui/states.tsx';
import { CommentComposer } from './comment-composer.tsx';
import { recordKeys, useComments } from './record-queries.ts';

function when(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** One comment: author, time, sanitised body and its actions. */
function CommentItem({
  comment,
  me,
  role,
  members,
  onChanged,
  onReply,
}: {
  comment: Comment;
  me: User;
  role: Role;
  members: readonly Member[];
  onChanged: () => void;
  onReply?: () => void;
}) {
  const [editing, setEditing] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const mine = comment.author?.id === me.id;
  const canModerate = mine || roleAtLeast(role, 'admin');
  const run = async (fn: () => Promise<unknown>) => {
    setError(null);
    try {
      await fn();
      onChanged();
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  if (comment.deleted_at) return <p className="comment comment-deleted muted">This comment was deleted.</p>;
  return (
    <article className="comment" aria-label={`Comment by ${comment.author?.name ?? 'someone'}`}>
      <header className="comment-head">
        <strong>{comment.author?.name ?? 'Former member'}</strong>
        <time dateTime={comment.created_at} className="muted">
          {when(comment.created_at)}
        </time>
        {comment.edited_at && <span className="muted">(edited)</span>}
      </header>
      {editing ? (
        <CommentComposer
          members={members}
          label="Edit comment"
          submitLabel="Save"
          initial={comment.body}
          onCancel={() => setEditing(false)}
          onSubmit={(body) =>
            run(async () => {
              await api.patch(`/comments/${comment.id}`, { body });
              setEditing(false);
            })
          }
        />
      ) : (
        // The server renders markdown to sanitised HTML (scripts, handlers and javascript: links removed).
        <div className="comment-body" dangerouslySetInnerHTML={{ __html: comment.body_html }} />
      )}
      <div className="comment-actions">
        {onReply && roleAtLeast(role, 'commenter') && (
          <button type="button" className="btn btn-ghost btn-small" onClick={onReply}>
            Reply
          </button>
        )}
        {mine && !editing && (
          <button type="button" className="btn btn-ghost btn-small" onClick={() => setEditing(true)}>
            Edit
          </button>
        )}
        {canModerate && (
          <button
            type="button"
            className="btn btn-ghost btn-small btn-danger"
            onClick={() => {
              if (window.confirm('Delete this comment?')) void run(() => api.delete(`/comments/${comment.id}`));
            }}
          >
            Delete
          </button>
        )}
      </div>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </article>
  );
}

/** Comment threads of a record: top-level comments with their replies, resolve/reopen, and a composer. */
export function CommentList({ recordId, me, role, members }: { recordId: string; me: User; role: Role; members: readonly Member[] }) {
  const comments = useComments(recordId);
  const queries = useQueryClient();
  const [replyTo, setReplyTo] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const refresh = () => void queries.invalidateQueries({ queryKey: recordKeys.all(recordId) });
  const post = async (body: string, parentId?: string) => {
    setError(null);
    try {
      await api.post(`/records/${recordId}/comments`, { body, ...(parentId ? { parent_id: parentId } : {}) });
      setReplyTo(null);
      refresh();
    } catch (err) {
      setError(errorMessage(err));
      throw err;
    }
  };

  if (comments.isPending) return <LoadingState label="Loading comments" />;
  if (comments.isError) return <ErrorState error={comments.error} onRetry={() => void comments.refetch()} />;
  const threads = comments.data.filter((c) => c.parent_id === null);
  const repliesOf = (id: string) => comments.data.filter((c) => c.thread_id === id && c.id !== id);

  return (
    <div className="comments">
      {threads.length === 0 && <EmptyState title="No comments yet" />}
      {threads.map((thread) => (
        <section key={thread.id} className={`thread${thread.resolved ? ' thread-resolved' : ''}`} aria-label="Comment thread">
          {thread.resolved && <p className="badge">Resolved</p>}
          <CommentItem comment={thread} me={me} role={role} members={members} onChanged={refresh} onReply={() => setReplyTo(thread.id)} />
          <div className="replies">
            {repliesOf(thread.id).map((reply) => (
              <CommentItem key={reply.id} comment={reply} me={me} role={role} members={members} onChanged={refresh} />
            ))}
          </div>
          {replyTo === thread.id && (
            <CommentComposer members={members} label="Reply" submitLabel="Reply" onCancel={() => setReplyTo(null)} onSubmit={(body) => post(body, thread.id)} />
          )}
          {roleAtLeast(role, 'commenter') && (
            <button
              type="button"
              className="btn btn-ghost btn-small"
              onClick={async () => {
                try {
                  await api.post(`/comments/${thread.id}/${thread.resolved ? 'reopen' : 'resolve'}`);
                  refresh();
                } catch (err) {
                  setError(errorMessage(err));
                }
              }}
            >
              {thread.resolved ? 'Reopen thread' : 'Resolve thread'}
            </button>
          )}
        </section>
      ))}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {roleAtLeast(role, 'commenter') ? (
        <CommentComposer members={members} label="Write a comment" submitLabel="Comment" onSubmit={(body) => post(body)} />
      ) : (
        <p className="muted">Viewers can read comments but not write them.</p>
      )}
    </div>
  );
}
