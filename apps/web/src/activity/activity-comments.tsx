import { type Role, roleAtLeast } from '@tandem/protocol';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api/http.ts';
import type { Member } from '../api/types.ts';
import { CommentComposer } from '../records/comment-composer.tsx';
import { ErrorState, errorMessage, LoadingState } from '../ui/states.tsx';
import { activityKeys, useActivityComments } from './workspace-activity-queries.ts';

function when(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/**
 * The discussion of one activity entry ("why was this changed?"): its comments, oldest first,
 * and a composer for commenters. Others' new comments arrive through the workspace room.
 */
export function ActivityComments({ activityId, role, members }: { activityId: string; role: Role; members: readonly Member[] }) {
  const comments = useActivityComments(activityId, true);
  const queries = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const post = async (body: string) => {
    setError(null);
    try {
      await api.post(`/activity/${activityId}/comments`, { body });
      await queries.invalidateQueries({ queryKey: activityKeys.comments(activityId) });
    } catch (err) {
      setError(errorMessage(err));
      throw err;
    }
  };
  if (comments.isPending) return <LoadingState label="Loading comments" />;
  if (comments.isError) return <ErrorState error={comments.error} onRetry={() => void comments.refetch()} />;
  const shown = comments.data.filter((c) => !c.deleted_at);
  return (
    <div className="activity-comments">
      {shown.map((c) => (
        <article key={c.id} className="comment" aria-label={`Comment by ${c.author?.name ?? 'someone'}`}>
          <header className="comment-head">
            <strong>{c.author?.name ?? 'Former member'}</strong>
            <time dateTime={c.created_at} className="muted">
              {when(c.created_at)}
            </time>
          </header>
          {/* Sanitised by the server, like record comments. */}
          <div className="comment-body" dangerouslySetInnerHTML={{ __html: c.body_html }} />
        </article>
      ))}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {roleAtLeast(role, 'commenter') && <CommentComposer members={members} label="Comment on this change" submitLabel="Comment" onSubmit={post} />}
    </div>
  );
}
