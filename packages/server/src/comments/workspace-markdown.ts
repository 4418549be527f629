import type { Queryable } from '../db/database.ts';
import { findMentions, type MentionTarget, type RenderedComment, renderComment } from './comment-markdown.ts';

/**
 * Renders markdown written in a workspace (a comment, a chat message) with its mentions resolved
 * against the workspace's members: one query for every mention, none when there is no mention.
 */
export async function renderInWorkspace(db: Queryable, workspaceId: string, body: string): Promise<RenderedComment> {
  const refs = findMentions(body);
  const ids = refs.filter((r) => r.kind === 'id').map((r) => r.key);
  const emails = refs.filter((r) => r.kind === 'email').map((r) => r.key);
  const members = refs.length
    ? await db.query<MentionTarget>(
        `SELECT u.id, u.name, lower(u.email) AS email FROM members m JOIN users u ON u.id = m.user_id
         WHERE m.workspace_id = $1 AND (u.id = ANY($2::uuid[]) OR lower(u.email) = ANY($3::text[]))`,
        [workspaceId, ids, emails],
      )
    : [];
  return renderComment(body, (ref) => members.find((m) => (ref.kind === 'id' ? m.id === ref.key : m.email === ref.key)));
}
