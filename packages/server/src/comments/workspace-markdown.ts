import type { Queryable } from '../db/database.ts';
import { findMentions, type MentionTarget, nameMentionWords, type RenderedComment, renderComment } from './comment-markdown.ts';

/**
 * Renders markdown written in a workspace (a comment, a chat message) with its mentions resolved
 * against the workspace's members: one query for the explicit mentions and one for `@Name`
 * mentions (the members whose names start with a mentioned word), none when there is no mention.
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
  const words = nameMentionWords(body);
  const named = words.length
    ? await db.query<MentionTarget>(
        `SELECT u.id, u.name, lower(u.email) AS email FROM members m JOIN users u ON u.id = m.user_id
         WHERE m.workspace_id = $1 AND EXISTS (SELECT 1 FROM unnest($2::text[]) AS w WHERE starts_with(lower(u.name), w))`,
        [workspaceId, words],
      )
    : [];
  return renderComment(body, (ref) => members.find((m) => (ref.kind === 'id' ? m.id === ref.key : m.email === ref.key)), named);
}
