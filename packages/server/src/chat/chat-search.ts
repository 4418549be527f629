import type { ChatRoomKind, ChatSearchHit } from '@tandem/protocol';
import type { AuthInfo } from '../auth/auth-service.ts';
import { escapeHtml } from '../comments/comment-markdown.ts';
import { PLAN_EACH_CALL, type Queryable } from '../db/database.ts';
import { SqlParams } from '../db/sql-params.ts';
import type { Access } from '../workspaces/access.ts';
import { hydrateMessages, MESSAGE_SELECT, type MessageRow } from './chat-message-rows.ts';

/** What to search for. */
export interface ChatSearchQuery {
  readonly workspaceId: string;
  /** Words, "quoted phrases", `-excluded` and `or`, as web search engines take them. */
  readonly q: string;
  /** Only this room. */
  readonly roomId?: string;
  readonly limit: number;
}

// Control characters cannot be typed into a message body, so they mark the matches safely
// until the snippet is HTML-escaped; then they become <mark>.
const START = '\u0001';
const STOP = '\u0002';

/** How many of the newest matches are ranked. */
const RANKED_CANDIDATES = 1000;

/**
 * Full-text search over the messages of the rooms the caller can read (rooms they are a member
 * of, the workspace's channels and record rooms): the newest 1,000 matches ranked by `ts_rank`, with a highlighted snippet:
 * PostgreSQL's `tsvector` column and GIN index, on PostgreSQL and PGlite alike.
 */
export async function searchMessages(db: Queryable, access: Access, auth: AuthInfo, query: ChatSearchQuery): Promise<ChatSearchHit[]> {
  await access.require(auth, 'workspace', query.workspaceId, 'viewer');
  const p = new SqlParams();
  const tsquery = `websearch_to_tsquery('simple', ${p.add(query.q)})`;
  const user = p.add(auth.user.id);
  const roomFilter = query.roomId ? `AND c.room_id = ${p.add(query.roomId)}` : '';
  const hits = await db.query<{ id: string; rank: number; snippet: string; room_name: string | null; room_kind: ChatRoomKind }>(
    `${PLAN_EACH_CALL}WITH q AS (SELECT ${tsquery} AS q),
     -- The newest matches are ranked, not every match: a common word in a big workspace would
     -- otherwise rank hundreds of thousands of rows to show twenty. The query is written out here
     -- rather than taken from q, so the planner sees the words: for a rare one it reads the GIN
     -- index, for a common one it walks the workspace's messages newest first and stops early.
     candidates AS (
       SELECT c.id, c.body, c.search, c.ordinal, r.kind AS room_kind, r.name, r.id AS room_id
       FROM chat_messages c JOIN chat_rooms r ON r.id = c.room_id
       WHERE c.search @@ ${tsquery} AND c.workspace_id = ${p.add(query.workspaceId)} AND c.deleted_at IS NULL ${roomFilter}
         AND (r.kind IN ('channel', 'record') OR EXISTS (SELECT 1 FROM chat_members m WHERE m.room_id = r.id AND m.user_id = ${user}))
       ORDER BY c.ordinal DESC LIMIT ${p.add(RANKED_CANDIDATES)}),
     hits AS (
       SELECT c.id, c.body, c.room_kind,
         CASE WHEN c.room_kind = 'dm' THEN (SELECT u.name FROM chat_members pm JOIN users u ON u.id = pm.user_id
                                            WHERE pm.room_id = c.room_id AND pm.user_id <> ${user} LIMIT 1) ELSE c.name END AS room_name,
         ts_rank(c.search, q.q) AS rank, c.ordinal
       FROM q, candidates c
       ORDER BY rank DESC, c.ordinal DESC LIMIT ${p.add(query.limit)})
     SELECT hits.id, hits.room_name, hits.room_kind, hits.rank::float8 AS rank,
       ts_headline('simple', hits.body, q.q, 'StartSel=${START}, StopSel=${STOP}, MaxWords=30, MinWords=10, MaxFragments=2') AS snippet
     FROM hits, q ORDER BY hits.rank DESC, hits.ordinal DESC`,
    p.values,
  );
  if (hits.length === 0) return [];
  const rows = await db.query<MessageRow>(`${MESSAGE_SELECT} WHERE c.id = ANY($1::uuid[])`, [hits.map((h) => h.id)]);
  const messages = new Map((await hydrateMessages(db, rows)).map((m) => [m.id, m]));
  return hits.flatMap((hit) => {
    const message = messages.get(hit.id);
    if (!message) return [];
    return [{ message, room: { id: message.room_id, name: hit.room_name, kind: hit.room_kind }, snippet_html: highlight(hit.snippet), rank: hit.rank }];
  });
}

/** The snippet HTML-escaped, with the marked matches in `<mark>`. */
export function highlight(snippet: string): string {
  return escapeHtml(snippet).replaceAll(START, '<mark>').replaceAll(STOP, '</mark>');
}
